"""Schemas of the raw and processed tables (pandera), and the loader that turns their failures into clear errors.

Column-level rules (types, allowed values, uniqueness, date form) are pandera schemas; rules across
columns of one row (a date needs its source, dates in order, status consistent with dates) are checked
by ``row_problems``. Every failure becomes a ``Problem`` naming the line and column, and all problems
of a file are reported together in one ``RawDataError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import paths
from .dates import is_before, parse_partial_date
from .io import Problem, RawDataError, line_of, read_raw_csv

STATUSES = ["in_force", "signed_not_in_force", "abandoned", "suspended", "ongoing", "superseded"]
KINDS = ["fta", "renegotiation", "limited_agreement"]
# The legal process a negotiation followed (data/raw/README.md defines each): the unit of comparison.
TRACKS = ["congressional_fta", "executive_agreement", "renegotiation", "accession", "plurilateral"]
TARIFF_MEASURES = [
    "fentanyl_ieepa", "reciprocal_ieepa", "de_minimis", "section_122", "section_232",
    "section_301", "court_ruling", "pause", "other",
]
NEGOTIATION_DATES = ["announced", "notified_congress", "first_round", "concluded", "signed", "entered_into_force",
                     "ended", "status_verified"]


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


def number_column(min_value: float | None = None, max_value: float | None = None, required: bool = False,
                  integer: bool = False) -> pa.Column:
    """A text column holding a number (optionally an integer, within bounds)."""
    def ok(v):
        if not _is_number(v):
            return False
        x = float(v)
        if integer and not x.is_integer():
            return False
        return (min_value is None or x >= min_value) and (max_value is None or x <= max_value)
    what = "an integer" if integer else "a number"
    bounds = "" if min_value is None and max_value is None else f" in [{min_value}, {max_value}]"
    return pa.Column(checks=pa.Check(ok, element_wise=True, error=f"not {what}{bounds}"), nullable=not required,
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

    @property
    def path(self) -> Path:
        return paths.RAW / self.file


# Pairs (earlier, later) that must not be out of order; compared at the coarser precision.
NEGOTIATION_ORDER = [
    ("announced", "concluded"), ("first_round", "concluded"),
    ("announced", "signed"), ("first_round", "signed"), ("concluded", "signed"),
    ("signed", "entered_into_force"), ("first_round", "entered_into_force"),
    ("first_round", "ended"), ("announced", "ended"),
    ("signed", "status_verified"), ("entered_into_force", "status_verified"), ("ended", "status_verified"),
]


def _sourced(dates: list[str]) -> dict[str, str]:
    return {d: f"source_{d}" for d in dates}


NEGOTIATIONS = TableSpec(
    as_of="as_of_negotiations",
    order=NEGOTIATION_ORDER,
    partner_column="partner",
    file="negotiations.csv",
    id_column="negotiation_id",
    sourced={"track": "source_track", **_sourced(NEGOTIATION_DATES)},
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
    sourced=_sourced(["start", "end"]),
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


INSTRUMENTS = ["announcement", "joint_statement", "framework", "nonbinding_memorandum", "binding_agreement",
               "implementing_order"]
LEGAL_BASES = ["IEEPA", "section_232", "section_122", "section_301", "agreement"]
COHORT_REASONS = ["annex_i", "china", "named_negotiating"]
COHORT_OUTCOMES = ["binding_agreement", "framework_or_statement", "announced_only", "none", "talks_broken_off"]

DEAL_DOCUMENTS = TableSpec(
    as_of="as_of_deals",
    partner_column="partner",
    file="deal_documents_2025_2026.csv",
    id_column="document_id",
    sourced={"date": "source", "date_by": "source"},
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
    order=[("talks_began", "status_verified")],
    partner_column="partner",
    file="deal_partners_2025.csv",
    id_column="partner",
    sourced={"annex_i_rate_pct": "source_annex_i_rate", "talks_began": "source_talks_began",
             "status_verified": "source_status_verified"},
    schema=pa.DataFrameSchema(
        {
            "partner": text_column(unique=True),
            "in_cohort_because": text_column(allowed=COHORT_REASONS),
            "annex_i_rate_pct": number_column(min_value=10, max_value=100),
            "source_annex_i_rate": text_column(required=False),
            "talks_began": date_column(),
            "source_talks_began": text_column(required=False),
            "talks_began_basis": text_column(allowed=["cited", "set_to_pause"]),
            "outcome": text_column(allowed=COHORT_OUTCOMES),
            "status_verified": date_column(required=True),
            "source_status_verified": text_column(required=False),
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

_WTO_DATES = ["Date of Signature (G)", "Date of Signature (S)", "Date of Notification (G)", "Date of Notification (S)",
              "Date of Entry into Force (G)", "Date of Entry into Force (S)", "Inactive Date"]
# WTO consideration dates may be scheduled after the export date, so they are not held to it.
WTO_RTA = TableSpec(
    as_of="as_of_wto",
    file="wto_rta.csv",
    id_column="RTA ID",
    sourced={c: "source" for c in _WTO_DATES},
    schema=pa.DataFrameSchema(
        {
            "RTA ID": number_column(min_value=1, integer=True, required=True),
            "RTA Name": text_column(),
            **{c: date_column() for c in _WTO_DATES},
            "Accession?": text_column(allowed=["Yes", "No"]),
            "source": text_column(),
        },
        strict=False,  # the export's other columns are kept exactly as exported
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

# Tariff actions may name a group of partners instead of one partner.
GROUP_PARTNERS = re.compile(r"^(All\b|Annex I partners|About \d+ economies|\d+ economies)")

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
            "check": text_column(allowed=["number", "nearly", "at_least", "number_by_date", "pledge", "statement", "forecast"]),
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


def schema_problems(df: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    """Run a pandera schema lazily and translate every failure into a ``Problem`` (line, column, message)."""
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = []
        for case in err.failure_cases.itertuples(index=False):
            idx = case.index
            line = None if idx is None or pd.isna(idx) else line_of(int(idx))
            check = str(case.check)
            value = case.failure_case
            if check == "column_in_dataframe":
                problems.append(Problem(1, str(value), "required column is missing from the header"))
            elif check == "column_in_schema":
                problems.append(Problem(1, str(value), "unexpected column (not in the data dictionary)"))
            elif check == "not_nullable":
                problems.append(Problem(line, case.column, "value is required but empty"))
            elif check == "field_uniqueness":
                problems.append(Problem(line, case.column, f"duplicate value '{value}'"))
            elif check == "multiple_fields_uniqueness":
                key = [str(k) for k in (schema.unique or [])]
                if case.column == key[0]:  # one problem per row, not one per key column
                    values = ", ".join(str(df.at[idx, k]) if pd.notna(df.at[idx, k]) else "(empty)" for k in key)
                    problems.append(Problem(line, case.column, f"duplicate ({', '.join(key)}) = ({values}): given twice"))
            else:
                problems.append(Problem(line, case.column, f"'{value}' {check}"))
        return sorted(problems, key=lambda p: (p.line or 0, p.column or ""))
    return []


# A source is a URL, or a formal citation: a document with a date or a citation marker (FR page, statute, public law,
# executive order, proclamation, CBP message, House document). "see above" or "row notes" are not sources.
SOURCE_FORM = re.compile(r"^https?://\S+|^(?=.*\b(1[89]\d\d|20\d\d)\b).{12,}|.*(\d+ FR \d+|Stat\.|Public Law|P\.L\. ?\d|"
                         r"U\.S\.C\.|Proclamation|Executive Order|EO \d+|CSMS|H\. ?Doc)")


MARKUP = re.compile(r"[<>]|javascript:", re.IGNORECASE)  # no source needs these; a script payload does


def source_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """A non-empty fact without a source in its source column, or a source (any ``source*`` column) that is neither a
    URL nor a citation, or holds markup or a spreadsheet formula."""
    problems = []
    for fact, source in spec.sourced.items():
        if fact not in df.columns or source not in df.columns:
            continue
        missing = df[fact].notna() & df[source].isna()
        for idx in df.index[missing]:
            problems.append(Problem(line_of(idx), source, f"{fact} '{df.at[idx, fact]}' has no source"))
    columns = sorted({source for source in spec.sourced.values()} | {c for c in df.columns if str(c).startswith("source")})
    for column in [c for c in columns if c in df.columns]:
        for idx, value in df[column].dropna().items():
            if MARKUP.search(value) or value.startswith(("=", "+", "-", "@")):
                problems.append(Problem(line_of(idx), column, f"'{value[:60]}' is not a source: markup or a spreadsheet "
                                                              "formula (a source is a URL or a citation, plain text)"))
            elif not SOURCE_FORM.match(value):
                problems.append(Problem(line_of(idx), column, f"'{value[:60]}' is not a source: give the URL or a formal "
                                                              "citation (document, date or FR/statute reference)"))
    return problems


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


def date_columns(spec: TableSpec) -> list[str]:
    """The columns of a table that hold dates (those checked by ``date_column``)."""
    return [name for name, col in spec.schema.columns.items()
            if any("not a date of the form" in str(check.error) for check in col.checks)]


def future_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Dates later than the table's as-of date (params.yaml): a typo, or a fact the data cannot yet know."""
    if spec.as_of is None:
        return []
    from .params import load_params

    limit = parse_partial_date(load_params()[spec.as_of])
    problems = []
    for column in date_columns(spec):
        if column not in df.columns:
            continue
        for idx, value in df[column].dropna().items():
            try:
                day = parse_partial_date(value)
            except ValueError:
                continue  # reported by the schema
            if day is not None and is_before(limit, day):
                problems.append(Problem(line_of(idx), column, f"{value} is after the table's as-of date {limit} "
                                                              f"(params.yaml {spec.as_of})"))
    return problems


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


def order_problems(df: pd.DataFrame, pairs: list[tuple[str, str]]) -> list[Problem]:
    """Dates out of order within a row: for each (earlier, later) pair of columns, ``later`` must not be before
    ``earlier`` (compared at the coarser precision, so 2004-01 and 2004-01-15 are not out of order)."""
    problems = []
    columns = {c for pair in pairs for c in pair}
    if not columns <= set(df.columns):
        return []  # a missing column is reported by the schema
    for idx, row in df.iterrows():
        parsed = {}
        for c in columns:
            try:
                parsed[c] = parse_partial_date(row[c])
            except ValueError:
                parsed[c] = None  # reported by the schema
        for early, late in pairs:
            a, b = parsed[early], parsed[late]
            if a is not None and b is not None and is_before(b, a):
                problems.append(Problem(line_of(idx), late, f"{late} ({b}) is before {early} ({a})"))
    return problems


def partner_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Every partner name a known country, bloc or group (``helpers.countries``), and every partner code a known
    ISO3 or bloc code, so a typo or an invented partner ('Narnia') stops here, not deep in a notebook."""
    from .countries import UnknownCountryError, is_known_code, partner_code

    problems = []
    column = spec.partner_column
    if column and column in df.columns:
        also = re.compile(spec.partner_also) if spec.partner_also else None
        for idx, name in df[column].dropna().items():
            if also is not None and also.match(name):
                continue
            try:
                partner_code(name)
            except UnknownCountryError as exc:
                problems.append(Problem(line_of(idx), column, str(exc)))
    column = spec.code_column
    if column and column in df.columns:
        known = {code: is_known_code(code) for code in df[column].dropna().unique()}
        problems += [Problem(line_of(idx), column, f"unknown partner code '{code}' (not an ISO3 country code, "
                                                   "WLD or a bloc code of helpers.countries.BLOCS)")
                     for idx, code in df[column].dropna().items() if not known[code]]
    return problems


def duplicate_row_problems(df: pd.DataFrame) -> list[Problem]:
    """A row repeated exactly (every cell the same): an accidental paste, never data."""
    repeated = df[df.duplicated(keep=False)]
    problems = []
    for _, group in repeated.groupby(list(df.columns), dropna=False, sort=False):
        first = line_of(group.index[0])
        problems += [Problem(line_of(idx), None, f"the same row as line {first} (a row given twice)") for idx in group.index[1:]]
    return problems


def required_id_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Each id the notebooks rely on (``spec.required_ids``) must still be in the table: a renamed or deleted row
    stops validation here, not as a bare ``KeyError`` in a later notebook."""
    if not spec.required_ids or spec.id_column not in df.columns:
        return []
    present = set(df[spec.id_column].dropna())
    return [Problem(None, spec.id_column, f"'{i}' is missing, but {who} relies on it (renamed or deleted?)")
            for i, who in spec.required_ids.items() if i not in present]


def period_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """In tables dated by ``year`` (and ``month``) columns: no period after the table's as-of date."""
    if spec.as_of is None or "year" not in df.columns:
        return []
    from .params import load_params

    limit = parse_partial_date(load_params()[spec.as_of])
    problems = []
    for idx, row in df.iterrows():
        try:
            year = int(float(row["year"]))
            month = int(float(row["month"])) if isinstance(row.get("month"), str) else None
        except (TypeError, ValueError):
            continue  # reported by the schema
        if year > limit.year or (year == limit.year and month is not None and month > limit.month):
            when = f"{year}" + (f"-{month:02d}" if month is not None else "")
            problems.append(Problem(line_of(idx), "year", f"{when} is after the table's as-of date {limit} "
                                                          f"(params.yaml {spec.as_of})"))
    return problems


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


def validate_table(df: pd.DataFrame, spec: TableSpec, path: Path | str | None = None) -> pd.DataFrame:
    """Validate a raw table against its spec; raise one ``RawDataError`` listing every problem found."""
    path = Path(path) if path is not None else spec.path
    if df.empty:
        raise RawDataError(path, [Problem(None, None, "file has a header but no data rows")])
    problems = schema_problems(df, spec.schema)
    if not any(p.line == 1 for p in problems):  # row rules need the full header
        problems += source_problems(df, spec)
        problems += future_problems(df, spec)
        from .provenance import blocked_sources, blocklist  # a later layer's helper; imported here to avoid a cycle

        problems += blocked_sources(df, blocklist())
        problems += period_problems(df, spec)
        problems += order_problems(df, spec.order)
        problems += partner_problems(df, spec)
        problems += duplicate_row_problems(df)
        problems += required_id_problems(df, spec)
        if spec is DEAL_DOCUMENTS:
            problems += deal_document_problems(df)
        if spec is NEGOTIATIONS:
            problems += negotiation_row_problems(df)
        if spec is TARIFF_ACTIONS:
            problems += tariff_row_problems(df)
        if spec is PUBLISHED_DURATIONS:
            problems += published_average_problems(df)
    if problems:
        raise RawDataError(path, problems)
    return df


def load_raw(spec: TableSpec, path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate one raw table (``path`` overrides the spec's file, e.g. in tests)."""
    path = Path(path) if path is not None else spec.path
    df = read_raw_csv(path)
    return validate_table(df, spec, path)


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
    from .io import read_output_csv

    if name not in PROCESSED_TABLES:
        raise KeyError(f"no schema for data/processed/{name} (known: {sorted(PROCESSED_TABLES)})")
    df = read_output_csv(paths.PROCESSED / name, dtype={"negotiation_id": str, "unit_id": str, "partner_code": str})
    try:
        return PROCESSED_TABLES[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases[["column", "check", "failure_case"]].head(10).to_string(index=False)
        raise ValueError(f"data/processed/{name} does not match its schema (re-run `make all`):\n{failures}") from None
