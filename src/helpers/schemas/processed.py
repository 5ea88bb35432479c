"""Schemas of the processed tables (``data/processed/``), checked when a notebook writes them and when a later one
reads them (``load_processed``), so a bug in a derivation cannot reach the analysis."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .. import paths
from ..io import read_output_csv
from .columns import _is_partial_date
from .negotiations import NEGOTIATION_DATES, STATUSES, TRACKS


def _typed(dtype, nullable: bool = True, checks=None) -> pa.Column:
    return pa.Column(dtype, checks=checks or [], nullable=nullable, coerce=True)


# The processed negotiations table (notebook 01's output): typed, with the derived columns downstream
# notebooks rely on. Validated before it is written, so a bug in the derivation cannot reach the analysis.
PROCESSED_NEGOTIATIONS = pa.DataFrameSchema(
    {
        "negotiation_id": pa.Column(str, unique=True),
        "partner_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$|^[A-Z]{3,4}(\+[A-Z]{3})?$")),
        "is_bloc": pa.Column(bool),
        "n_parties": _typed("Int64", nullable=False, checks=[pa.Check.ge(2)]),
        "launch": pa.Column(str, nullable=False),
        "launch_from": pa.Column(str, pa.Check.isin(["first_round", "notified_congress", "announced"])),
        "track": pa.Column(str, pa.Check.isin(TRACKS)),
        **{f"{c}_precision": pa.Column(object, pa.Check.isin(["day", "month"]), nullable=True) for c in NEGOTIATION_DATES},
        **{c: _typed(float, checks=[pa.Check.ge(0)]) for c in [
            "months_launch_to_signing", "months_launch_to_signing_exact", "months_launch_to_eif",
            "months_launch_to_eif_exact", "months_signing_to_eif", "months_signing_to_eif_exact",
            "time_to_signing_months", "time_signing_to_eif_months"]},
        "outcome": pa.Column(str, pa.Check.isin(["signed", "ended", "open"])),
        "signing_event": _typed("Int64", nullable=False, checks=[pa.Check.isin([0, 1])]),
        "eif_event": _typed("Int64", checks=[pa.Check.isin([0, 1])]),
        "launch_year": _typed("Int64", nullable=False, checks=[pa.Check.in_range(1980, 2100)]),
    },
    checks=[pa.Check(lambda d: (d["outcome"] == "signed") == (d["signing_event"] == 1),
                     error="signing_event must be 1 exactly when outcome is 'signed'")],
    strict=False,
)


# The other processed tables: checked when written and when read (``load_processed``), so a downstream notebook
# never works on a table of the wrong shape.
_DATE_OR_EMPTY = pa.Column(object, pa.Check(lambda v: v is None or (isinstance(v, float) and pd.isna(v)) or _is_partial_date(v),
                                             element_wise=True, error="not a date"), nullable=True)
PROCESSED_TABLES: dict[str, pa.DataFrameSchema] = {
    "negotiations.csv": PROCESSED_NEGOTIATIONS,
    "agreement_units.csv": pa.DataFrameSchema(
        {"unit_id": pa.Column(str, unique=True), "agreement": pa.Column(str), "track": pa.Column(str, pa.Check.isin(TRACKS)),
         "n_rows": _typed("Int64", nullable=False, checks=[pa.Check.ge(1)]), "status": pa.Column(str, pa.Check.isin(STATUSES)),
         **{c: _DATE_OR_EMPTY for c in ["announced", "notified_congress", "first_round", "concluded", "signed",
                                        "entered_into_force", "ended", "status_verified"]}},
        strict=False),
    "published_durations.csv": pa.DataFrameSchema(
        {"partner": pa.Column(str, unique=True), "months_to_signing": _typed(float, nullable=False, checks=[pa.Check.ge(0)]),
         "months_to_implementation": _typed(float, nullable=False, checks=[pa.Check.ge(0)])}, strict=False),
    "trade_annual.csv": pa.DataFrameSchema(
        {"partner_code": pa.Column(str), "year": _typed("Int64", nullable=False, checks=[pa.Check.in_range(1985, 2100)]),
         "imports_musd": _typed(float, checks=[pa.Check.ge(0)]), "exports_musd": _typed(float, checks=[pa.Check.ge(0)])},
        strict=False, unique=["partner_code", "year"]),
    "negotiation_trade_shares.csv": pa.DataFrameSchema(
        {"negotiation_id": pa.Column(str, unique=True), "trade_share": _typed(float, checks=[pa.Check.in_range(0, 1)])},
        strict=False),
    "trade_china_monthly.csv": pa.DataFrameSchema(
        {"year": _typed("Int64", nullable=False), "month": _typed("Int64", nullable=False, checks=[pa.Check.in_range(1, 12)]),
         "imports_musd": _typed(float, checks=[pa.Check.ge(0)])}, strict=False, unique=["year", "month"]),
}


def load_processed(name: str) -> pd.DataFrame:
    """Read a processed table (this run's copy if an earlier notebook rewrote it) and check it against its schema.

    Raises ``KeyError`` for an unknown table and ``ValueError`` naming the file and the failed checks.
    """
    if name not in PROCESSED_TABLES:
        raise KeyError(f"no schema for data/processed/{name} (known: {sorted(PROCESSED_TABLES)})")
    df = read_output_csv(paths.PROCESSED / name, dtype={"negotiation_id": str, "unit_id": str, "partner_code": str})
    try:
        return PROCESSED_TABLES[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases[["column", "check", "failure_case"]].head(10).to_string(index=False)
        raise ValueError(f"data/processed/{name} does not match its schema (re-run `make all`):\n{failures}") from None


# The rate each partner faced, day by day (notebook 12): one row per partner and day, percent by legal authority.
TARIFF_DAILY_LAYERS = ("reciprocal_ieepa", "fentanyl_ieepa", "ieepa_other", "section_122", "section_301", "section_338")
PROCESSED_TABLES["tariff_rates_daily.csv"] = pa.DataFrameSchema(
    {"date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")), "partner": pa.Column(str),
     "partner_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
     **{f"{layer}_pct": _typed(float, nullable=False, checks=[pa.Check.in_range(0, 200)]) for layer in TARIFF_DAILY_LAYERS},
     "headline_pct": _typed(float, nullable=False, checks=[pa.Check.in_range(0, 300)]),
     "all_in_layers": pa.Column(object, nullable=True),
     "product_max_pct": _typed(float, nullable=False, checks=[pa.Check.in_range(0, 300)]),
     "product_rates_in_force": _typed("Int64", nullable=False, checks=[pa.Check.ge(0)])},
    checks=[pa.Check(lambda d: (d[[f"{layer}_pct" for layer in TARIFF_DAILY_LAYERS]].sum(axis=1) - d["headline_pct"]).abs().lt(1e-9),
                     error="headline_pct must be the sum of the layers")],
    strict=True, unique=["partner_code", "date"])
