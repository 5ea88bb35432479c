"""statsmodels' survival estimators, with their own standard errors: Kaplan-Meier, cumulative incidence with
competing events, and the Cox model. The project's estimates use ``helpers.survival`` (a vectorised Aalen-Johansen
with honest intervals); these are its second implementation in the tests, and the Cox appendix of notebook 04."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight


def _arrays(time, event) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(pd.Series(time, dtype=float))
    e = np.asarray(pd.Series(event, dtype=float))
    if len(t) != len(e):
        raise ValueError(f"time has {len(t)} values but event has {len(e)}")
    if len(t) == 0:
        raise ValueError("no observations")
    if np.isnan(t).any() or np.isnan(e).any():
        raise ValueError("time and event must not contain missing values")
    if (t < 0).any():
        raise ValueError("negative times: an event or censoring before the start")
    return t, e


def kaplan_meier(time, event, weights=None) -> SurvfuncRight:
    """Kaplan-Meier estimate of P(no event by t); ``event`` is 1 for the event, 0 for censored.

    ``weights`` (optional) are frequency weights, e.g. 1/(rows of the agreement) to count each agreement once.
    """
    t, e = _arrays(time, event)
    if not set(np.unique(e)) <= {0.0, 1.0}:
        raise ValueError("event must be 0 (censored) or 1 (event)")
    return SurvfuncRight(t, e, freq_weights=None if weights is None else np.asarray(weights, dtype=float))


def pointwise_ci(surv, se, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise 95% interval of a survival curve on the log(-log) scale (stays inside [0, 1]).

    Where S is 0 or 1 the interval collapses onto S.
    """
    surv, se = np.asarray(surv, dtype=float), np.asarray(se, dtype=float)
    low, high = surv.copy(), surv.copy()
    inside = (surv > 0) & (surv < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * se[inside] / (surv[inside] * np.abs(np.log(surv[inside])))
    low[inside] = surv[inside] ** np.exp(spread)
    high[inside] = surv[inside] ** np.exp(-spread)
    return low, high


def km_table(sf: SurvfuncRight) -> pd.DataFrame:
    """The step function of a fitted Kaplan-Meier as a table, starting at time 0 with survival 1.

    Columns: time, survival, lower, upper (pointwise 95% interval), at_risk.
    """
    low, high = pointwise_ci(sf.surv_prob, sf.surv_prob_se)
    table = pd.DataFrame({
        "time": sf.surv_times, "survival": sf.surv_prob, "lower": low, "upper": high,
        "at_risk": sf.n_risk,
    })
    first = pd.DataFrame({"time": [0.0], "survival": [1.0], "lower": [1.0], "upper": [1.0],
                          "at_risk": [float(sf.n_risk[0]) if len(sf.n_risk) else np.nan]})
    return pd.concat([first, table], ignore_index=True)


def event_probability_by(sf: SurvfuncRight, horizon: float) -> tuple[float, float, float]:
    """P(event by ``horizon``) = 1 - S(horizon), with its 95% interval (from the survival interval)."""
    table = km_table(sf)
    row = table[table["time"] <= horizon].iloc[-1]
    return 1 - float(row["survival"]), 1 - float(row["upper"]), 1 - float(row["lower"])


def cumulative_incidence(time, cause, names: dict[int, str], weights=None) -> pd.DataFrame:
    """Cumulative incidence of each competing cause (Aalen-Johansen), long format.

    ``cause`` is 0 for censored and k >= 1 for the cause named ``names[k]``; ``weights`` are optional
    frequency weights. Columns: cause, time, incidence, se.
    """
    t, c = _arrays(time, cause)
    codes = sorted(int(k) for k in np.unique(c) if k != 0)
    unknown = [k for k in codes if k not in names]
    if unknown:
        raise ValueError(f"causes {unknown} have no name")
    ci = CumIncidenceRight(t, c.astype(int), freq_weights=None if weights is None else np.asarray(weights, dtype=float))
    frames = []
    # statsmodels gives no standard errors for weighted estimates: those rows carry NaN.
    ses = ci.cinc_se if ci.cinc_se is not None else [np.full(len(inc), np.nan) for inc in ci.cinc]
    for k, (inc, se) in enumerate(zip(ci.cinc, ses), start=1):
        if k not in names:
            continue
        frames.append(pd.DataFrame({"cause": names[k], "time": np.r_[0.0, ci.times],
                                    "incidence": np.r_[0.0, inc], "se": np.r_[0.0, se]}))
    return pd.concat(frames, ignore_index=True)


def incidence_by(table: pd.DataFrame, cause: str, horizon: float) -> float:
    """Cumulative incidence of ``cause`` at ``horizon`` from a ``cumulative_incidence`` table."""
    return incidence_ci_by(table, cause, horizon)[0]


def incidence_ci_by(table: pd.DataFrame, cause: str, horizon: float, z: float = 1.959964) -> tuple[float, float, float]:
    """Cumulative incidence of ``cause`` at ``horizon`` with a 95% interval on the log(-log) scale of 1 - F,
    the same transform as the Kaplan-Meier band (``pointwise_ci``), so the two are comparable."""
    rows = table[(table["cause"] == cause) & (table["time"] <= horizon)]
    if rows.empty:
        raise ValueError(f"no cause named '{cause}'")
    inc, se = float(rows["incidence"].iloc[-1]), float(rows["se"].iloc[-1])
    if np.isnan(se):
        return inc, np.nan, np.nan
    low, high = pointwise_ci([1 - inc], [se], z)
    return inc, float(1 - high[0]), float(1 - low[0])


def cox_table(df: pd.DataFrame, time: str, event: str, covariates: list[str],
              cluster: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Cox proportional hazards (statsmodels PHReg) of ``event`` on ``covariates``, rows with missing values dropped.

    With competing outcomes this is a cause-specific hazard: other outcomes are treated as censoring.
    ``cluster`` names a column of group labels (e.g. the agreement) for cluster-robust standard errors, since
    partners of one plurilateral negotiation share their dates. Returns (table, info). The table has one row
    per covariate: hazard_ratio, ci_low, ci_high, p_value, and ph_pvalue, a check of proportional hazards
    (correlation of the unscaled Schoenfeld residuals of events with the rank of event time; a small p-value
    says the hazard ratio changes over time). info holds n, events and clusters.
    """
    from scipy import stats as sps
    from statsmodels.duration.hazard_regression import PHReg

    kept = df[[time, event] + covariates].dropna().index
    data = df.loc[kept, [time, event] + covariates].astype(float)
    if data[event].sum() < len(covariates) + 1:
        raise ValueError(f"too few events ({int(data[event].sum())}) for {len(covariates)} covariates")
    model = PHReg(data[time], data[covariates], status=data[event], ties="efron")
    groups = None if cluster is None else pd.factorize(df.loc[kept, cluster])[0]
    fit = model.fit(groups=groups)
    ci = np.exp(fit.conf_int())
    if not (np.isfinite(fit.params).all() and np.isfinite(ci).all() and np.isfinite(fit.pvalues).all()):
        raise ValueError(
            f"Cox fit of '{event}' on {covariates} did not converge to finite estimates ({int(data[event].sum())} events, "
            f"{len(data)} rows): a covariate perfectly separates the events, or a cluster has no events. "
            "Drop or merge the covariate, or report the cumulative incidence by group instead.")
    table = pd.DataFrame({"covariate": covariates, "hazard_ratio": np.exp(fit.params), "ci_low": ci[:, 0],
                          "ci_high": ci[:, 1], "p_value": fit.pvalues})
    resid = fit.schoenfeld_residuals
    events = data[event].to_numpy() == 1
    ranks = pd.Series(data[time].to_numpy()[events]).rank().to_numpy()
    ph = []
    for j in range(len(covariates)):
        r = resid[events, j]
        ok = ~np.isnan(r)
        ph.append(sps.pearsonr(ranks[ok], r[ok]).pvalue if ok.sum() > 2 and np.std(r[ok]) > 0 else np.nan)
    table["ph_pvalue"] = ph
    info = {"n": int(len(data)), "events": int(data[event].sum())}
    if cluster is not None:
        info["clusters"] = int(df.loc[kept, cluster].nunique())
    return table.reset_index(drop=True), info
