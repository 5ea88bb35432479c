"""Schemas of the raw and processed tables (pandera), and the loader that turns their failures into clear errors.

Column-level rules (types, allowed values, uniqueness, date form) are pandera schemas; rules across columns of one
row (a date needs its source, dates in order, status consistent with dates) are row rules. Every failure becomes a
``Problem`` naming the line and column, and all problems of a file are reported together in one ``RawDataError``.

Where things live (everything is importable from ``helpers.schemas``):

- ``columns``: the kinds of column (date, number, text) and ``TableSpec``
- one module per family of raw tables, each with its schemas and its own row rules: ``negotiations``
  (negotiations, source conflicts, fast-track windows, published durations, duration studies), ``deals`` (the
  2025–26 cohort and deal documents), ``tariffs`` (tariff actions and the rates they set: dates in order, partners
  exact, rates plausible for their layer), ``trade`` (Census trade and duties), ``claims`` (claims and claim facts), ``world`` (the WTO
  RTA export)
- ``rules``: the rules every table shares (sources, as-of dates, dates in order, known partners, rows given twice,
  ids the notebooks rely on)
- ``loader``: ``load_raw`` / ``validate_table``, and the translation of pandera failures into problems
- ``processed``: the processed tables' schemas and ``load_processed``

Rules that compare two files (a conflict naming a negotiation, a fact naming a claim) run where the notebooks join
them: ``negotiations.check_conflicts``, ``claims.check_references``, ``deals.check_cohort``,
``replication.check_published_partners``.
"""

from .claims import CLAIM_CHECKS, CLAIM_FACTS, CLAIMS
from .columns import RowRule, TableSpec, date_column, number_column, source_columns, text_column
from .deals import COHORT_OUTCOMES, COHORT_REASONS, DEAL_DOCUMENTS, DEAL_PARTNERS, INSTRUMENTS, LEGAL_BASES, deal_document_problems
from .loader import load_raw, schema_problems, validate_table
from .negotiations import (
    DEADLINE_GROUPS,
    DURATION_STUDIES,
    KINDS,
    LEGAL_DEADLINES,
    NEGOTIATION_DATES,
    NEGOTIATION_ORDER,
    NEGOTIATIONS,
    PUBLISHED_DURATIONS,
    SOURCE_CONFLICTS,
    STATUSES,
    TRACKS,
    TRADE_PROMOTION_AUTHORITY,
    negotiation_row_problems,
    published_average_problems,
)
from .processed import PROCESSED_NEGOTIATIONS, PROCESSED_TABLES, load_processed
from .rules import (
    MARKUP,
    SCRIPT_LINK,
    SOURCE_FORM,
    date_columns,
    duplicate_row_problems,
    future_problems,
    link_problems,
    order_problems,
    partner_problems,
    period_problems,
    required_id_problems,
    source_problems,
)
from .tariffs import (
    COVERAGES,
    RATE_BASES,
    RATE_BOUNDS,
    TARIFF_ACTIONS,
    TARIFF_LAYERS,
    TARIFF_MEASURES,
    TARIFF_RATES,
    tariff_action_problems,
    tariff_rate_problems,
)
from .trade import CENSUS_DUTIES, CENSUS_TRADE
from .world import WTO_DATES, WTO_RTA

__all__ = [
    "CENSUS_DUTIES", "CENSUS_TRADE", "CLAIMS", "CLAIM_CHECKS", "CLAIM_FACTS", "COHORT_OUTCOMES", "COHORT_REASONS",
    "COVERAGES", "DEADLINE_GROUPS", "DEAL_DOCUMENTS", "DEAL_PARTNERS", "DURATION_STUDIES", "INSTRUMENTS", "KINDS",
    "LEGAL_BASES", "LEGAL_DEADLINES", "MARKUP", "SCRIPT_LINK", "NEGOTIATIONS", "NEGOTIATION_DATES", "NEGOTIATION_ORDER",
    "PROCESSED_NEGOTIATIONS", "PROCESSED_TABLES",
    "PUBLISHED_DURATIONS", "RATE_BASES", "RATE_BOUNDS", "RowRule", "SOURCE_CONFLICTS", "SOURCE_FORM", "STATUSES",
    "TARIFF_ACTIONS", "TARIFF_LAYERS", "TARIFF_MEASURES", "TARIFF_RATES", "TRACKS", "TRADE_PROMOTION_AUTHORITY", "TableSpec",
    "WTO_DATES", "WTO_RTA", "date_column",
    "date_columns", "deal_document_problems", "duplicate_row_problems", "future_problems", "link_problems", "load_processed",
    "load_raw",
    "negotiation_row_problems", "number_column", "order_problems", "partner_problems", "period_problems",
    "published_average_problems", "required_id_problems", "schema_problems", "source_columns", "source_problems",
    "tariff_action_problems", "tariff_rate_problems", "text_column", "validate_table",
]
