"""The 2025–26 deal tables: the cohort of partners in talks and each deal document, typed by instrument."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..io import Problem, line_of
from .columns import TableSpec, date_column, number_column, text_column

INSTRUMENTS = ["announcement", "joint_statement", "framework", "nonbinding_memorandum", "binding_agreement",
               "implementing_order"]
LEGAL_BASES = ["IEEPA", "section_232", "section_122", "section_301", "agreement"]
COHORT_REASONS = ["annex_i", "china", "named_negotiating"]
COHORT_OUTCOMES = ["binding_agreement", "framework_or_statement", "announced_only", "none", "talks_broken_off"]


def deal_document_problems(df: pd.DataFrame) -> list[Problem]:
    """A deal document's ``binding`` must agree with its instrument: a signed agreement or a US order binds, an
    announcement, statement, framework or memorandum does not."""
    binding = {"binding_agreement", "implementing_order"}
    problems = []
    for idx, row in df.iterrows():
        if row["instrument"] not in INSTRUMENTS or row["binding"] not in ("yes", "no"):
            continue  # reported by the schema
        expected = "yes" if row["instrument"] in binding else "no"
        if row["binding"] != expected:
            problems.append(Problem(line_of(idx), "binding", f"'{row['binding']}' contradicts instrument "
                                                             f"{row['instrument']} (expected '{expected}')"))
    return problems


DEAL_DOCUMENTS = TableSpec(
    as_of="as_of_deals",
    partner_column="partner",
    file="deal_documents_2025_2026.csv",
    id_column="document_id",
    sourced={"date": "source", "date_by": "source"},
    rules=[deal_document_problems],
    schema=pa.DataFrameSchema(
        {
            "document_id": text_column(unique=True, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "partner": text_column(),
            "date": date_column(),
            "date_by": date_column(),  # where the day is unknown: the date by which the source shows it had happened
            "instrument": text_column(allowed=INSTRUMENTS),
            "title": text_column(),
            "document": text_column(required=False),
            "binding": text_column(allowed=["yes", "no"]),
            "legal_basis": text_column(required=False, allowed=LEGAL_BASES),
            "source": text_column(),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)

DEAL_PARTNERS = TableSpec(
    as_of="as_of_deals",
    order=[("talks_began", "status_verified"), ("talks_announced", "status_verified"), ("first_round", "status_verified")],
    partner_column="partner",
    file="deal_partners_2025.csv",
    id_column="partner",
    sourced={"annex_i_rate_pct": "source_annex_i_rate", "talks_began": "source_talks_began",
             "talks_announced": "source_talks_announced", "first_round": "source_first_round",
             "status_verified": "source_status_verified"},
    # a partner without a binding agreement and whose talks did not break off is still open: censored at its status
    open_rows=lambda df: ~df["outcome"].isin(["binding_agreement", "talks_broken_off"]),
    schema=pa.DataFrameSchema(
        {
            "partner": text_column(unique=True),
            "in_cohort_because": text_column(allowed=COHORT_REASONS),
            "annex_i_rate_pct": number_column(min_value=10, max_value=100),
            "source_annex_i_rate": text_column(required=False),
            "talks_began": date_column(),
            "source_talks_began": text_column(required=False),
            "talks_began_basis": text_column(allowed=["cited", "set_to_pause"]),
            # the same launch clocks as history's: the official announcement of talks and the first formal round
            "talks_announced": date_column(),
            "source_talks_announced": text_column(required=False),
            "first_round": date_column(),
            "source_first_round": text_column(required=False),
            "outcome": text_column(allowed=COHORT_OUTCOMES),
            "status_verified": date_column(required=True),
            "source_status_verified": text_column(required=False),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)
