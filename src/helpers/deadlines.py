"""The deadline effect: are agreements signed just before a legal deadline more often than evenly spread timing gives?"""

from __future__ import annotations

import numpy as np
import pandas as pd


def applicable(deadlines: pd.DataFrame, group: str) -> pd.DatetimeIndex:
    """Sorted dates of the deadlines that apply to ``group`` (``applies_to`` lists groups separated by ';', or 'all')."""
    return applicable_to(deadlines, group, [])


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


def deadline_table(signings: pd.DataFrame, deadlines: pd.DataFrame, window_days: int, null_days: int, span_end) -> pd.DataFrame:
    """One row per signing with the days to the next applicable deadline, whether it fell within ``window_days``
    before it, and its chance of doing so under evenly spread timing: ``chance_within`` over the ``null_days`` days
    either side of the signing (never after ``span_end``, the last day the data can see), so the chance reflects the
    deadlines of the signing's own time.

    ``signings`` has unit_id, group (the class: a track or '2025-26 cohort'), partners (codes separated by ';') and
    signed; a deadline applies to a signing when its ``applies_to`` names the group, one of the partners, or 'all'.
    """
    rows = []
    end_of_data = pd.Timestamp(span_end)
    for _, s in signings.iterrows():
        dates = applicable_to(deadlines, s["group"], str(s.get("partners") or "").split(";"))
        signed = pd.Timestamp(s["signed"])
        days = days_to_next(signed, dates)
        nxt = dates[dates >= signed]
        start, end = signed - pd.Timedelta(days=null_days), min(signed + pd.Timedelta(days=null_days), end_of_data)
        rows.append({"unit_id": s["unit_id"], "group": s["group"], "signed": signed,
                     "next_deadline": nxt[0] if len(nxt) else pd.NaT, "days_to_deadline": days,
                     "within": bool(days <= window_days), "chance": chance_within(start, max(end, signed), dates, window_days)})
    return pd.DataFrame(rows)


def applicable_to(deadlines: pd.DataFrame, group: str, partner_codes) -> pd.DatetimeIndex:
    """Sorted dates of the deadlines whose ``applies_to`` names ``group``, 'all', or a partner whose code is in
    ``partner_codes`` (names matched by code through ``helpers.countries``, never by spelling). Undated rows are left out."""
    from .countries import UnknownCountryError, partner_code

    codes = {c for c in partner_codes if c}

    def applies(text) -> bool:
        for token in (t.strip() for t in str(text).split(";")):
            if token in ("all", group):
                return True
            try:
                if partner_code(token) in codes:
                    return True
            except UnknownCountryError:
                continue
        return False

    dated = deadlines[deadlines["date"].notna()]
    return pd.DatetimeIndex(sorted(pd.to_datetime(dated.loc[dated["applies_to"].map(applies), "date"])))
