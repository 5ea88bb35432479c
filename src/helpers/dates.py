"""Dates as the sources give them (day or month precision) and the month arithmetic used throughout.

Definitions used throughout the project:
- calendar months between two dates = 12*(y2 - y1) + (m2 - m1), whatever the days (notebook 03 shows that
  Freund & McDaniel's published integers are better reproduced by whole months elapsed, see
  ``helpers.replication.CONVENTIONS``);
- exact months = days between the two dates / 30.4375 (the mean month length of the Gregorian calendar),
  defined only when both dates are known to the day: a month-precision date is never silently
  given a day.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
_PATTERN = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day (``day`` set) or only to the month (``day`` None)."""

    year: int
    month: int
    day: int | None = None

    @property
    def precision(self) -> str:
        """'day' or 'month'."""
        return "month" if self.day is None else "day"

    def as_date(self) -> date:
        """The exact ``datetime.date``; raises ``ValueError`` for a month-precision date."""
        if self.day is None:
            raise ValueError(f"{self} is known only to the month")
        return date(self.year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" + ("" if self.day is None else f"-{self.day:02d}")


def parse_partial_date(text: str | None) -> PartialDate | None:
    """Parse ``YYYY-MM-DD`` or ``YYYY-MM``; empty or missing gives None.

    Raises ``ValueError`` naming the text for any other form or an impossible date (2019-02-30, 2019-13).
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    text = str(text).strip()
    if text == "" or text.lower() in {"nan", "<na>", "none"}:
        return None
    m = _PATTERN.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a date of the form YYYY-MM-DD or YYYY-MM")
    year, month = int(m.group(1)), int(m.group(2))
    day = int(m.group(3)) if m.group(3) else None
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' has month {month:02d}, not 01-12")
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            raise ValueError(f"'{text}' is not a calendar date") from None
    return PartialDate(year, month, day)


def months_between(start: PartialDate | None, end: PartialDate | None) -> float:
    """Calendar months from ``start`` to ``end``: 12*(y2-y1) + (m2-m1). NaN if either is missing."""
    if start is None or end is None:
        return math.nan
    return float(12 * (end.year - start.year) + (end.month - start.month))


def exact_months_between(start: PartialDate | None, end: PartialDate | None) -> float:
    """Days from ``start`` to ``end`` / 30.4375; NaN if either is missing or known only to the month."""
    if start is None or end is None or start.day is None or end.day is None:
        return math.nan
    return (end.as_date() - start.as_date()).days / DAYS_PER_MONTH


def days_between(start: PartialDate | None, end: PartialDate | None) -> float:
    """Days from ``start`` to ``end``; NaN if either is missing or known only to the month."""
    if start is None or end is None or start.day is None or end.day is None:
        return math.nan
    return float((end.as_date() - start.as_date()).days)


def is_before(a: PartialDate, b: PartialDate) -> bool:
    """True when ``a`` is certainly earlier than ``b``, comparing at the coarser of the two precisions."""
    if a.day is None or b.day is None:
        return (a.year, a.month) < (b.year, b.month)
    return a.as_date() < b.as_date()


def coarse_start(d: PartialDate | None) -> date | None:
    """The first day of ``d``'s period, for plotting and sorting only (never for durations)."""
    if d is None:
        return None
    return date(d.year, d.month, d.day or 1)


def surely_by(text: str | None):
    """The first day by which a date had certainly happened: the day itself, or the last day of its month.

    Used for counting events over time (e.g. the deals scorecard); returns a pandas Timestamp or NaT.
    """
    import pandas as pd

    d = parse_partial_date(text)
    if d is None:
        return pd.NaT
    if d.day is not None:
        return pd.Timestamp(d.as_date())
    return pd.Timestamp(year=d.year, month=d.month, day=1) + pd.offsets.MonthEnd(0)
