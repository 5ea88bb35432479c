"""The deadline effect: are agreements signed just before a legal deadline more often than evenly spread timing gives?"""

from __future__ import annotations

import numpy as np
import pandas as pd


def applicable(deadlines: pd.DataFrame, group: str) -> pd.DatetimeIndex:
    """Sorted dates of the deadlines that apply to ``group`` (``applies_to`` lists groups separated by ';', or 'all')."""
    def applies(text) -> bool:
        names = {t.strip() for t in str(text).split(";")}
        return "all" in names or group in names

    return pd.DatetimeIndex(sorted(pd.to_datetime(deadlines.loc[deadlines["applies_to"].map(applies), "date"])))


def days_to_next(day, dates: pd.DatetimeIndex) -> float:
    """Days from ``day`` to the first of ``dates`` on or after it (inf if none)."""
    day = pd.Timestamp(day)
    later = dates[dates >= day]
    return float((later[0] - day).days) if len(later) else float("inf")


def chance_within(start, end, dates: pd.DatetimeIndex, window_days: int) -> float:
    """Share of the days from ``start`` to ``end`` that lie within ``window_days`` days before one of ``dates`` (the
    deadline day included): the chance that a signing spread evenly over that span lands just before a deadline."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if not len(days):
        raise ValueError(f"empty span {start} to {end}")
    if not len(dates):
        return 0.0
    d = days.to_numpy(dtype="datetime64[D]").astype(np.int64)
    ends = np.sort(dates.to_numpy(dtype="datetime64[D]").astype(np.int64))
    nxt = np.searchsorted(ends, d, side="left")
    gap = np.where(nxt < len(ends), ends[np.clip(nxt, 0, len(ends) - 1)] - d, np.iinfo(np.int64).max)
    return float((gap <= window_days).mean())


def deadline_table(signings: pd.DataFrame, deadlines: pd.DataFrame, window_days: int, span_end) -> pd.DataFrame:
    """One row per signing with the days to the next applicable deadline, whether it fell within ``window_days``
    before it, and its chance of doing so under evenly spread timing (``chance_within`` over launch → ``span_end``).

    ``signings`` has unit_id, group (the class the deadlines' ``applies_to`` names), launch and signed.
    """
    rows = []
    for _, s in signings.iterrows():
        dates = applicable(deadlines, s["group"])
        days = days_to_next(s["signed"], dates)
        nxt = dates[dates >= pd.Timestamp(s["signed"])]
        rows.append({"unit_id": s["unit_id"], "group": s["group"], "signed": pd.Timestamp(s["signed"]),
                     "next_deadline": nxt[0] if len(nxt) else pd.NaT, "days_to_deadline": days,
                     "within": bool(days <= window_days),
                     "chance": chance_within(s["launch"], max(pd.Timestamp(span_end), pd.Timestamp(s["signed"])), dates, window_days)})
    return pd.DataFrame(rows)
