"""The dated US tariff actions, with the rules a rate and a day must obey."""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from ..io import Problem, line_of
from .columns import TableSpec, date_column, number_column, text_column

TARIFF_MEASURES = [
    "fentanyl_ieepa", "reciprocal_ieepa", "de_minimis", "section_122", "section_232",
    "section_301", "court_ruling", "pause", "other",
]
# Tariff actions may name a group of partners instead of one partner.
GROUP_PARTNERS = re.compile(r"^(All\b|Annex I partners|About \d+ economies|\d+ economies)")

# Plausible rates (percent) of each kind of US tariff layer; 0 marks a layer that ended.
RATE_BOUNDS = {"reciprocal_ieepa": (10, 150), "fentanyl_ieepa": (10, 40), "section_122": (1, 15),
               "section_232": (1, 100), "section_301": (1, 100)}


def tariff_row_problems(df: pd.DataFrame) -> list[Problem]:
    """Rules across tariff actions: rates plausible for their layer, ``supersedes`` names another action of the table,
    and no two actions of one layer and partner on the same day unless one ``supersedes`` the other. (Dates in order
    and known partners are checked for every table: ``order_problems``, ``partner_problems``.)"""
    problems = []
    ids = set(df["action_id"].dropna())
    for idx, row in df.iterrows():
        line = line_of(idx)
        bounds = RATE_BOUNDS.get(row["measure"])
        if bounds and isinstance(row["rate_pct"], str):
            try:
                rate = float(row["rate_pct"])
            except ValueError:
                rate = None  # reported by the schema
            if rate is not None and rate != 0 and not bounds[0] <= rate <= bounds[1]:
                problems.append(Problem(line, "rate_pct", f"{rate:g}% is implausible for {row['measure']} "
                                                          f"(expected 0 or {bounds[0]}-{bounds[1]}%: a percent, not a fraction)"))
        replaced = row.get("supersedes")
        if isinstance(replaced, str) and (replaced not in ids or replaced == row["action_id"]):
            problems.append(Problem(line, "supersedes", f"'{replaced}' is not another action_id of this table"))
    dated = df.dropna(subset=["effective"])
    superseded = set(df["supersedes"].dropna()) if "supersedes" in df else set()
    for _, group in dated.groupby(["partner", "measure", "effective"]):
        clash = [i for i, r in group.iterrows() if r["action_id"] not in superseded]
        if len(group) > 1 and len(clash) > 1:
            for idx in clash[1:]:
                problems.append(Problem(line_of(idx), "effective", f"a second {df.at[idx, 'measure']} action for "
                                        f"{df.at[idx, 'partner']} on {df.at[idx, 'effective']}; if it replaces another, name it in 'supersedes'"))
    return problems


TARIFF_ACTIONS = TableSpec(
    as_of="as_of_tariffs",
    order=[("announced", "effective")],
    partner_column="partner",
    partner_also=GROUP_PARTNERS.pattern,
    required_ids={"all-reciprocal-end-2026-02-24": "notebooks 02 and 05 (the day IEEPA duties stopped)",
                  "scotus-ruling-2026-02-20": "notebook 02 (the Supreme Court ruling)",
                  "all-pause-2025-04-10": "notebook 07 (the start of the pause)"},
    file="tariff_actions.csv",
    id_column="action_id",
    sourced={"announced": "source_announced", "effective": "source_effective", "rate_pct": "source_document"},
    rules=[tariff_row_problems],
    schema=pa.DataFrameSchema(
        {
            "action_id": text_column(unique=True, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "partner": text_column(),
            "measure": text_column(allowed=TARIFF_MEASURES),
            "rate_pct": number_column(min_value=0, max_value=1000),
            "announced": date_column(),
            "source_announced": text_column(required=False),
            "effective": date_column(),
            "source_effective": text_column(required=False),
            "legal_authority": text_column(required=False),
            "document": text_column(required=False),
            "source_document": text_column(required=False),
            "supersedes": text_column(required=False),  # the action_id this one replaces on the same day
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)
