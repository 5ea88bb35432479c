"""Months between two dates and a date some whole months later, as the forecasts count them."""

from __future__ import annotations

import math

import pandas as pd

from ..dates import exact_months_between, months_between, parse_partial_date


def months_from(start: str, end: str) -> float:
    """Months from ``start`` to ``end`` (text dates): exact days / 30.4375 where both are known to the day,
    calendar months otherwise (as ``negotiations.survival_frame`` counts them)."""
    s, e = parse_partial_date(start), parse_partial_date(end)
    exact = exact_months_between(s, e)
    return exact if not math.isnan(exact) else months_between(s, e)


def add_months(day: str, months: int) -> str:
    """``day`` (YYYY-MM-DD) plus whole calendar months, the day clamped to the month's end (2026-11-30 + 3 → 2027-02-28)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=int(months))).strftime("%Y-%m-%d")


# --- the landmark backtest ---------------------------------------------------------------------------------

