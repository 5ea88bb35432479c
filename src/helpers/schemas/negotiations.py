"""The negotiation tables: negotiations, source conflicts, fast-track windows, and the published durations checked."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..dates import parse_partial_date
from ..io import Problem, line_of
from .columns import TableSpec, date_column, number_column, source_columns, text_column

STATUSES = ["in_force", "signed_not_in_force", "abandoned", "suspended", "ongoing", "superseded"]
KINDS = ["fta", "renegotiation", "limited_agreement"]
# The legal process a negotiation followed (data/raw/README.md defines each): the unit of comparison.
TRACKS = ["congressional_fta", "executive_agreement", "renegotiation", "accession", "plurilateral"]
NEGOTIATION_DATES = ["announced", "notified_congress", "first_round", "concluded", "signed", "entered_into_force",
                     "ended", "status_verified"]

# Pairs (earlier, later) that must not be out of order; compared at the coarser precision.
NEGOTIATION_ORDER = [
    ("announced", "concluded"), ("first_round", "concluded"),
    ("announced", "signed"), ("first_round", "signed"), ("concluded", "signed"),
    ("signed", "entered_into_force"), ("first_round", "entered_into_force"),
    ("first_round", "ended"), ("announced", "ended"),
    ("signed", "status_verified"), ("entered_into_force", "status_verified"), ("ended", "status_verified"),
]


def negotiation_row_problems(df: pd.DataFrame) -> list[Problem]:
    """Rules across one negotiation row: a launch date present, status consistent with dates (dates in order:
    ``order_problems`` with ``NEGOTIATION_ORDER``)."""
    problems = []
    for idx, row in df.iterrows():
        line = line_of(idx)
        parsed = {}
        for c in NEGOTIATION_DATES:
            try:
                parsed[c] = parse_partial_date(row.get(c))
            except ValueError:
                parsed[c] = None  # already reported by the schema
        if parsed["announced"] is None and parsed["first_round"] is None:
            problems.append(Problem(line, "first_round", "no launch date: need first_round or announced"))
        status = row.get("status")
        if status == "in_force" and parsed["entered_into_force"] is None and parsed["status_verified"] is None:
            problems.append(Problem(line, "status", "status in_force but no entered_into_force date "
                                                    "(nor a status_verified date confirming the status)"))
        if status == "signed_not_in_force" and parsed["signed"] is None:
            problems.append(Problem(line, "status", "status signed_not_in_force but no signed date"))
        if status == "signed_not_in_force" and parsed["entered_into_force"] is not None:
            problems.append(Problem(line, "status", "status signed_not_in_force but an entered_into_force date is given"))
        if status == "superseded" and parsed["signed"] is not None and parsed["ended"] is None:
            problems.append(Problem(line, "status", "status superseded but no ended date"))
        if status in ("abandoned", "suspended") and parsed["entered_into_force"] is not None:
            problems.append(Problem(line, "status", f"status {status} but an entered_into_force date is given "
                                                    "(an agreement that entered into force is in_force or superseded)"))
        if status in ("abandoned", "suspended") and parsed["ended"] is None:
            problems.append(Problem(line, "status", f"status {status} but no ended date (when talks stopped)"))
        if status == "ongoing" and parsed["ended"] is not None:
            problems.append(Problem(line, "status", "status ongoing but an ended date is given"))
    return problems


def published_average_problems(df: pd.DataFrame) -> list[Problem]:
    """Freund & McDaniel's printed 'Average' row must be the mean of the printed rows (within the table's rounding
    to whole months), so a deleted or mistyped row cannot pass silently."""
    problems = []
    is_avg = df["partner"] == "Average"
    if is_avg.sum() != 1:
        return [Problem(None, "partner", "the printed 'Average' row is missing (or given twice)")]
    idx = df.index[is_avg][0]
    for column in ("months_to_signing", "months_to_implementation"):
        try:
            rows, printed = df.loc[~is_avg, column].astype(float), float(df.at[idx, column])
        except (TypeError, ValueError):
            continue  # reported by the schema
        if abs(rows.mean() - printed) > 0.5:
            problems.append(Problem(line_of(idx), column, f"the printed average {printed:g} is not the mean of the "
                                    f"{len(rows)} rows ({rows.mean():.2f}): a row missing or mistyped?"))
    return problems


NEGOTIATIONS = TableSpec(
    as_of="as_of_negotiations",
    order=NEGOTIATION_ORDER,
    partner_column="partner",
    file="negotiations.csv",
    id_column="negotiation_id",
    sourced={"track": "source_track", **source_columns(NEGOTIATION_DATES)},
    rules=[negotiation_row_problems],
    open_rows=lambda df: df["status"].eq("ongoing"),  # censored at status_verified: re-verified within a year of as-of
    schema=pa.DataFrameSchema(
        {
            "negotiation_id": text_column(unique=True, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "agreement": text_column(),
            "partner": text_column(),
            "n_parties": number_column(min_value=2, integer=True, required=True),
            "kind": text_column(allowed=KINDS),
            "track": text_column(allowed=TRACKS),
            "source_track": text_column(required=False),
            **{c: date_column() for c in NEGOTIATION_DATES},
            **{f"source_{c}": text_column(required=False) for c in NEGOTIATION_DATES},
            "status": text_column(allowed=STATUSES),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)

PUBLISHED_DURATIONS = TableSpec(
    file="published_durations.csv",
    partner_column="partner",
    partner_also=r"^Average$",  # the printed average row
    id_column="partner",
    sourced={"months_to_signing": "source", "months_to_implementation": "source"},
    rules=[published_average_problems],
    schema=pa.DataFrameSchema(
        {
            "partner": text_column(unique=True),
            "months_to_signing": number_column(min_value=0),
            "months_to_implementation": number_column(min_value=0),
            "table_row_label": text_column(required=False),
            "source": text_column(),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)

TRADE_PROMOTION_AUTHORITY = TableSpec(
    as_of="as_of_negotiations",
    order=[("start", "end")],
    file="trade_promotion_authority.csv",
    id_column="tpa_id",
    sourced=source_columns(["start", "end"]),
    schema=pa.DataFrameSchema(
        {
            "tpa_id": text_column(unique=True, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "act": text_column(),
            "start": date_column(required=True),
            "source_start": text_column(required=False),
            "end": date_column(),  # empty where no source gives the exact lapse date
            "source_end": text_column(required=False),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)

SOURCE_CONFLICTS = TableSpec(
    as_of="as_of_negotiations",
    file="source_conflicts.csv",
    id_column="subject",
    sourced={"value_ours": "source_value_ours", "value_other": "source_value_other"},
    schema=pa.DataFrameSchema(
        {
            "subject": text_column(pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "field": text_column(allowed=NEGOTIATION_DATES),
            "value_ours": date_column(required=True),
            "source_value_ours": text_column(),
            "value_other": date_column(required=True),
            "source_value_other": text_column(),
            "other_dataset": text_column(),
            "resolution": text_column(),
        },
        strict=True,
    ),
)

DURATION_STUDIES = TableSpec(
    as_of="as_of_report",  # no study from after the report's as-of year
    file="duration_studies.csv",
    sourced={"value": "source"},
    schema=pa.DataFrameSchema(
        {
            "study": text_column(),
            "year": number_column(min_value=1940, max_value=2100, integer=True),
            "sample": text_column(),
            "statistic": text_column(),
            "value": number_column(min_value=0),
            "unit": text_column(),
            "source": text_column(),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)


DEADLINE_GROUPS = ["2025-26 cohort", "none"]  # besides the tracks and partner names


def deadline_scope_problems(df: pd.DataFrame) -> list[Problem]:
    """``applies_to`` lists, separated by ';', tracks (``TRACKS``), '2025-26 cohort', partner names known to
    ``helpers.countries``, or 'none' (recorded, but binding no negotiation of the tables)."""
    from ..countries import UnknownCountryError, partner_code

    problems = []
    for idx, text in df["applies_to"].dropna().items():
        for token in (t.strip() for t in str(text).split(";")):
            if token in TRACKS or token in DEADLINE_GROUPS:
                continue
            try:
                partner_code(token)
            except UnknownCountryError:
                problems.append(Problem(line_of(idx), "applies_to", f"'{token}' is neither a track ({', '.join(TRACKS)}), "
                                        f"'2025-26 cohort', 'none', nor a known partner"))
    return problems


LEGAL_DEADLINES = TableSpec(
    as_of="as_of_negotiations",
    file="legal_deadlines.csv",
    id_column="deadline_id",
    sourced={"date": "source"},
    rules=[deadline_scope_problems],
    schema=pa.DataFrameSchema(
        {
            "deadline_id": text_column(unique=True, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "date": date_column(),  # empty where no source gives the day (said in notes)
            "kind": text_column(),
            "applies_to": text_column(),
            "scope": text_column(),
            "description": text_column(),
            "source": text_column(),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)
