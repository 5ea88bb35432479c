"""The kinds of raw column (date, number, text) and ``TableSpec``, the description of one raw table."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .. import paths
from ..dates import parse_partial_date
from ..io import Problem


def _is_partial_date(value) -> bool:
    try:
        parse_partial_date(value)
        return True
    except ValueError:
        return False


def _is_number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _is_raw_date(value) -> bool:
    """A raw cell that is a date (words such as 'none' or 'nan' are not: an empty cell means no date)."""
    try:
        return parse_partial_date(value) is not None
    except ValueError:
        return False


def date_column(required: bool = False) -> pa.Column:
    """A text column holding ``YYYY-MM-DD`` or ``YYYY-MM`` (empty allowed unless ``required``)."""
    return pa.Column(
        checks=pa.Check(_is_raw_date, element_wise=True, error="not a date of the form YYYY-MM-DD or YYYY-MM"),
        nullable=not required, metadata={"kind": "date"},  # metadata: read by helpers.datapackage
    )


def _is_finite_or_not_a_number(value) -> bool:
    """False only for text that reads as an infinite or undefined number ('inf', '-Infinity', 'nan', '1e999')."""
    return not _is_number(value) or math.isfinite(float(value))


def number_column(min_value: float | None = None, max_value: float | None = None, required: bool = False,
                  integer: bool = False) -> pa.Column:
    """A text column holding a finite number (optionally an integer, within bounds)."""
    def ok(v):
        if not _is_number(v):
            return False
        x = float(v)
        if not math.isfinite(x):
            return True  # reported once, by the check for finite numbers
        if integer and not x.is_integer():
            return False
        return (min_value is None or x >= min_value) and (max_value is None or x <= max_value)
    what = "an integer" if integer else "a number"
    bounds = "" if min_value is None and max_value is None else f" in [{min_value}, {max_value}]"
    finite = pa.Check(_is_finite_or_not_a_number, element_wise=True,
                      error="not a finite number (inf and nan are not values: leave the cell empty if none is known)")
    return pa.Column(checks=[finite, pa.Check(ok, element_wise=True, error=f"not {what}{bounds}")], nullable=not required,
                     metadata={"kind": "integer" if integer else "number", "minimum": min_value, "maximum": max_value})


def text_column(required: bool = True, unique: bool = False, allowed: list[str] | None = None,
                pattern: str | None = None) -> pa.Column:
    """A text column, optionally required, unique, from a fixed set, or matching a regular expression."""
    checks = []
    if allowed is not None:
        checks.append(pa.Check(lambda v: v in allowed, element_wise=True, error=f"not one of {allowed}"))
    if pattern is not None:
        checks.append(pa.Check.str_matches(pattern, error=f"does not match {pattern}"))
    return pa.Column(checks=checks, nullable=not required, unique=unique,
                     metadata={"kind": "text", "enum": allowed, "pattern": pattern})


RowRule = Callable[[pd.DataFrame], list[Problem]]


@dataclass
class TableSpec:
    """A raw table: its file, pandera schema, which column cites each fact, and its row rules."""

    file: str
    schema: pa.DataFrameSchema
    sourced: dict[str, str] = field(default_factory=dict)  # fact column -> column holding its source
    id_column: str | None = None
    as_of: str | None = None  # the params.yaml key of this table's as-of date: no date may be later
    order: list[tuple[str, str]] = field(default_factory=list)  # (earlier, later) date columns that must be in order
    partner_column: str | None = None  # a partner name: a known country, bloc or group (helpers.countries)
    partner_also: str | None = None  # a regular expression of other names this table's partner column may hold
    code_column: str | None = None  # a partner code: ISO3 or a bloc code (helpers.countries.is_known_code)
    required_ids: dict[str, str] = field(default_factory=dict)  # id_column values the notebooks rely on -> who
    rules: list[RowRule] = field(default_factory=list)  # this table's own rules, run after the rules every table shares
    # rows still open (censored at status_verified): their status must be re-verified within params.yaml
    # max_status_age_months of the table's as-of date (``rules.stale_status_problems``)
    open_rows: Callable[[pd.DataFrame], pd.Series] | None = None

    @property
    def path(self) -> Path:
        return paths.RAW / self.file


def source_columns(dates: list[str]) -> dict[str, str]:
    """``{date: source_<date>}``: each date column cited by its ``source_`` column."""
    return {d: f"source_{d}" for d in dates}
