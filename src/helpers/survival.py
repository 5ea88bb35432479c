"""Time to an event, one agreement at a time: the Aalen-Johansen cumulative incidence with competing outcomes, honest
intervals (one rule: exact where events are few, a bootstrap over agreements otherwise), permutation tests, and the grid
of launch × success × class. statsmodels' estimators, used as a second implementation and for the Cox appendix, are in
``helpers.survival_models`` (re-exported here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import horizon_key  # noqa: F401  (re-exported: result keys use it)
from .survival_models import (  # noqa: F401  (re-exported: notebooks and tests use them through survival)
    cox_table,
    cumulative_incidence,
    event_probability_by,
    incidence_by,
    incidence_ci_by,
    kaplan_meier,
    km_table,
    pointwise_ci,
)

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


def _cluster_codes(frame: pd.DataFrame, cluster: str) -> np.ndarray:
    """Codes 0..k-1 of the clusters of ``frame``, numbered by what each cluster holds, never by what it is called, so
    that a bootstrap draws the same units whatever their names (renaming an agreement moves no interval).

    A cluster's key is its rows' values in every column except names: ``cluster`` itself and any text column that
    names each cluster apart (unit_id, agreement). Clusters with equal keys hold the same data, so their order (by
    name, as a last resort) changes no statistic of it.
    """
    by_name = pd.factorize(frame[cluster], sort=True)[0]
    k = int(by_name.max()) + 1 if len(by_name) else 0

    def names_clusters(column: pd.Series) -> bool:
        text = column.dtype == object or pd.api.types.is_string_dtype(column)
        return text and column.nunique(dropna=False) == k and (
            pd.Series(column.to_numpy()).groupby(by_name).nunique(dropna=False) == 1).all()

    data = frame[[c for c in frame.columns if c != cluster and not names_clusters(frame[c])]]
    keys: list[list[tuple]] = [[] for _ in range(k)]
    for code, row in zip(by_name, data.itertuples(index=False, name=None)):
        keys[code].append(tuple(str(v) for v in row))
    order = sorted(range(k), key=lambda j: (sorted(keys[j]), j))
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(k)
    return rank[by_name]


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
    codes = _cluster_codes(frame, cluster)
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
    codes = _cluster_codes(frame, cluster)
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
    codes = _cluster_codes(frame, cluster)
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
    rows = frame.reset_index(drop=True)
    frame = rows.iloc[np.argsort(_cluster_codes(rows.assign(__row__=np.arange(len(rows))), "__row__"), kind="stable")]
    labels = frame[group].to_numpy()  # shuffled over units in the order of their data, never of their names
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
