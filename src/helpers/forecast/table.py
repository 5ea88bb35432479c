"""Both models' forecasts for every open negotiation, the headline model, and the set in the ledger's columns."""

from __future__ import annotations

import math

import pandas as pd

from .calendar import add_months, months_from
from .cohort_pace import PACE_STATES
from .incidence import conditional_estimates, history_sample

# --- the forecasts ------------------------------------------------------------------------------------------

HISTORY_MODEL = "history's clock"
PACE_MODEL = "2025-26 pace"
COHORT_CLOCKS = {"first_round": "first_round", "talks_announced": "announced", "talks_began": "announced"}


def history_clock_of(row: pd.Series) -> tuple[str | None, str | None, str]:
    """Which of history's clocks a negotiation is put on: (launch definition, its start date, note).

    A historical unit keeps its own launch. A 2025–26 partner goes on history's first-round clock where its first
    round is cited, else on history's announcement clock from the official announcement of talks, else from the first
    reported meeting (``talks_began``: the closest of history's clocks is the announcement); with no documented start
    of talks, on none.
    """
    if row["population"] == "history":
        return row["launch_from"], row["launch"], ""
    for column, clock in COHORT_CLOCKS.items():
        value = row.get(f"launch_{column}")
        if isinstance(value, str) and value:
            note = "" if column != "talks_began" else "first reported meeting taken as the announcement of talks"
            return clock, value, note
    return None, None, "no documented start of talks: history's clock cannot start"


def forecast_table(open_table: pd.DataFrame, history_frames: dict[str, pd.DataFrame], pace: pd.DataFrame,
                   pace_state: dict[str, str], horizons: dict[str, float], era_start: int | None, min_at_risk: int,
                   n_resamples: int, seed: int, confidence: float = 0.95) -> pd.DataFrame:
    """Both models' forecasts for every open negotiation (state 'open' or 'open, no documented talks'), long format.

    ``history_frames``: launch definition -> survival frame of history (signed as success, agreements and accessions).
    History's clock: ``conditional_estimates`` at the months open at the forecast date on the sample
    ``history_sample`` picks (era only when ``era_start`` is given). The pace model (``pace``, from ``pace_estimates``)
    applies to 2025–26 partners, by the stage each is in (``pace_state``: partner -> state). Columns: negotiation_id,
    model, horizon, months_ahead, months_open, probability, ci_low, ci_high, interval, sample, at_risk, events.
    """
    rows = []
    pace_by = pace.set_index(["state", "horizon"]) if len(pace) else None
    for _, r in open_table[open_table["state"] != "talks broken off"].iterrows():
        clock, start, note = history_clock_of(r)
        base = {"negotiation_id": r["negotiation_id"], "model": HISTORY_MODEL}
        if clock is None:
            for label, h in horizons.items():
                rows.append({**base, "horizon": label, "months_ahead": h, "months_open": math.nan, "probability": math.nan,
                             "ci_low": math.nan, "ci_high": math.nan, "interval": note, "sample": "", "at_risk": 0, "events": 0})
        else:
            t = months_from(start, r["as_of"])
            launch_year = int(start[:4])
            sample, label_s = history_sample(history_frames[clock], t, r["history_class"], launch_year, era_start, min_at_risk)
            if sample is None:
                est = {label: {"value": math.nan, "ci_low": math.nan, "ci_high": math.nan, "method": label_s, "at_risk": 0, "events": 0}
                       for label in horizons}
            else:
                est = conditional_estimates(sample, t, horizons, n_resamples, seed, confidence)
            clock_text = f"{clock.replace('_', ' ')} clock" + (f"; {note}" if note else "")
            for label, h in horizons.items():
                e = est[label]
                rows.append({**base, "horizon": label, "months_ahead": h, "months_open": t, "probability": e["value"],
                             "ci_low": e["ci_low"], "ci_high": e["ci_high"], "interval": e["method"],
                             "sample": f"{label_s} ({clock_text})" if sample is not None else label_s,
                             "at_risk": e["at_risk"], "events": e["events"]})
        if r["population"] == "2025-26 cohort" and pace_by is not None:
            state = pace_state[r["partner"]]
            for label, h in horizons.items():
                e = pace_by.loc[(state, label)]
                rows.append({"negotiation_id": r["negotiation_id"], "model": PACE_MODEL, "horizon": label, "months_ahead": h,
                             "months_open": r["months_open_at_as_of"], "probability": e["value"], "ci_low": e["ci_low"],
                             "ci_high": e["ci_high"], "interval": e["method"], "sample": f"2025-26 partners, stage: {state}",
                             "at_risk": int(e["partners"]), "events": int(e["binding_events"])})
    return pd.DataFrame(rows)


def current_state(paths: pd.DataFrame) -> dict[str, str]:
    """Each partner's stage at the end of its record (the last transient state in ``stage_paths``)."""
    transient = paths[paths["to_state"] < len(PACE_STATES)].sort_values(["partner", "date", "to_state"], kind="mergesort")
    return {p: PACE_STATES[int(g["to_state"].iloc[-1])] for p, g in transient.groupby("partner")}


def headline_model(population: str) -> str:
    """The model a negotiation's headline forecast uses: the 2025–26 cohort's own pace for its partners (the process
    they are in; history's clock did not beat a base rate on history), history's clock for past negotiations."""
    return PACE_MODEL if population == "2025-26 cohort" else HISTORY_MODEL


def ledger_frame(forecasts: pd.DataFrame, open_table: pd.DataFrame, as_of: str, data_version: str) -> pd.DataFrame:
    """The forecast set in the ledger's columns (``ledger.COLUMNS``): each forecast with its negotiation, whether it is
    the headline model's, the forecast date, the horizon date (``as_of`` + whole months) and the raw data version;
    probabilities rounded to six decimals so that the file's bytes do not depend on the last bits of a float."""
    from ..ledger import COLUMNS

    info = open_table.set_index("negotiation_id")
    out = forecasts.copy()
    for column in ("negotiation", "partner_code", "population"):
        out[column] = out["negotiation_id"].map(info[column])
    out["headline"] = [m == headline_model(p) for m, p in zip(out["model"], out["population"])]
    out["as_of"] = as_of
    out["horizon_months"] = out["months_ahead"].astype(int)
    out["horizon_date"] = [add_months(as_of, m) for m in out["horizon_months"]]
    out["data_version"] = data_version
    out["interval"] = out["interval"].fillna("")
    for column in ("months_open", "probability", "ci_low", "ci_high"):
        out[column] = out[column].astype(float).round(6)
    return out[COLUMNS].sort_values(["negotiation_id", "model", "horizon_months"], kind="mergesort").reset_index(drop=True)


