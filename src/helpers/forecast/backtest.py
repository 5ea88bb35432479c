"""The landmark backtest: predict each past negotiation still open at a landmark with what was known then, score it
against what happened (Brier score, a naive base rate, a calibration table)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import survival
from ..dates import coarse_start, parse_partial_date
from .incidence import conditional_incidence, history_sample, with_launch_year

# --- months and dates --------------------------------------------------------------------------------------


def landmark_outcome(months: float, cause: int, landmark: float, h: float) -> float:
    """What happened to a unit open after ``landmark`` months within the next ``h``: 1 signed, 0 not (ended
    unsigned, or followed to the horizon without signing), NaN unknown (censored earlier) or not open at the landmark."""
    if months <= landmark:
        return math.nan
    if cause == 1 and months <= landmark + h:
        return 1.0
    if (cause > 0 and months <= landmark + h) or months >= landmark + h:
        return 0.0
    return math.nan


def base_rate(frame: pd.DataFrame, landmarks, h: float) -> tuple[float, int]:
    """The naive forecast: of the units open at any landmark whose status h months later is known, the share that
    signed within those h months, pooled over landmarks, classes and eras. Returns (share, cases); NaN if none."""
    outcomes = [landmark_outcome(m, c, lm, h) for lm in landmarks for m, c in zip(frame["months"], frame["cause"])]
    known = [o for o in outcomes if not math.isnan(o)]
    return (float(np.mean(known)) if known else math.nan), len(known)


def backtest(units: pd.DataFrame, launch: str, as_of: str, days_per_month: float, landmarks, horizons: dict[str, float],
             era_start: int | None, min_at_risk: int, scheme: str) -> pd.DataFrame:
    """Score the conditional forecast on history: every agreement (accessions apart) still open at each landmark.

    ``scheme`` 'rolling origin': the forecast for an agreement at landmark L uses only agreements launched in an
    earlier year, each as known on the day of the forecast (its launch + L months; later outcomes censored there).
    'leave one out': every other agreement, as known at ``as_of``. The sample follows ``history_sample`` (era,
    class, ``min_at_risk``); where even every agreement leaves too few open at L, the method issues no forecast and
    the case is not scored. The naive forecast (``base_rate``) comes from the same training data.
    Columns: unit_id, track, launch_year, landmark, horizon, months_ahead, predicted, base_rate, outcome, sample,
    at_risk, scheme. Cases whose outcome is unknown or whose training data hold no unit open at L are left out.
    """
    from ..negotiations import survival_frame

    if scheme not in ("rolling origin", "leave one out"):
        raise ValueError(f"scheme must be 'rolling origin' or 'leave one out', not '{scheme}'")
    agreements = units[units["track"] != "accession"]
    full = with_launch_year(survival_frame(agreements, launch, "signed", as_of, days_per_month))
    rows = []
    for _, unit in full.iterrows():
        for landmark in landmarks:
            outcomes = {label: landmark_outcome(unit["months"], unit["cause"], landmark, h) for label, h in horizons.items()}
            if all(math.isnan(o) for o in outcomes.values()):
                continue
            if scheme == "leave one out":
                train = full[full["unit_id"] != unit["unit_id"]]
            else:
                # The day of the forecast: launch (a month-only launch at its first day: never later) + L months.
                day = (pd.Timestamp(coarse_start(parse_partial_date(unit["launch"])))
                       + pd.Timedelta(days=landmark * days_per_month)).strftime("%Y-%m-%d")
                earlier = agreements[agreements["unit_id"].isin(full.loc[full["launch_year"] < unit["launch_year"], "unit_id"])]
                if earlier.empty:
                    continue
                train = with_launch_year(survival_frame(earlier, launch, "signed", day, days_per_month))
            if train.empty:
                continue
            sample, label = history_sample(train, landmark, unit["track"], int(unit["launch_year"]), era_start, min_at_risk)
            if sample is None:
                continue
            for h_label, h in horizons.items():
                if math.isnan(outcomes[h_label]):
                    continue
                predicted = conditional_incidence(sample["months"], sample["cause"], landmark, h)
                naive, _ = base_rate(train, landmarks, h)
                if math.isnan(predicted) or math.isnan(naive):
                    continue
                rows.append({"unit_id": unit["unit_id"], "track": unit["track"], "launch_year": int(unit["launch_year"]),
                             "landmark": landmark, "horizon": h_label, "months_ahead": h, "predicted": predicted,
                             "base_rate": naive, "outcome": outcomes[h_label], "sample": label,
                             "at_risk": int((sample["months"] > landmark).sum()), "scheme": scheme})
    columns = ["unit_id", "track", "launch_year", "landmark", "horizon", "months_ahead", "predicted", "base_rate", "outcome",
               "sample", "at_risk", "scheme"]
    return pd.DataFrame(rows, columns=columns)


def brier(predicted, outcome) -> float:
    """Mean squared difference between forecast probabilities and what happened (0/1): 0 is perfect, 0.25 a coin."""
    p, y = np.asarray(predicted, dtype=float), np.asarray(outcome, dtype=float)
    if len(p) != len(y) or not len(p):
        raise ValueError("brier needs as many outcomes as forecasts, and at least one")
    return float(np.mean((p - y) ** 2))


def brier_estimates(cases: pd.DataFrame, n_resamples: int, seed: int, confidence: float = 0.95) -> dict[str, dict]:
    """Brier score of the method and of the naive base rate over backtest cases, each with a bootstrap interval that
    resamples whole agreements (one agreement is scored at several landmarks), and the difference (base rate − method)."""
    out = {}
    stats = {"method": lambda f: float(np.mean((f["predicted"] - f["outcome"]) ** 2)),
             "base_rate": lambda f: float(np.mean((f["base_rate"] - f["outcome"]) ** 2))}
    stats["difference"] = lambda f: stats["base_rate"](f) - stats["method"](f)
    for name, stat in stats.items():
        low, high = survival.cluster_bootstrap(cases, stat, "unit_id", n_resamples, seed, confidence)
        value = stat({c: cases[c].to_numpy() for c in cases.columns})
        out[name] = {"value": value, "ci_low": min(low, value), "ci_high": max(high, value), "n": len(cases),
                     "agreements": int(cases["unit_id"].nunique())}
    return out


CALIBRATION_BINS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)


def calibration_table(cases: pd.DataFrame, bins=CALIBRATION_BINS, confidence: float = 0.95) -> pd.DataFrame:
    """Predicted against observed by bin of the forecast probability: cases, mean forecast, share that happened
    with its exact (Clopper–Pearson) interval. Bins are closed on the left, the last also on the right."""
    edges = np.asarray(bins, dtype=float)
    which = np.clip(np.searchsorted(edges, cases["predicted"].to_numpy(float), side="right") - 1, 0, len(edges) - 2)
    rows = []
    for b in range(len(edges) - 1):
        sub = cases[which == b]
        row = {"bin": f"{edges[b]:.0%}–{edges[b + 1]:.0%}", "cases": len(sub), "mean_forecast": math.nan, "observed": math.nan,
               "observed_low": math.nan, "observed_high": math.nan}
        if len(sub):
            events = int(sub["outcome"].sum())
            low, high = survival.clopper_pearson(events, len(sub), confidence)
            row.update(mean_forecast=float(sub["predicted"].mean()), observed=events / len(sub), observed_low=low, observed_high=high)
        rows.append(row)
    return pd.DataFrame(rows)


def brier_verdict(difference: dict) -> str:
    """How a method's Brier score compares with the base rate's, from the difference base rate − method and its interval:
    'beat the base rate' (interval above 0), 'did worse than the base rate' (below 0), or 'could not be told apart from
    the base rate'."""
    low, high = float(difference["ci_low"]), float(difference["ci_high"])
    if low > 0:
        return "beat the base rate"
    if high < 0:
        return "did worse than the base rate"
    return "could not be told apart from the base rate"
