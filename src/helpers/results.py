"""The results contract: every headline number in ``reports/tables/results.csv``, by stable key.

One row per number: ``key, value, ci_low, ci_high, n, unit, description`` plus ``notebook`` (which notebook
wrote it). Shares are fractions. Each notebook publishes its own keys (replacing the ones it wrote before);
later notebooks, the README block, the report and the claims ledger read numbers by key, never by label.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from . import paths
from .execution import exclusive, input_path
from .io import write_csv

PATH = paths.TABLES / "results.csv"
COLUMNS = ["key", "value", "ci_low", "ci_high", "n", "unit", "description", "notebook"]
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
UNITS = ("fraction", "months", "weeks", "days", "count", "percent", "US$ millions", "date", "ratio", "p-value")


class MissingResultError(KeyError):
    """A key that no notebook has published."""


@dataclass(frozen=True)
class Result:
    """One headline number. ``value`` is a float, or an ISO date string when ``unit == 'date'``."""

    key: str
    value: float | str
    unit: str
    description: str
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None

    def __post_init__(self):
        if not KEY_PATTERN.match(self.key):
            raise ValueError(f"result key '{self.key}' must be lower_snake_case")
        if self.unit not in UNITS:
            raise ValueError(f"result '{self.key}': unit '{self.unit}' is not one of {UNITS}")
        if self.unit != "date":
            for name in ("value", "ci_low", "ci_high"):
                v = getattr(self, name)
                if v is not None and not isinstance(v, (int, float)):
                    raise ValueError(f"result '{self.key}': {name} must be a number, got {v!r}")
            if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
                raise ValueError(f"result '{self.key}': value is missing")
            if self.unit == "fraction" and not 0 <= float(self.value) <= 1:
                raise ValueError(f"result '{self.key}': a fraction must lie in [0, 1], got {self.value}")
            lo, hi = self.ci_low, self.ci_high
            if lo is not None and hi is not None and not (lo - 1e-9 <= float(self.value) <= hi + 1e-9):
                raise ValueError(f"result '{self.key}': value {self.value} lies outside its interval [{lo}, {hi}]")


def from_estimate(key: str, estimate: dict, description: str, unit: str = "fraction") -> Result:
    """A ``Result`` from an estimate dict with value, ci_low, ci_high and n (e.g. ``survival.cif_estimates``)."""
    return Result(key, float(estimate["value"]), unit, description, ci_low=float(estimate["ci_low"]),
                  ci_high=float(estimate["ci_high"]), n=int(estimate["n"]))


def _cell(v, digits: int = 6):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float):
        return round(v, digits)
    return v


def publish(results: list[Result], notebook: str) -> pd.DataFrame:
    """Replace ``notebook``'s rows of results.csv with ``results`` (written atomically; see helpers.io).

    Raises ``ValueError`` for a key given twice or already published by another notebook.
    """
    keys = [r.key for r in results]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"{notebook}: result key(s) given twice: {', '.join(dupes)}")
    with exclusive():  # notebooks of one run rewrite it one at a time
        return _replace_rows(results, keys, notebook)


def _replace_rows(results: list[Result], keys: list[str], notebook: str) -> pd.DataFrame:
    existing = read_all(record=False)  # not an input: a notebook replaces only its own rows
    alive = {p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")} | {notebook}
    others = existing[(existing["notebook"] != notebook) & existing["notebook"].isin(alive)]  # drop renamed notebooks' rows
    clash = sorted(set(keys) & set(others["key"]))
    if clash:
        owners = others.set_index("key").loc[clash, "notebook"].to_dict()
        raise ValueError(f"{notebook}: result key(s) already published by another notebook: {owners}")
    mine = [{"key": r.key, "value": _cell(r.value), "ci_low": _cell(r.ci_low), "ci_high": _cell(r.ci_high), "n": r.n,
             "unit": r.unit, "description": r.description, "notebook": notebook} for r in results]
    table = pd.DataFrame(others.to_dict("records") + mine, columns=COLUMNS)  # records, not concat: no dtype guessing
    table["n"] = pd.to_numeric(table["n"]).astype("Int64")
    write_csv(table[COLUMNS], PATH, sort_by=["key"])
    return table


def read_all(record: bool = True) -> pd.DataFrame:
    """Every published result (empty table if none yet), read from this run's copy where there is one.

    ``record`` notes the read for the pipeline's staleness check (a notebook that uses results depends on them).
    """
    path = input_path(PATH, record=record)  # this run's copy, or the checked run's (helpers.execution)
    if not path.is_file():
        return pd.DataFrame(columns=COLUMNS)
    table = pd.read_csv(path, dtype={"key": str, "unit": str, "description": str, "notebook": str, "value": str})
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{paths.relative(PATH)}: missing column(s) {missing}")
    return table


def load(keys: list[str] | None = None) -> pd.DataFrame:
    """Results indexed by key; with ``keys``, raises ``MissingResultError`` naming any key not published."""
    table = read_all().set_index("key")
    table["value"] = [v if u == "date" else float(v) for v, u in zip(table["value"], table["unit"])]
    if keys is not None:
        missing = [k for k in keys if k not in table.index]
        if missing:
            raise MissingResultError(f"{paths.relative(PATH)} has no result(s) {', '.join(missing)}: "
                                     "run the notebook that publishes them (make all)")
    return table


def value(key: str) -> float | str:
    """The value of one result (a float, or a date string for unit 'date')."""
    row = load([key]).loc[key]
    return row["value"] if row["unit"] == "date" else float(row["value"])


def get(key: str) -> pd.Series:
    """The whole row of one result (value, ci_low, ci_high, n, unit, description, notebook)."""
    row = load([key]).loc[key].copy()
    if row["unit"] != "date":
        row["value"] = float(row["value"])
    return row
