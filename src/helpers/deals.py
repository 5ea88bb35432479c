"""The 2025-26 "deals": when each partner reached each stage (from typed documents), counts against the pledge,
import coverage, and the cohort on the historical survival clock."""

from __future__ import annotations

import pandas as pd

from .dates import surely_by


def pledge_line(days: pd.Series, pledge_start: str, pledged: int, per_day: float = 1.0) -> pd.Series:
    """Deals promised by each day: one for each full day since ``pledge_start`` (day 0), up to ``pledged``."""
    elapsed = (pd.to_datetime(days) - pd.Timestamp(pledge_start)).dt.days
    return (elapsed.clip(lower=0) * per_day).clip(upper=pledged)


# --- From the typed deal documents (data/raw/deal_documents_2025_2026.csv) -----------------------------

DOCUMENT_STAGES = {
    "announced": ("announcement", "joint_statement", "framework", "nonbinding_memorandum", "binding_agreement"),
    "framework_or_statement": ("joint_statement", "framework", "nonbinding_memorandum", "binding_agreement"),
    "binding_agreement": ("binding_agreement",),
    "implemented": ("implementing_order",),
}
DOCUMENT_STAGE_LABELS = {
    "announced": "any announced deal", "framework_or_statement": "written framework, statement or memorandum",
    "binding_agreement": "signed binding agreement", "implemented": "US implementing order (cumulative)",
    "in_effect": "an implemented term still in effect",
}


def dated(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents with a usable date in ``when``: the ``date`` (month-only: the month's last day), or, where the day is
    unknown, ``date_by`` (the date by which a source shows it had happened, so counts are never early). Others dropped."""
    docs = documents.copy()
    date_by = docs["date_by"] if "date_by" in docs else pd.Series(None, index=docs.index, dtype=object)
    docs["when"] = pd.to_datetime(docs["date"].fillna(date_by).map(surely_by))
    return docs.dropna(subset=["when"])


def _first(docs: pd.DataFrame, instruments) -> pd.Series:
    sel = docs[docs["instrument"].isin(instruments)]
    return sel.groupby("partner")["when"].min()


def document_stages(documents: pd.DataFrame, ieepa_end: str) -> pd.DataFrame:
    """One row per partner: the first date it reached each stage (NaT where never), from its typed documents.

    An implementing order counts only on or after the partner's first announcement (an earlier order set a rate
    before any deal). ``rate_ended``: the day IEEPA duties stopped (``ieepa_end``) for a partner whose orders issued
    before then all rested on IEEPA and that had no later non-IEEPA order; NaT while any implemented term (Section
    232, 301, an agreement) is still in effect. Dates as in ``dated``.
    """
    docs = dated(documents)
    out = pd.DataFrame({stage: _first(docs, inst) for stage, inst in DOCUMENT_STAGES.items()})
    orders = docs[docs["instrument"] == "implementing_order"].join(out["announced"], on="partner")
    orders = orders[orders["when"] >= orders["announced"]]
    out["implemented"] = orders.groupby("partner")["when"].min()
    end = pd.Timestamp(ieepa_end)
    lasting = orders[(orders["legal_basis"] != "IEEPA")].groupby("partner")["when"].min()
    ieepa_only = orders[orders["legal_basis"] == "IEEPA"].groupby("partner")["when"].min()
    out["rate_ended"], out["resumed"] = pd.NaT, pd.NaT
    for partner in ieepa_only.index:
        first_lasting = lasting.get(partner)
        if first_lasting is None or first_lasting > end:
            out.loc[partner, "rate_ended"] = end  # only IEEPA terms until the ruling: they lapsed
            if first_lasting is not None:
                out.loc[partner, "resumed"] = first_lasting  # a lasting term came later
    return out.reset_index(names="partner")


def document_counts(stages: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Daily count of partners at each document stage, and ``in_effect`` (implemented, not ended, or resumed)."""
    days = pd.date_range(start, end, freq="D")
    out = pd.DataFrame({"date": days})
    for stage in DOCUMENT_STAGES:
        dates = stages[stage].dropna().sort_values().to_numpy()
        out[stage] = dates.searchsorted(days.to_numpy(), side="right")
    ended = stages["rate_ended"].dropna().sort_values().to_numpy()
    resumed = stages["resumed"].dropna().sort_values().to_numpy()
    out["in_effect"] = (out["implemented"] - ended.searchsorted(days.to_numpy(), side="right")
                        + resumed.searchsorted(days.to_numpy(), side="right"))
    return out


def check_cohort(partners: pd.DataFrame, documents: pd.DataFrame, path: str = "data/raw/deal_documents_2025_2026.csv") -> None:
    """Every partner named in a deal document must be in the cohort table; raises ``RawDataError`` naming the lines."""
    from .io import Problem, RawDataError, line_of

    known = set(partners["partner"])
    problems = [Problem(line_of(i), "partner", f"'{p}' is not in data/raw/deal_partners_2025.csv (the cohort)")
                for i, p in documents["partner"].items() if p not in known]
    if problems:
        raise RawDataError(path, problems)
    # Each partner's recorded outcome must agree with its documents.
    by_partner = documents.groupby("partner")["instrument"].agg(set)
    expected = {"binding_agreement": {"binding_agreement"},
                "framework_or_statement": {"joint_statement", "framework", "nonbinding_memorandum"},
                "announced_only": {"announcement"}}
    problems = []
    for i, row in partners.iterrows():
        have = by_partner.get(row["partner"], set())
        outcome = row["outcome"]
        if outcome in expected and not have & expected[outcome]:
            problems.append(Problem(line_of(i), "outcome", f"'{outcome}' but {row['partner']} has no document of that kind in "
                                    "data/raw/deal_documents_2025_2026.csv"))
        if outcome == "none" and have - {"implementing_order"}:
            problems.append(Problem(line_of(i), "outcome", f"'none' but {row['partner']} has deal documents "
                                    f"({', '.join(sorted(have))})"))
    if problems:
        raise RawDataError("data/raw/deal_partners_2025.csv", problems)


COHORT_CLOCKS = {"announced": "talks_announced", "first_round": "first_round"}  # history's launch -> cohort column


def cohort_frame(partners: pd.DataFrame, stages: pd.DataFrame, stage: str, pause_start: str, as_of: str,
                 days_per_month: float, clock: str = "talks_began", missing: str = "pause") -> pd.DataFrame:
    """Survival frame of the 2025-26 cohort on the historical clock: one row per partner (the EU once).

    Origin: the partner's ``clock`` column — ``talks_began`` (the first reported meeting, call or proposal),
    ``talks_announced`` or ``first_round`` (history's own launch definitions, ``COHORT_CLOCKS``). Where the partner has
    no such date: the pause (``pause_start``) with ``missing='pause'``, or left out with ``missing='drop'`` (the
    like-for-like comparison counts only partners dated by the clock, as history's units are). Event (cause 1): the
    first date the partner reached ``stage`` in ``stages`` (``document_stages``: the same rules as the scorecard).
    Talks broken off (cause 2) end at ``status_verified``. Others are censored at the later of ``status_verified``
    and their last document (never after ``as_of``). Same columns as ``negotiations.survival_frame``: unit_id, track ('2025-26 cohort'), months,
    months_low / months_high (a month-only start at the first / last day of its month), cause.
    """
    from .dates import parse_partial_date
    from .negotiations import _bounds

    reached = stages.set_index("partner")[stage].dropna()
    last_document = stages.set_index("partner")[list(DOCUMENT_STAGES)].max(axis=1)
    limit = pd.Timestamp(as_of)
    rows = []
    if missing not in ("pause", "drop"):
        raise ValueError(f"missing must be 'pause' or 'drop', not '{missing}'")
    if clock not in partners.columns:
        raise KeyError(f"no column '{clock}' in the cohort table (data/raw/deal_partners_2025.csv)")
    for _, p in partners.iterrows():
        origin = p[clock] if isinstance(p[clock], str) else None
        if origin is None and missing == "drop":
            continue
        s_lo, s_hi = (pd.Timestamp(d) for d in _bounds(parse_partial_date(origin or pause_start)))
        verified = pd.Timestamp(_bounds(parse_partial_date(p["status_verified"]))[0])  # a month-only date: its first day
        if pd.notna(last_document.get(p["partner"], pd.NaT)):
            verified = max(verified, last_document[p["partner"]])  # a later document also shows the status
        verified = min(verified, limit)
        done = reached.get(p["partner"])
        if done is not None and done <= limit:
            cause, stop = 1, done
        elif p["outcome"] == "talks_broken_off":
            cause, stop = 2, verified
        else:
            cause, stop = 0, verified
        rows.append({"unit_id": p["partner"], "agreement": p["partner"], "track": "2025-26 cohort", "launch_from": clock if origin else "pause",
                     "launch": s_lo.strftime("%Y-%m-%d") if s_lo == s_hi else s_lo.strftime("%Y-%m"),
                     "stop": stop.strftime("%Y-%m-%d"), "cause": cause,
                     "months": max((stop - s_lo).days + (stop - s_hi).days, 0) / 2 / days_per_month,
                     "months_low": max((stop - s_hi).days, 0) / days_per_month,
                     "months_high": max((stop - s_lo).days, 0) / days_per_month})
    return pd.DataFrame(rows)


def follow_up_months(frame: pd.DataFrame, min_at_risk: int = 5) -> float:
    """Months up to which at least ``min_at_risk`` units are still followed (a curve beyond rests on too few units)."""
    months = frame["months"].sort_values(ascending=False).to_numpy()
    return float(months[min(min_at_risk, len(months)) - 1])


def coverage(stages: pd.DataFrame, stage: str, weights: dict[str, float], total: float,
             days: pd.Series) -> pd.Series:
    """Share of ``total`` (e.g. 2024 US imports) from partners that had reached ``stage`` by each day.

    ``weights`` maps partner names to their value; a partner without a weight raises ``KeyError``.
    """
    missing = [p for p in stages["partner"] if p not in weights]
    if missing:
        raise KeyError(f"no weight for {missing}")
    reached = stages.dropna(subset=[stage])
    return pd.Series([sum(weights[p] for p, when in zip(reached["partner"], reached[stage]) if when <= day) / total
                      for day in pd.to_datetime(days)], index=days.index)
