"""The clock now: where each open negotiation stands and what comes next (notebook 11, tests/test_forecast.py).

- ``incidence`` (history's clock): P(success within the next h months | still open after t months)
  = (F₁(t+h) − F₁(t)) / S(t), from the Aalen–Johansen cumulative incidence with failures as a competing outcome;
  the same number is the incidence by h of the units still open after t, restarted at t (the *landmark* set), which
  is what the bootstrap resamples. Intervals follow the project's one rule (``survival.interval_for``). Also the era
  test and the sample a forecast rests on.
- ``cohort_pace``: the 2025–26 cohort's record is shorter than the time its open partners have already been talking,
  so its incidence cannot be read at their t; its pace is constant monthly rates of moving between stages (no
  documented talks → talks or an announcement → a written text → a signed binding agreement, or talks broken off)
  over the latest window of its record — a Markov model read off the matrix exponential of the rates.
- ``backtest``: at landmarks (months open) each past negotiation still open is predicted with what was known that
  day (rolling origin) or with every other agreement (leave one out), and scored: Brier score, a naive base rate,
  a calibration table.
- ``open_talks``: where each open negotiation stands, and what the current data say about each (for scoring).
- ``table``: both models' forecasts, the headline model, and the set in the ledger's columns.

Every public name is importable from ``helpers.forecast``.
"""

from .backtest import CALIBRATION_BINS, backtest, base_rate, brier, brier_estimates, brier_verdict, calibration_table, landmark_outcome
from .calendar import add_months, months_from
from .cohort_pace import (
                          BINDING,
                          BROKEN_OFF,
                          PACE_STATE_NAMES,
                          PACE_STATES,
                          expm_batch,
                          pace_counts,
                          pace_estimates,
                          pace_probability,
                          pace_rates,
                          stage_paths,
)
from .incidence import conditional_estimates, conditional_incidence, era_tests, history_sample, landmark_counts, with_launch_year
from .open_talks import (
                          COHORT_ID_PREFIX,
                          OPEN_COLUMNS,
                          PAUSE_ORIGIN,
                          WRITTEN_INSTRUMENTS,
                          cohort_id,
                          current_outcomes,
                          negotiation_ids,
                          open_cohort_partners,
                          open_history_units,
                          open_negotiations,
)
from .table import COHORT_CLOCKS, HISTORY_MODEL, PACE_MODEL, current_state, forecast_table, headline_model, history_clock_of, ledger_frame

__all__ = [
    "BINDING", "BROKEN_OFF", "CALIBRATION_BINS", "COHORT_CLOCKS", "COHORT_ID_PREFIX", "HISTORY_MODEL", "OPEN_COLUMNS", "PACE_MODEL", "PACE_STATES",
    "PACE_STATE_NAMES", "PAUSE_ORIGIN", "WRITTEN_INSTRUMENTS", "add_months", "backtest", "base_rate", "brier",
    "brier_estimates", "brier_verdict", "calibration_table", "cohort_id", "conditional_estimates", "conditional_incidence",
    "current_outcomes", "current_state", "era_tests", "expm_batch", "forecast_table", "headline_model", "history_clock_of",
    "history_sample", "landmark_counts", "landmark_outcome", "ledger_frame", "months_from", "negotiation_ids",
    "open_cohort_partners", "open_history_units", "open_negotiations", "pace_counts", "pace_estimates", "pace_probability",
    "pace_rates", "stage_paths", "with_launch_year",
]
