"""The claims checked in the ledger, and the facts each one uses."""

from __future__ import annotations

import pandera.pandas as pa

from .columns import TableSpec, date_column, number_column, text_column

CLAIM_CHECKS = ["number", "nearly", "at_least", "number_by_date", "pledge", "statement", "forecast"]

CLAIMS = TableSpec(
    file="claims.csv",
    id_column="claim_id",
    schema=pa.DataFrameSchema(
        {
            "claim_id": text_column(unique=True, pattern=r"^c\d+$"),
            "quote": text_column(),
            "claimed_value": number_column(),
            "unit": text_column(required=False),
            "claim_type": text_column(required=False),
            "check": text_column(allowed=CLAIM_CHECKS),
            "evidence_keys": text_column(required=False),
            "general_keys": text_column(required=False),
            "facts_used": text_column(required=False, pattern=r"^f\d+( f\d+)*$"),
            "article_url": text_column(required=False),
            "source": text_column(),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)

CLAIM_FACTS = TableSpec(
    as_of="as_of_report",
    required_ids={f: "notebook 07 (the claims ledger's evidence text)" for f in ("f07", "f13", "f18", "f20", "f21", "f35")},
    file="claim_facts.csv",
    id_column="fact_id",
    sourced={"value": "source", "date": "source"},
    schema=pa.DataFrameSchema(
        {
            "fact_id": text_column(unique=True, pattern=r"^f\d+$"),
            "claim_id": text_column(pattern=r"^c\d+$"),
            "description": text_column(),
            "date": date_column(),
            "value": number_column(),
            "unit": text_column(required=False),
            "source": text_column(),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)
