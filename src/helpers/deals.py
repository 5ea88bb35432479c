"""The 2025-26 "deals": when each partner reached each stage, and cumulative counts against the pledge."""

from __future__ import annotations

import pandas as pd

from .dates import surely_by

STAGES = ["announced", "framework_or_statement", "signed_text", "implemented"]
STAGE_LABELS = {
    "announced": "announced in any form",
    "framework_or_statement": "framework, joint statement or signed text",
    "signed_text": "signed text",
    "implemented": "put into effect by a US order (cumulative)",
    "in_effect": "deal rate in effect",
}
FORMAL_FORMS = ("framework", "joint statement", "signed agreement")


def partner_stages(deals: pd.DataFrame, rates_ended_on: str | None = None) -> pd.DataFrame:
    """One row per partner: the first date it reached each stage (NaT where it never did), and when deal rates ended.

    - announced: first announcement of a deal in any form (post, leaders' statement, ...);
    - framework_or_statement: first written framework, joint statement or fact sheet (``framework_statement``),
      or an announcement made in that form, or a signed text;
    - signed_text: first signed text;
    - implemented: first US order, dated on or after the deal's announcement, that put the deal into effect.
      A rate already set by an earlier order (e.g. EO 14326 of 31 July 2025) does not implement a later deal;
    - rate_ended: when the deal's rate stopped applying, for deals whose status is 'replaced ...' or
      'invalidated ...': ``rates_ended_on`` if given (the day the IEEPA tariffs stopped being collected),
      else the row's ``status_date``; NaT for deals still in effect.
    A date known only to the month counts from the last day of that month (``dates.surely_by``).
    """
    d = deals.copy()
    for c in ["announced", "framework_statement", "signed_text", "us_implemented", "status_date"]:
        d[c] = pd.to_datetime(d[c].map(surely_by))
    d["formal"] = d["announced"].where(d["form"].isin(FORMAL_FORMS))
    d["formal"] = d[["formal", "framework_statement", "signed_text"]].min(axis=1)
    d["implemented"] = d["us_implemented"].where(d["us_implemented"] >= d["announced"])
    ended = d["status"].str.contains("replaced|invalidated", case=False, na=False)
    end_day = pd.Timestamp(rates_ended_on) if rates_ended_on else d["status_date"]
    d["rate_ended"] = pd.Series(end_day, index=d.index).where(ended & d["implemented"].notna())
    out = d.groupby("partner").agg(announced=("announced", "min"), framework_or_statement=("formal", "min"),
                                   signed_text=("signed_text", "min"), implemented=("implemented", "min"),
                                   rate_ended=("rate_ended", "max"))
    # A partner with an implemented deal whose status is still current (not ended, superseded or lapsed) has no end.
    closed = d["status"].str.contains("replaced|invalidated|superseded|lapsed", case=False, na=False)
    still = d[d["implemented"].notna() & ~closed].groupby("partner").size()
    out.loc[out.index.isin(still.index), "rate_ended"] = pd.NaT
    return out.reset_index()


def cumulative_counts(stages: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Daily count of partners that had reached each stage, from ``start`` to ``end`` inclusive.

    Also ``in_effect``: partners whose deal was implemented and whose deal rate had not yet ended.
    """
    days = pd.date_range(start, end, freq="D")
    out = pd.DataFrame({"date": days})
    for s in STAGES:
        dates = stages[s].dropna().sort_values().to_numpy()
        out[s] = dates.searchsorted(days.to_numpy(), side="right")
    ended = stages["rate_ended"].dropna().sort_values().to_numpy()
    out["in_effect"] = out["implemented"] - ended.searchsorted(days.to_numpy(), side="right")
    return out


def pledge_line(days: pd.Series, pledge_start: str, pledged: int = 90, per_day: float = 1.0) -> pd.Series:
    """Deals promised by each day: one for each full day since ``pledge_start`` (day 0), up to ``pledged``."""
    elapsed = (pd.to_datetime(days) - pd.Timestamp(pledge_start)).dt.days
    return (elapsed.clip(lower=0) * per_day).clip(upper=pledged)


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
