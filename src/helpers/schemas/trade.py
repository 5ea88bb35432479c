"""The Census tables: US goods trade and calculated duties by partner and period."""

from __future__ import annotations

import pandera.pandas as pa

from .columns import TableSpec, number_column, text_column

CENSUS_TRADE = TableSpec(
    as_of="as_of_report",
    code_column="partner_code",
    file="census_trade_by_partner.csv",
    sourced={"exports_musd": "source", "imports_musd": "source"},
    schema=pa.DataFrameSchema(
        {
            "partner_code": text_column(pattern=r"^[A-Z]{2,3}$"),
            "year": number_column(min_value=1980, max_value=2100, integer=True, required=True),
            "month": number_column(min_value=1, max_value=12, integer=True),
            "exports_musd": number_column(min_value=0),
            "imports_musd": number_column(min_value=0),
            "source": text_column(),
        },
        strict=True,
        unique=["partner_code", "year", "month"],
    ),
)

CENSUS_DUTIES = TableSpec(
    as_of="as_of_report",
    code_column="partner_code",
    file="census_duties_by_partner.csv",
    sourced={"imports_consumption_musd": "source", "calculated_duty_musd": "source"},
    schema=pa.DataFrameSchema(
        {
            "partner_code": text_column(pattern=r"^[A-Z]{3}$"),
            "year": number_column(min_value=1993, max_value=2100, integer=True, required=True),
            "month": number_column(min_value=1, max_value=12, integer=True, required=True),
            "imports_consumption_musd": number_column(min_value=0, required=True),
            "calculated_duty_musd": number_column(min_value=0, required=True),
            "source": text_column(),
        },
        strict=True,
        unique=["partner_code", "year", "month"],
    ),
)
