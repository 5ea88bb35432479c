"""History's clock: P(success within the next h months | still open after t months), the era test, the sample a
forecast rests on."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import survival

# --- conditional incidence ---------------------------------------------------------------------------------


def _arrays(months, cause) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray(months, dtype=float)
    c = np.asarray(cause).astype(int)
    if len(m) != len(c):
        raise ValueError(f"months has {len(m)} values but cause has {len(c)}")
    if np.isnan(m).any():
        raise ValueError("months must not contain missing values")
    return m, c


def conditional_incidence(months, cause, t: float, h: float, event_cause: int = 1) -> float:
    """P(``event_cause`` within (t, t+h] | no outcome by t) = (F_k(t+h) − F_k(t)) / S(t), Aalen–Johansen.

    ``cause`` is 0 (censored), 1, 2, … (competing outcomes); S(t) = 1 − Σ_k F_k(t) is the share with no outcome
    by t (inclusive). NaN when no unit is still followed after t (nothing is known about what comes next).
    """
    m, c = _arrays(months, cause)
    if h < 0:
        raise ValueError(f"the horizon must not be negative, got {h}")
    if not (m > t).any():
        return math.nan
    f_t = survival.cif_at(m, c, t, event_cause)
    f_th = survival.cif_at(m, c, t + h, event_cause)
    surv = 1.0 - sum(survival.cif_at(m, c, t, k) for k in np.unique(c[c > 0]))
    return float((f_th - f_t) / surv)


def landmark_counts(months, cause, t: float, h: float, event_cause: int = 1) -> dict[str, int]:
    """The units behind a conditional forecast: ``at_risk`` (still open after t), ``events`` (``event_cause`` in
    (t, t+h]), ``known`` (at risk and with a known status at t+h: an outcome by then, or followed to t+h)."""
    m, c = _arrays(months, cause)
    at_risk = m > t
    decided = at_risk & (c > 0) & (m <= t + h)
    return {"at_risk": int(at_risk.sum()), "events": int((decided & (c == event_cause)).sum()),
            "known": int((decided | (at_risk & (m >= t + h))).sum())}


def conditional_estimates(frame: pd.DataFrame, t: float, horizons: dict[str, float], n_resamples: int, seed: int,
                          confidence: float = 0.95) -> dict[str, dict]:
    """P(success within each horizon | still open after ``t`` months) from a survival frame (one row per unit:
    ``months``, ``cause``), with the project's interval.

    The interval is exact (Clopper–Pearson over the landmark units whose status at t+h is known) where at most
    ``survival.FEW_EVENTS`` had the event or did not, otherwise a percentile bootstrap resampling the units still
    open after t; it always contains the point. Each value: value, ci_low, ci_high, method, at_risk, events, known.
    With no unit open after t every number is NaN and ``method`` says why.
    """
    months, cause = _arrays(frame["months"], frame["cause"])
    keep = months > t
    out = {}
    if not keep.any():
        for label in horizons:
            out[label] = {"value": math.nan, "ci_low": math.nan, "ci_high": math.nan, "at_risk": 0, "events": 0, "known": 0,
                          "method": f"not estimable: no unit still open after {t:.1f} months"}
        return out
    shifted, c = months[keep] - t, cause[keep]  # the landmark set, restarted at t
    marks = np.array(list(horizons.values()), dtype=float)
    if keep.sum() >= 2:
        counts = survival._bootstrap_counts(np.arange(int(keep.sum())), n_resamples, seed)
        boot = survival._weighted_cif_at(counts, shifted, c, marks)
    else:  # one unit: no bootstrap, the exact interval decides
        boot = np.full((1, len(marks)), np.nan)
    for j, (label, h) in enumerate(horizons.items()):
        value = conditional_incidence(months, cause, t, h)
        n = landmark_counts(months, cause, t, h)
        b = boot[:, j][np.isfinite(boot[:, j])]
        b_low, b_high = survival._percentiles(b, confidence) if len(b) else (math.nan, math.nan)
        low, high, method = survival.interval_for(n["events"], n["known"], b_low, b_high,
                                                  "bootstrap over the units still open", confidence)
        if n["known"] == 0 and len(b) == 0:
            low, high, method = 0.0, 1.0, "no unit followed to the horizon: any value is possible"
        out[label] = {"value": value, "ci_low": min(low, value), "ci_high": max(high, value), "method": method, **n}
    return out


# --- history's clock: era and sample -----------------------------------------------------------------------


def with_launch_year(frame: pd.DataFrame) -> pd.DataFrame:
    """A survival frame with ``launch_year`` (from its ``launch`` date)."""
    return frame.assign(launch_year=frame["launch"].str[:4].astype(int))


def era_tests(frame: pd.DataFrame, era_start: int, horizon: float, n_resamples: int, seed: int,
              alpha: float = 0.05) -> dict:
    """Is history one regime? Tests a break at ``era_start`` (talks launched since then against earlier ones) over
    agreements once (accessions excluded), for the outcome a conditional forecast depends on: how fast talks end, and how.

    Returns log-rank p-values (statsmodels ``survdiff``) for reaching any outcome (``p_any``), for signing and for ending
    unsigned (cause-specific: ``p_signed``, ``p_ended``); ``p_permutation``, a two-sided permutation test of the
    difference in P(signed within ``horizon``), with the two incidences and unit counts; Cox fits of the hazard of any
    outcome on the era indicator and on a linear trend in the launch year (hazard ratio, p-value, AIC; ``null_aic`` with
    no covariate); and ``choice``: 'era' when the time to an outcome differs between the eras at ``alpha`` and the era
    fits at least as well as the trend, 'trend' when the trend fits better and is significant, else 'one regime'.
    """
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.duration.survfunc import survdiff

    f = with_launch_year(frame[frame["track"] != "accession"])
    recent_mask = f["launch_year"] >= era_start
    f = f.assign(era=np.where(recent_mask, f"since {era_start}", f"before {era_start}"))
    months, cause = f["months"].to_numpy(float), f["cause"].to_numpy(int)
    recent, early = f[recent_mask], f[~recent_mask]
    out = {"era_start": era_start, "horizon": horizon, "n_recent": len(recent), "n_early": len(early),
           "p_permutation": survival.permutation_test_cif(f, "era", horizon, n_resamples, seed),
           "cif_recent": survival.cif_at(recent["months"], recent["cause"], horizon),
           "cif_early": survival.cif_at(early["months"], early["cause"], horizon)}
    for name, event in (("any", cause > 0), ("signed", cause == 1), ("ended", cause == 2)):
        out[f"p_{name}"] = float(survdiff(months, event.astype(int), f["era"].to_numpy())[1])
    status = (cause > 0).astype(float)
    covariates = {"era": recent_mask.astype(float), "trend": f["launch_year"].astype(float) - era_start}
    for name, x in covariates.items():
        model = PHReg(months, x.to_numpy()[:, None], status=status, ties="efron")
        fit = model.fit()
        out[f"{name}_hazard_ratio"] = float(np.exp(fit.params[0]))
        out[f"{name}_p"] = float(fit.pvalues[0])
        out[f"{name}_aic"] = float(-2 * fit.llf + 2)
        out["null_aic"] = float(-2 * model.loglike(np.zeros(1)))
    if out["p_any"] < alpha and not out["trend_aic"] < out["era_aic"]:  # an era that separates the outcomes has no finite AIC
        out["choice"] = "era"
    elif out["trend_aic"] < out["era_aic"] and out["trend_p"] < alpha:
        out["choice"] = "trend"
    else:
        out["choice"] = "one regime"
    return out


def history_sample(frame: pd.DataFrame, t: float, track: str, launch_year: int | None, era_start: int | None,
                   min_at_risk: int) -> tuple[pd.DataFrame | None, str]:
    """The historical units a forecast at ``t`` months rests on, and a label saying which.

    The narrowest sample with at least ``min_at_risk`` units still open after t, in this order: the negotiation's
    class launched in its era (since ``era_start``, when it was launched then and ``era_start`` is given), every
    class of that era, its class in every era, every agreement (accessions count only for accessions). Where none
    has enough, no forecast: (None, the reason).
    """
    f = frame if "launch_year" in frame else with_launch_year(frame)
    own_class = f["track"] == track
    pooled = f["track"] == "accession" if track == "accession" else f["track"] != "accession"
    in_era = f["launch_year"] >= era_start if era_start is not None else None
    name = survival.CLASS_LABELS.get(track, track)
    ladder = []
    if in_era is not None and launch_year is not None and launch_year >= era_start:
        ladder += [(own_class & in_era, f"{name} launched since {era_start}"),
                   (pooled & in_era, f"all agreements launched since {era_start}")]
    ladder += [(own_class, f"{name}, all eras"), (pooled, "all agreements, all eras")]
    for mask, label in ladder:
        sub = f[mask]
        if int((sub["months"] > t).sum()) >= min_at_risk:
            return sub, label
    return None, f"no forecast: fewer than {min_at_risk} agreements still open at {t:.0f} months"


# --- the 2025-26 cohort's own pace: a Markov model of stages -----------------------------------------------

