"""The pledge's own measure: agreements per rolling window of days, and negotiations open at once."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _days(dates) -> np.ndarray:
    """Sorted day numbers of the non-missing dates (Timestamps or ISO text)."""
    d = pd.to_datetime(pd.Series(dates, dtype=object)).dropna()
    return np.sort(d.to_numpy(dtype="datetime64[D]").astype(np.int64))


def rolling_counts(dates, window_days: int, start: str, end: str) -> pd.Series:
    """For every day from ``start`` to ``end``: how many of ``dates`` fell in the ``window_days`` days ending that day
    (the day itself included). Indexed by day."""
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    days = pd.date_range(start, end, freq="D")
    d = _days(dates)
    last = days.to_numpy(dtype="datetime64[D]").astype(np.int64)
    counts = np.searchsorted(d, last, side="right") - np.searchsorted(d, last - window_days, side="right")
    return pd.Series(counts, index=days, name=f"in_{window_days}_days")


def busiest_window(dates, window_days: int) -> dict:
    """The most ``dates`` in any window of ``window_days`` consecutive days: count, and the first such window's first
    and last day (a busiest window can always be taken to start on one of the dates). Count 0 when there are none."""
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    d = _days(dates)
    if not len(d):
        return {"count": 0, "start": None, "end": None}
    counts = np.searchsorted(d, d + window_days, side="left") - np.arange(len(d))
    best = int(np.argmax(counts))
    start = pd.Timestamp(np.datetime64(int(d[best]), "D"))
    return {"count": int(counts[best]), "start": start, "end": start + pd.Timedelta(days=window_days - 1)}


def open_at_once(spans: pd.DataFrame, start: str, end: str) -> pd.Series:
    """Number of negotiations open on each day from ``start`` to ``end``: launched on or before the day and not yet
    stopped (``stop`` after the day; a missing stop means still open). ``spans`` has columns launch and stop."""
    days = pd.date_range(start, end, freq="D").to_numpy(dtype="datetime64[D]").astype(np.int64)
    launch = _days(spans["launch"])
    stops = pd.to_datetime(spans["stop"]).fillna(pd.Timestamp.max.normalize())
    stop = np.sort(stops.to_numpy(dtype="datetime64[D]").astype(np.int64))
    if len(launch) != len(spans):
        raise ValueError("every span needs a launch date")
    counts = np.searchsorted(launch, days, side="right") - np.searchsorted(stop, days, side="right")
    return pd.Series(counts, index=pd.date_range(start, end, freq="D"), name="open")


def days_needed(n: int, per_window: float, window_days: int) -> float:
    """Days that ``n`` agreements take at a pace of ``per_window`` per ``window_days`` days (inf at no pace)."""
    if per_window <= 0:
        return float("inf")
    return n / per_window * window_days
