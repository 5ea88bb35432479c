"""The US tariff record of 2025–26: one row per legal action (``tariff_actions.csv``) and one row per rate an action
sets (``tariff_rates.csv``), with the rules their dates, partners, rates and links must obey.

Rules that need both files (a rate's action exists, a rate starts within its action, two actions on one day are
ordered) run where the record is loaded as a whole: ``helpers.tariffs.check_record``.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from ..dates import is_before, parse_partial_date
from ..io import Problem, line_of
from .columns import TableSpec, date_column, number_column, text_column

# What a legal action does (TARIFF_SPEC.md): a tariff layer it sets, or what else it is.
TARIFF_MEASURES = [
    "reciprocal_ieepa", "fentanyl_ieepa", "ieepa_other", "de_minimis", "section_232", "section_232c_negotiation",
    "section_301", "section_338", "section_122", "section_201", "court_ruling", "termination", "pause",
    "deal_implementation", "other",
]
# The tariff layers a rate row sets.
TARIFF_LAYERS = ["reciprocal_ieepa", "fentanyl_ieepa", "ieepa_other", "de_minimis", "section_122", "section_232",
                 "section_301", "section_338", "section_201"]
RATE_RULES = ["ad_valorem", "minimum_price", "quota", "exemption", "none"]
# additional: on top of MFN · all_in: a ceiling including MFN · specific: a specific duty or a rule with no single
# ad valorem rate (said in notes) · exempt: the layer does not apply (rate 0) ·
# unchanged: this action's `All` row does not reach the partner (its rate stays as earlier actions set it).
RATE_BASES = ["additional", "all_in", "specific", "minimum_price", "quota", "exempt", "unchanged"]
# economy_wide: the layer's rate on the partner's goods in general (all goods, less listed exceptions);
# product_specific: a named product group, a carve-out or a special case (transshipment, USMCA goods).
COVERAGES = ["economy_wide", "product_specific"]
ALL = {"tariff_actions.csv": "all", "tariff_rates.csv": "All"}  # the word for every partner, as TARIFF_SPEC.md spells it
AS_OF_KEY = "as_of_tariffs"

# Plausible rates (percent) of each layer; 0 marks a layer removed or not applying.
RATE_BOUNDS = {"reciprocal_ieepa": (10, 125), "fentanyl_ieepa": (10, 40), "ieepa_other": (10, 50), "de_minimis": (10, 120),
               "section_122": (1, 15), "section_232": (1, 200), "section_301": (1, 100), "section_338": (1, 50),
               "section_201": (1, 50)}
# Which date may come before which in one action (compared at the coarser precision).
ACTION_ORDER = [("announced", "signed"), ("announced", "effective"), ("signed", "effective"), ("announced", "ended"),
                ("signed", "ended")]
RETROACTIVE = re.compile(r"\bretroactive", re.IGNORECASE)
SCHEDULED = re.compile(r"\bscheduled\b", re.IGNORECASE)


def _day(value):
    try:
        return parse_partial_date(value)
    except (TypeError, ValueError):
        return None  # reported by the schema


def _notes(row) -> str:
    return row["notes"] if isinstance(row.get("notes"), str) else ""


def partner_names(cell: str) -> list[str]:
    """The partners of a ``partners`` cell: 'all', or names separated by semicolons."""
    return [p.strip() for p in str(cell).split(";") if p.strip()]


def partner_problems(df: pd.DataFrame, column: str, everyone: str) -> list[Problem]:
    """Every partner an exact country name, a bloc or an alias (``helpers.countries.partner_code``, letter for
    letter), or the word for every partner: no substring is read as a country."""
    from ..countries import UnknownCountryError, partner_code

    problems = []
    for idx, cell in df[column].dropna().items():
        names = partner_names(cell)
        if names == [everyone]:
            continue
        for name in names:
            if name == everyone:
                problems.append(Problem(line_of(idx), column, f"'{everyone}' cannot be listed with other partners"))
                continue
            try:
                partner_code(name)
            except UnknownCountryError as exc:
                problems.append(Problem(line_of(idx), column, f"{exc}; or '{everyone}'"))
    return problems


def as_of_problems(df: pd.DataFrame, never: list[str], unless_scheduled: list[str]) -> list[Problem]:
    """No date after the tariff as-of date (params.yaml), except an effective or end date the instrument schedules in
    advance, which must say 'Scheduled' in notes."""
    from ..params import load_params

    limit = parse_partial_date(load_params()[AS_OF_KEY])
    problems = []
    for idx, row in df.iterrows():
        for column in never + unless_scheduled:
            day = _day(row.get(column))
            if day is None or not is_before(limit, day):
                continue
            if column in unless_scheduled and SCHEDULED.search(_notes(row)):
                continue
            hint = ("; a date the instrument schedules in advance must say 'Scheduled' in notes"
                    if column in unless_scheduled else "")
            problems.append(Problem(line_of(idx), column, f"{row[column]} is after the table's as-of date {limit} "
                                                          f"(params.yaml {AS_OF_KEY}){hint}"))
    return problems


def rate_value_problems(df: pd.DataFrame, layer_column: str) -> list[Problem]:
    """A rate plausible for its layer (a percent, not a fraction), and given exactly when its basis needs one."""
    problems = []
    for idx, row in df.iterrows():
        text, basis, layer = row.get("rate_pct"), row.get("rate_basis"), row.get(layer_column)
        try:
            rate = float(text) if isinstance(text, str) else None
        except ValueError:
            continue  # reported by the schema
        if basis in ("additional", "all_in") and rate is None:
            problems.append(Problem(line_of(idx), "rate_pct", f"a {basis} rate needs rate_pct"))
        if basis == "exempt" and rate not in (None, 0.0):
            problems.append(Problem(line_of(idx), "rate_pct", f"{text}% with rate_basis exempt (an exemption is 0 or empty)"))
        if basis == "unchanged" and rate is not None:
            problems.append(Problem(line_of(idx), "rate_pct", "rate_basis unchanged takes no rate (the partner keeps the "
                                                              "rate earlier actions set)"))
        bounds = RATE_BOUNDS.get(layer)
        if bounds and rate is not None and rate != 0 and not bounds[0] <= rate <= bounds[1]:
            problems.append(Problem(line_of(idx), "rate_pct", f"{rate:g}% is implausible for {layer} "
                                                              f"(expected 0 or {bounds[0]}-{bounds[1]}%: a percent, not a fraction)"))
    return problems


def tariff_action_problems(df: pd.DataFrame) -> list[Problem]:
    """Rules of one action: dates in order (an action that takes effect before it was announced or signed must say
    'retroactive' in notes; it ends after it takes effect), partners known, ``superseded_by`` naming other actions of
    the table, no date past the as-of date unless scheduled."""
    problems = []
    ids = set(df["action_id"].dropna())
    for idx, row in df.iterrows():
        line, days = line_of(idx), {c: _day(row.get(c)) for c in ("announced", "signed", "effective", "ended")}
        for early, late in ACTION_ORDER:
            a, b = days[early], days[late]
            if a is None or b is None or not is_before(b, a):
                continue
            if late == "effective" and RETROACTIVE.search(_notes(row)):
                continue
            hint = "; a retroactive action must say 'retroactive' in notes" if late == "effective" else ""
            problems.append(Problem(line, late, f"{late} ({b}) is before {early} ({a}){hint}"))
        start, end = days["effective"], days["ended"]
        if start is not None and end is not None and not is_before(start, end):
            problems.append(Problem(line, "ended", f"ended ({end}) is not after effective ({start}): an action ends "
                                                   "after it takes effect"))
        for other in partner_names(row["superseded_by"]) if isinstance(row.get("superseded_by"), str) else []:
            if other not in ids or other == row["action_id"]:
                problems.append(Problem(line, "superseded_by", f"'{other}' is not another action_id of this table"))
    problems += partner_problems(df, "partners", ALL["tariff_actions.csv"])
    problems += as_of_problems(df, never=["announced", "signed"], unless_scheduled=["effective", "ended"])
    return problems


def tariff_rate_problems(df: pd.DataFrame) -> list[Problem]:
    """Rules of one rate row: plausible for its layer, given when its basis needs one, partner known or 'All', an
    'unchanged' row economy-wide and for a named partner, no start past the as-of date unless scheduled."""
    problems = rate_value_problems(df, "layer")
    for idx, row in df.iterrows():
        if row.get("rate_basis") == "unchanged" and (row.get("coverage") != "economy_wide" or row.get("partner") == "All"):
            problems.append(Problem(line_of(idx), "rate_basis", "unchanged applies to a named partner's economy-wide "
                                                                "rate (the partner an action's All row does not reach)"))
    problems += partner_problems(df, "partner", ALL["tariff_rates.csv"])
    problems += as_of_problems(df, never=[], unless_scheduled=["effective"])
    return problems


_SOURCES = {"announced": "source_announced", "signed": "source_signed", "effective": "source_effective",
            "ended": "source_ended", "instrument": "source_document"}

TARIFF_ACTIONS = TableSpec(
    # The as-of date is checked by ``tariff_action_problems`` (scheduled dates allowed when said), not by the shared rule.
    as_of=None,
    order=[],  # dates in order, with the retroactive exception: ``tariff_action_problems``
    required_ids={"eo14389-ending-ieepa-tariffs": "helpers.tariffs.ieepa_end (the day IEEPA duties stopped)",
                  "scotus-learning-resources-2026-02-20": "notebook 02 (the Supreme Court ruling)",
                  "eo14266-pause-china-125": "notebook 07 (the start of the pause)"},
    file="tariff_actions.csv",
    id_column="action_id",
    sourced=_SOURCES,
    rules=[tariff_action_problems],
    schema=pa.DataFrameSchema(
        {
            "action_id": text_column(unique=True, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "measure": text_column(allowed=TARIFF_MEASURES),
            # the investigation or emergency the action belongs to, where one layer has several (Section 301): actions of
            # one proceeding amend each other, proceedings add up; empty = the layer's one proceeding
            "proceeding": text_column(required=False, pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "legal_authority": text_column(),
            "instrument": text_column(),
            "title": text_column(required=False),
            "fr_citation": text_column(required=False),
            "partners": text_column(),
            "product_scope": text_column(),
            "rate_rule": text_column(allowed=RATE_RULES),
            "announced": date_column(),
            "source_announced": text_column(required=False),
            "signed": date_column(),
            "source_signed": text_column(required=False),
            "effective": date_column(),
            "source_effective": text_column(required=False),
            "ended": date_column(),
            "source_ended": text_column(required=False),
            "superseded_by": text_column(required=False),
            "source_document": text_column(required=False),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)

TARIFF_RATES = TableSpec(
    as_of=None,  # checked by ``tariff_rate_problems``
    file="tariff_rates.csv",
    sourced={"rate_basis": "source"},  # every row's rule (a rate, an exemption, a cap) cites the place in the text
    rules=[tariff_rate_problems],
    schema=pa.DataFrameSchema(
        {
            "action_id": text_column(pattern=r"^[a-z0-9][a-z0-9-]*$"),
            "layer": text_column(allowed=TARIFF_LAYERS),
            "partner": text_column(),
            "product_scope": text_column(),
            "coverage": text_column(allowed=COVERAGES),
            "rate_pct": number_column(min_value=0, max_value=1000),
            "rate_basis": text_column(allowed=RATE_BASES),
            "effective": date_column(),
            "source": text_column(),
            "notes": text_column(required=False),
        },
        strict=True,
    ),
)
