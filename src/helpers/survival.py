"""Time-to-event summaries on statsmodels: Kaplan-Meier, cumulative incidence with competing events, Cox."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from .params import horizon_key  # noqa: F401  (re-exported: result keys use it)


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


# --- Agreement-level estimation with honest intervals ----------------------------------------------------

def aalen_johansen(time, cause, event_cause: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative incidence of ``event_cause`` (Aalen-Johansen), as step-function knots (times, incidence).

    ``cause`` is 0 for censored, 1, 2, ... for competing causes. At tied times events come before censoring.
    A small vectorised numpy implementation (checked in the tests against statsmodels' ``CumIncidenceRight``),
    fast enough to run inside a bootstrap.
    """
    t = np.asarray(time, dtype=float)
    c = np.asarray(cause).astype(int)
    if len(t) != len(c):
        raise ValueError(f"time has {len(t)} values but cause has {len(c)}")
    events = c > 0
    times, where = np.unique(t[events], return_inverse=True)
    if not len(times):
        return times, np.zeros(0)
    at_risk = len(t) - np.searchsorted(np.sort(t), times, side="left")
    d_all = np.bincount(where, minlength=len(times))
    d_k = np.bincount(where, weights=(c[events] == event_cause).astype(float), minlength=len(times))
    surv_before = np.r_[1.0, np.cumprod(1 - d_all / at_risk)[:-1]]
    return times, np.cumsum(surv_before * d_k / at_risk)


def cif_at(time, cause, horizon: float, event_cause: int = 1) -> float:
    """Cumulative incidence of ``event_cause`` by ``horizon`` (inclusive)."""
    times, inc = aalen_johansen(time, cause, event_cause)
    before = inc[times <= horizon]
    return float(before[-1]) if len(before) else 0.0


def cif_median(time, cause, event_cause: int = 1) -> float:
    """First time at which the cumulative incidence of ``event_cause`` reaches 0.5 (inf if it never does)."""
    times, inc = aalen_johansen(time, cause, event_cause)
    reached = times[inc >= 0.5 - 1e-12]
    return float(reached[0]) if len(reached) else float("inf")


def clopper_pearson(events: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval for ``events`` of ``n``; at 0 (or n) events the bound is one-sided at ``confidence``."""
    from scipy.stats import beta

    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= events <= n:
        raise ValueError(f"events ({events}) must lie between 0 and n ({n})")
    alpha = 1 - confidence
    if events == 0:
        return 0.0, float(1 - alpha ** (1 / n))
    if events == n:
        return float(alpha ** (1 / n)), 1.0
    return float(beta.ppf(alpha / 2, events, n - events + 1)), float(beta.ppf(1 - alpha / 2, events + 1, n - events))


def _resample_indices(codes: np.ndarray, n_resamples: int, seed: int):
    """Row indices of each bootstrap resample, drawing whole clusters (coded 0..k-1) with replacement."""
    k = int(codes.max()) + 1
    if k < 2:
        raise ValueError(f"need at least two clusters for a bootstrap interval, got {k}")
    members = [np.flatnonzero(codes == j) for j in range(k)]
    rng = np.random.default_rng(seed)
    for _ in range(n_resamples):
        yield np.concatenate([members[j] for j in rng.integers(0, k, size=k)])


NEVER = 1e300  # stands in for +inf while interpolating quantiles (inf - inf would give nan)


def _percentiles(stats: np.ndarray, confidence: float) -> tuple[float, float]:
    """Percentile interval; a replicate that never reaches the statistic (e.g. a median never reached) counts as +inf,
    and a bound that falls among those replicates is +inf."""
    stats = np.where(np.isfinite(stats), stats, NEVER)
    alpha = 1 - confidence
    bounds = (float(np.quantile(stats, alpha / 2)), float(np.quantile(stats, 1 - alpha / 2)))
    return tuple(float("inf") if b >= NEVER / 10 else b for b in bounds)


def _weighted_cif_curves(weights: np.ndarray, months: np.ndarray, cause: np.ndarray,
                         event_cause: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Aalen-Johansen cumulative incidence for many weightings of the same units at once: (event times, curves).

    ``weights`` is (replicates x units): frequency weights (bootstrap counts, or 0/1 group membership); curves is
    (replicates x event times). The same estimator as ``aalen_johansen``, vectorised over replicates.
    """
    events = cause > 0
    times = np.unique(months[events])
    if not len(times):
        return times, np.zeros((weights.shape[0], 0))
    at_risk_ind = (months[:, None] >= times[None, :]).astype(float)
    event_ind = ((months[:, None] == times[None, :]) & events[:, None]).astype(float)
    cause_ind = event_ind * (cause == event_cause)[:, None]
    at_risk, d_all, d_k = weights @ at_risk_ind, weights @ event_ind, weights @ cause_ind
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_all = np.where(at_risk > 0, d_all / at_risk, 0.0)
        hazard_k = np.where(at_risk > 0, d_k / at_risk, 0.0)
    surv_before = np.concatenate([np.ones((weights.shape[0], 1)), np.cumprod(1 - hazard_all, axis=1)[:, :-1]], axis=1)
    return times, np.cumsum(surv_before * hazard_k, axis=1)


def _weighted_cif_at(weights: np.ndarray, months: np.ndarray, cause: np.ndarray, marks: np.ndarray,
                     event_cause: int = 1) -> np.ndarray:
    """``_weighted_cif_curves`` read at ``marks``: (replicates x marks)."""
    times, inc = _weighted_cif_curves(weights, months, cause, event_cause)
    if not len(times):
        return np.zeros((weights.shape[0], len(marks)))
    pos = np.searchsorted(times, marks, side="right") - 1
    return np.where(pos[None, :] >= 0, inc[:, np.clip(pos, 0, None)], 0.0)


def _bootstrap_counts(codes: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """(replicates x units) bootstrap counts drawing whole clusters, the same draws as ``_resample_indices``."""
    k = int(codes.max()) + 1
    if k < 2:
        raise ValueError(f"need at least two clusters for a bootstrap interval, got {k}")
    rng = np.random.default_rng(seed)
    cluster_counts = np.stack([np.bincount(rng.integers(0, k, size=k), minlength=k) for _ in range(n_resamples)])
    return cluster_counts[:, codes].astype(float)


def cif_median_interval(frame: pd.DataFrame, cluster: str, n_resamples: int, seed: int,
                        confidence: float = 0.95) -> tuple[float, float]:
    """Bootstrap interval (whole clusters resampled) of ``cif_median``; a median never reached counts as +inf."""
    codes = pd.factorize(frame[cluster], sort=True)[0]
    times, inc = _weighted_cif_curves(_bootstrap_counts(codes, n_resamples, seed), frame["months"].to_numpy(float),
                                      frame["cause"].to_numpy(int))
    reached = inc >= 0.5 - 1e-12
    medians = np.where(reached.any(axis=1), times[np.argmax(reached, axis=1)] if len(times) else np.inf, np.inf)
    return _percentiles(medians, confidence)


def cluster_bootstrap(frame: pd.DataFrame, statistic, cluster: str, n_resamples: int, seed: int,
                      confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval of ``statistic`` resampling whole clusters (e.g. agreements) with replacement.

    ``statistic`` receives one resample as a mapping column -> numpy array (``f["months"]`` works as on a DataFrame).

    Rows of one cluster share their dates, so they are drawn together; with one row per cluster this is the
    ordinary bootstrap. Non-finite replicates (e.g. a median never reached) count as +inf.
    """
    codes = pd.factorize(frame[cluster], sort=True)[0]
    columns = {c: frame[c].to_numpy() for c in frame.columns}
    # The statistic gets each resample as a dict of numpy arrays (column -> values): indexing arrays is far cheaper
    # than building a DataFrame per resample, and f["months"] etc. read the same either way.
    stats = np.array([statistic({c: a[idx] for c, a in columns.items()})
                      for idx in _resample_indices(codes, n_resamples, seed)])
    return _percentiles(stats, confidence)


FEW_EVENTS = 10  # at or below this many events (or non-events) the interval is the exact one, never a bootstrap


def interval_for(events: int, known: int, boot_low: float, boot_high: float, resampled: str,
                 confidence: float = 0.95) -> tuple[float, float, str]:
    """The one interval rule for a share: (low, high, method).

    Where few units had the event, or few did not (``FEW_EVENTS`` or fewer of ``known`` units whose status at the
    horizon is known), the exact Clopper-Pearson interval on those units (one-sided at 0 or ``known`` events): a
    percentile bootstrap of a handful of events is too narrow and can leave 0 although events were observed.
    Otherwise the bootstrap interval (``boot_low``, ``boot_high``), described by ``resampled``.
    """
    if known <= 0:
        return boot_low, boot_high, resampled
    if min(events, known - events) <= FEW_EVENTS:
        low, high = clopper_pearson(events, known, confidence)
        kind = "bound" if events in (0, known) else "interval"
        return low, high, f"Clopper-Pearson exact {kind} ({events} of {known} with known status)"
    return boot_low, boot_high, resampled


def cif_estimates(frame: pd.DataFrame, horizons: dict[str, float], cluster: str, n_resamples: int, seed: int,
                  confidence: float = 0.95) -> dict[str, dict]:
    """P(success by each horizon) from a ``negotiations.survival_frame``, with honest intervals (one bootstrap for all).

    The point estimate is the Aalen-Johansen cumulative incidence (failures as a competing outcome). The interval
    follows ``interval_for``: exact (Clopper-Pearson over the clusters whose status at the horizon is known) where
    events or non-events are few, otherwise a cluster bootstrap over ``cluster``; it always contains the point.
    ``low_precision`` / ``high_precision`` recompute the point with month-only dates at the last / first day of their
    month (and, where a frame bounds an unknown launch, at its latest / earliest possible day). Each value: value,
    ci_low, ci_high, method, n (clusters), events (clusters with a success by the horizon), low_precision,
    high_precision.
    """
    months, cause = frame["months"].to_numpy(float), frame["cause"].to_numpy(int)
    codes = pd.factorize(frame[cluster], sort=True)[0]
    by_cluster = frame.groupby(cluster).agg(months=("months", "min"), cause=("cause", "max"))
    marks = np.array(list(horizons.values()), dtype=float)

    def at_horizons(m, c):
        times, inc = aalen_johansen(m, c)
        pos = np.searchsorted(times, marks, side="right") - 1
        return np.where(pos >= 0, inc[np.clip(pos, 0, None)] if len(inc) else 0.0, 0.0)

    point = at_horizons(months, cause)
    low_p = at_horizons(frame["months_high"].to_numpy(float), cause)
    high_p = at_horizons(frame["months_low"].to_numpy(float), cause)
    boot = _weighted_cif_at(_bootstrap_counts(codes, n_resamples, seed), months, cause, marks)  # all replicates at once
    resampled = "bootstrap over units" if cluster == "unit_id" else f"bootstrap resampling whole {cluster}s"
    out = {}
    for j, (label, h) in enumerate(horizons.items()):
        events = int(((by_cluster["cause"] == 1) & (by_cluster["months"] <= h)).sum())
        known = int((((by_cluster["cause"] > 0) & (by_cluster["months"] <= h)) | (by_cluster["months"] >= h)).sum())
        low, high, method = interval_for(events, known, *_percentiles(boot[:, j], confidence), resampled, confidence)
        value = float(point[j])
        out[label] = {"value": value, "ci_low": min(low, value), "ci_high": max(high, value), "method": method,
                      "n": int(len(by_cluster)), "events": events,
                      "low_precision": float(low_p[j]), "high_precision": float(high_p[j])}
    return out


def cif_estimate(frame: pd.DataFrame, horizon: float, cluster: str, n_resamples: int, seed: int,
                 confidence: float = 0.95) -> dict:
    """``cif_estimates`` at one horizon."""
    return cif_estimates(frame, {"h": horizon}, cluster, n_resamples, seed, confidence)["h"]


def permutation_test_cif(frame: pd.DataFrame, group: str, horizon: float, n_resamples: int, seed: int) -> float:
    """Two-sided permutation p-value for a difference in cumulative incidence at ``horizon`` between two groups.

    Group labels are shuffled across units (the units must be independent: one row per agreement).
    """
    labels = frame[group].to_numpy()
    levels = sorted(set(labels))
    if len(levels) != 2:
        raise ValueError(f"'{group}' must have exactly two groups, got {levels}")
    months, cause = frame["months"].to_numpy(), frame["cause"].to_numpy()

    def diff(lab):
        a, b = lab == levels[0], lab == levels[1]
        return cif_at(months[a], cause[a], horizon) - cif_at(months[b], cause[b], horizon)

    observed = abs(diff(labels))
    rng = np.random.default_rng(seed)
    in_a = np.stack([rng.permutation(labels) == levels[0] for _ in range(n_resamples)]).astype(float)
    mark = np.array([float(horizon)])
    diffs = _weighted_cif_at(in_a, months, cause, mark)[:, 0] - _weighted_cif_at(1 - in_a, months, cause, mark)[:, 0]
    hits = int((np.abs(diffs) >= observed - 1e-12).sum())
    return float((hits + 1) / (n_resamples + 1))


CLASS_LABELS = {
    "all": "all agreements", "congressional_fta": "congressional FTAs", "executive_agreement": "executive / limited",
    "renegotiation": "renegotiations", "plurilateral": "plurilateral", "accession": "accessions",
}


def class_frames(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A survival frame split into 'all' (every agreement, accessions excluded) and one frame per track."""
    out = {"all": frame[frame["track"] != "accession"]}
    for track in CLASS_LABELS:
        if track != "all" and (frame["track"] == track).any():
            out[track] = frame[frame["track"] == track]
    return out


def incidence_grid(units: pd.DataFrame, launches, successes, horizons: dict[str, float], as_of: str,
                   days_per_month: float, n_resamples: int, seed: int, confidence: float = 0.95) -> pd.DataFrame:
    """P(success within each horizon) and the median time counting failures, for every launch definition ×
    success definition × class, one row per agreement (``negotiations.agreement_units``).

    Columns: launch, success, class, horizon, months, value, ci_low, ci_high, method, n, events,
    low_precision, high_precision (month-only dates at their extremes), median_months (inf: never reached 50%),
    n_own_launch (agreements dated by this launch definition itself; the others use ``LAUNCH_FALLBACK``).
    """
    from .negotiations import survival_frame

    rows = []
    for launch in launches:
        for success in successes:
            frame = survival_frame(units, launch, success, as_of, days_per_month)
            for cls, sub in class_frames(frame).items():
                if len(sub) < 2:
                    continue
                median = cif_median(sub["months"], sub["cause"])
                own = int((sub["launch_from"] == launch).sum())  # the rest fall back on another launch date
                estimates = cif_estimates(sub, horizons, "unit_id", n_resamples, seed, confidence)
                for label, est in estimates.items():
                    rows.append({"launch": launch, "success": success, "class": cls, "horizon": label,
                                 "months": horizons[label], **est, "median_months": median, "n_own_launch": own})
    return pd.DataFrame(rows)


def launch_class_table(grid: pd.DataFrame) -> pd.DataFrame:
    """The launch × class table for reading: one row per launch definition and class, one column per horizon
    ('value [ci_low–ci_high]' as percentages), the number of agreements and the median months counting failures."""
    rows = []
    for (launch, cls), sub in grid.groupby(["launch", "class"], sort=False):
        row = {"launch": launch.replace("_", " "), "class": CLASS_LABELS.get(cls, cls), "agreements": int(sub["n"].iloc[0]),
               "dated by this launch": int(sub["n_own_launch"].iloc[0])}
        for _, est in sub.iterrows():
            text = f"{est['value']:.0%} [{est['ci_low']:.0%}–{est['ci_high']:.0%}]"
            if abs(est["low_precision"] - est["high_precision"]) > 1e-9:
                text += f" (month dates: {est['low_precision']:.0%}–{est['high_precision']:.0%})"
            row[f"P(signed within {est['horizon']})"] = text
        median = sub["median_months"].iloc[0]
        row["median months (failures counted)"] = "never reaches 50%" if not np.isfinite(median) else f"{median:.1f}"
        rows.append(row)
    return pd.DataFrame(rows)


def convention_range(frame: pd.DataFrame, horizon: float) -> dict[str, float]:
    """P(success within ``horizon``) under each way of counting months a reader may assume, and their range.

    'exact days' (days / days-per-month where both dates are known to the day), 'calendar months' (Freund &
    McDaniel's whole calendar months, ``months_calendar``), and every month-only date at the day least / most
    favourable to an early success ('month-only dates, latest' / 'earliest'); 'low' and 'high' span them all.
    """
    def at(months) -> float:
        return cif_at(np.asarray(months, dtype=float), frame["cause"].to_numpy(int), horizon)

    out = {"exact days": at(frame["months"]), "calendar months": at(frame["months_calendar"]),
           "month-only dates, latest": at(frame["months_high"]), "month-only dates, earliest": at(frame["months_low"])}
    out["low"], out["high"] = min(out.values()), max(out.values())
    return out


def compare_groups(frames: dict[str, pd.DataFrame], horizon: float, against: dict[str, str], n_resamples: int, seed: int,
                   confidence: float = 0.95, permutations: int = 9999) -> pd.DataFrame:
    """P(success within ``horizon``) for each named survival frame (one unit per row), side by side, with the one
    interval rule, and a two-sided permutation p-value for each pair in ``against`` (group -> the group it is
    tested against). Columns: group, units, events, value, ci_low, ci_high, method, tested_against, p_value."""
    rows = []
    for label, frame in frames.items():
        est = cif_estimate(frame, horizon, "unit_id", n_resamples, seed, confidence)
        row = {"group": label, "units": est["n"], "events": est["events"], "value": est["value"],
               "ci_low": est["ci_low"], "ci_high": est["ci_high"], "method": est["method"],
               "tested_against": against.get(label), "p_value": np.nan}
        if label in against:
            other = frames[against[label]]
            pair = pd.concat([frame.assign(group=label), other.assign(group=against[label])], ignore_index=True)
            pair["unit_id"] = pair["group"] + " | " + pair["unit_id"].astype(str)
            row["p_value"] = permutation_test_cif(pair, "group", horizon, n_resamples=permutations, seed=seed)
        rows.append(row)
    return pd.DataFrame(rows)
