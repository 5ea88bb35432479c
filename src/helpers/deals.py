"""The 2025-26 "deals": when each partner reached each stage, and cumulative counts against the pledge."""

from __future__ import annotations

import pandas as pd

from .dates import surely_by

STAGES = ["announced", "framework_or_statement", "signed_text", "implemented"]
STAGE_LABELS = {
    "announced": "announced in any form",
    "framework_or_statement": "framework, joint statement or signed text",
    "signed_text": "signed text",
    "implemented": "in effect by US order",
}
FORMAL_FORMS = ("framework", "joint statement", "signed agreement")


def partner_stages(deals: pd.DataFrame) -> pd.DataFrame:
    """One row per partner: the first date it reached each stage (NaT where it never did).

    - announced: first announcement of a deal in any form (post, leaders' statement, ...);
    - framework_or_statement: first announcement in the form of a framework, joint statement or signed
      agreement, or the first signed text;
    - signed_text: first signed text;
    - implemented: first date a US order put the deal's rate into effect, counted from the day the deal
      was announced (a rate set by order before the announcement counts from the announcement).
    A date known only to the month counts from the last day of that month (``dates.surely_by``).
    """
    d = deals.copy()
    for c in ["announced", "signed_text", "us_implemented"]:
        d[c] = pd.to_datetime(d[c].map(surely_by))
    d["formal"] = d["announced"].where(d["form"].isin(FORMAL_FORMS))
    d["formal"] = d[["formal", "signed_text"]].min(axis=1)
    d["implemented"] = d[["announced", "us_implemented"]].max(axis=1).where(d["us_implemented"].notna())
    out = d.groupby("partner").agg(announced=("announced", "min"), framework_or_statement=("formal", "min"),
                                   signed_text=("signed_text", "min"), implemented=("implemented", "min"))
    return out.reset_index()


def cumulative_counts(stages: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Daily count of partners that had reached each stage, from ``start`` to ``end`` inclusive."""
    days = pd.date_range(start, end, freq="D")
    out = pd.DataFrame({"date": days})
    for s in STAGES:
        dates = stages[s].dropna().sort_values().to_numpy()
        out[s] = dates.searchsorted(days.to_numpy(), side="right")
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
