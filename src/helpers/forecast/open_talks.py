"""Where each open negotiation stands: the open historical units and 2025–26 partners, one table, and what the
current data say about each (for scoring earlier forecasts)."""

from __future__ import annotations

import pandas as pd

from .calendar import months_from

# --- where each open negotiation stands --------------------------------------------------------------------

COHORT_ID_PREFIX = "deals-2025-"
PAUSE_ORIGIN = "pause (no documented talks)"


def negotiation_ids(units: pd.DataFrame, rows: pd.DataFrame) -> dict[str, str]:
    """A stable id for each unit of ``negotiations.agreement_units``: the raw ``negotiation_id`` where the unit is one
    row of ``negotiations.csv`` (e.g. 'us-kenya-stip'), the agreement's name where it collapses several rows."""
    out = {}
    for _, u in units.iterrows():
        mine = rows[rows["negotiation_id"] == u["unit_id"]] if u["track"] == "accession" else \
            rows[(rows["agreement"] == u["agreement"]) & (rows["track"] != "accession")]
        out[u["unit_id"]] = mine["negotiation_id"].iloc[0] if len(mine) == 1 else u["unit_id"]
    return out


def cohort_id(partner_code: str) -> str:
    """The id of a 2025–26 cohort partner's negotiation, e.g. 'deals-2025-euu'."""
    return COHORT_ID_PREFIX + partner_code.lower().replace("+", "-")


def _source_of(rows: pd.DataFrame, column: str, value: str | None) -> str | None:
    """The cited source of a unit's date: the ``source_<column>`` of the row holding that date."""
    if value is None or f"source_{column}" not in rows:
        return None
    hit = rows[rows[column] == value]
    return hit[f"source_{column}"].dropna().iloc[0] if len(hit) and hit[f"source_{column}"].notna().any() else None


def open_history_units(units: pd.DataFrame, rows: pd.DataFrame, as_of: str, forecast_as_of: str, launch: str) -> pd.DataFrame:
    """Every historical negotiation still open at ``as_of`` (``negotiations.end_of_talks``: no success, no end), one row
    per unit: its launch by each definition, the launch used (``launch``, with fallback), months open at its status
    date and at ``forecast_as_of``, and the furthest stage reached with its date and cited source (from ``rows``, the
    processed negotiations table, which keeps the sources)."""
    from ..negotiations import LAUNCH_DEFINITIONS, end_of_talks, launch_of

    ids = negotiation_ids(units, rows)
    out = []
    for _, u in units.iterrows():
        cause, stop, _ = end_of_talks(u, "signed", as_of)
        if cause != 0:
            continue
        mine = rows[rows["negotiation_id"] == ids[u["unit_id"]]] if ids[u["unit_id"]] != u["unit_id"] else rows[rows["agreement"] == u["agreement"]]
        start, start_from = launch_of(u, launch)
        stage = {"column": None}
        for column, label in (("announced", "announcement"), ("first_round", "first round"), ("concluded", "text concluded")):
            if isinstance(u.get(column), str) and u[column]:
                stage = {"column": column, "stage": label, "stage_date": u[column]}
        out.append({
            "negotiation_id": ids[u["unit_id"]], "population": "history", "negotiation": u["agreement"], "partner": u["partners"],
            "partner_code": "; ".join(sorted(set(mine["partner_code"]))), "class": u["track"], "history_class": u["track"],
            "state": "open", "talks_documented": True,
            **{f"launch_{c}": u[c] if isinstance(u.get(c), str) else None for c in LAUNCH_DEFINITIONS},
            "launch": str(start), "launch_from": start_from, "status_date": str(stop),
            "months_open_at_status": months_from(str(start), str(stop)),
            "as_of": forecast_as_of, "months_open_at_as_of": months_from(str(start), forecast_as_of),
            "stage": stage.get("stage"), "stage_date": stage.get("stage_date"),
            "stage_source": _source_of(mine, stage["column"], stage.get("stage_date")) if stage["column"] else None,
        })
    return pd.DataFrame(out)


WRITTEN_INSTRUMENTS = ("joint_statement", "framework", "nonbinding_memorandum")


def open_cohort_partners(partners: pd.DataFrame, frame: pd.DataFrame, documents: pd.DataFrame, forecast_as_of: str,
                         pause_start: str) -> pd.DataFrame:
    """Every 2025–26 cohort partner without a signed binding agreement, one row each, from a ``deals.cohort_frame`` with
    the binding agreement as the event (``frame``): state ('open', 'open, no documented talks' — in the cohort by
    Annex I alone, no start of talks cited and no deal document — or 'talks broken off'), each launch date the
    partner table gives (``talks_began`` cited; ``talks_announced`` and ``first_round`` where the table has them), the
    clock's start (talks began, or the pause), months open at its status date and at ``forecast_as_of``, and the
    furthest stage its documents reached (announcement, written framework) with date, document and source."""
    from ..countries import partner_code
    from ..deals import dated

    docs = dated(documents)
    docs = docs[docs["instrument"] != "implementing_order"]
    f = frame.set_index("unit_id")
    out = []
    for _, p in partners.sort_values("partner", kind="mergesort").iterrows():
        u = f.loc[p["partner"]]
        if u["cause"] == 1:
            continue
        mine = docs[docs["partner"] == p["partner"]].sort_values(["when", "document_id"], kind="mergesort")
        mine = mine[mine["when"] <= pd.Timestamp(u["stop"])]
        documented = p["talks_began_basis"] == "cited"
        stage = {"stage": "no deal document"}
        for instruments, label in ((("announcement",), "announcement"), (WRITTEN_INSTRUMENTS, "written framework")):
            hit = mine[mine["instrument"].isin(instruments)]
            if len(hit):
                first = hit.iloc[0]
                stage = {"stage": label, "stage_date": first["when"].strftime("%Y-%m-%d"), "stage_document": first["title"],
                         "stage_source": first["source"]}
        if u["cause"] == 2:
            state = "talks broken off"
        elif documented or len(mine):
            state = "open"
        else:
            state = "open, no documented talks"
        code = partner_code(p["partner"])
        start = p["talks_began"] if documented else pause_start
        out.append({
            "negotiation_id": cohort_id(code), "population": "2025-26 cohort", "negotiation": f"US–{p['partner']} (2025–26)",
            "partner": p["partner"], "partner_code": code, "class": "2025-26 cohort", "history_class": "executive_agreement",
            "state": state, "talks_documented": bool(documented),
            "launch_talks_began": p["talks_began"] if documented else None,
            **{f"launch_{c}": p.get(c) if isinstance(p.get(c), str) else None for c in ("talks_announced", "first_round")},
            "launch": start, "launch_from": "talks_began" if documented else PAUSE_ORIGIN, "status_date": u["stop"],
            "months_open_at_status": float(u["months"]), "as_of": forecast_as_of,
            "months_open_at_as_of": months_from(start, forecast_as_of), **stage,
        })
    return pd.DataFrame(out)


OPEN_COLUMNS = ["negotiation_id", "population", "negotiation", "partner", "partner_code", "class", "state", "talks_documented",
                "launch_announced", "launch_notified_congress", "launch_first_round", "launch_talks_announced", "launch_talks_began",
                "launch", "launch_from", "status_date", "months_open_at_status", "as_of", "months_open_at_as_of",
                "stage", "stage_date", "stage_document", "stage_source"]


def open_negotiations(history: pd.DataFrame, cohort: pd.DataFrame) -> pd.DataFrame:
    """The open-negotiations table: history's open units and the cohort's partners in one frame (``OPEN_COLUMNS``,
    plus ``history_class``), the cohort first, each sorted by id."""
    table = pd.concat([cohort, history], ignore_index=True)
    for c in OPEN_COLUMNS:
        if c not in table:
            table[c] = None
    table["_order"] = (table["population"] != "2025-26 cohort").astype(int)
    table = table.sort_values(["_order", "negotiation_id"], kind="mergesort").drop(columns="_order").reset_index(drop=True)
    return table[OPEN_COLUMNS + ["history_class"]]


def current_outcomes(history: pd.DataFrame, ids: dict[str, str], cohort: pd.DataFrame) -> pd.DataFrame:
    """What the current data say about every negotiation, for scoring the ledgers: negotiation_id, success (date),
    ended (date ended without success), known_through (last date its status is confirmed, where still open).

    ``history``: a ``negotiations.survival_frame`` with signing as success; ``ids``: unit_id -> negotiation_id
    (``negotiation_ids``); ``cohort``: a ``deals.cohort_frame`` with the binding agreement as the event, whose
    ``unit_id`` is the partner."""
    from ..countries import partner_code

    rows = []
    for frame, to_id in ((history, lambda u: ids.get(u, u)), (cohort, lambda p: cohort_id(partner_code(p)))):
        for _, r in frame.iterrows():
            rows.append({"negotiation_id": to_id(r["unit_id"]), "success": r["stop"] if r["cause"] == 1 else None,
                         "ended": r["stop"] if r["cause"] == 2 else None, "known_through": r["stop"] if r["cause"] == 0 else None})
    return pd.DataFrame(rows, columns=["negotiation_id", "success", "ended", "known_through"])


