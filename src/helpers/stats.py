"""Averages with honest uncertainty: mean, median, bootstrap intervals and one-sample tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

SEED = 20160701  # fixed so bootstrap intervals are reproducible


def _numbers(values) -> pd.Series:
    """``values`` as floats with NaN (missing) dropped; ``ValueError`` for text or an infinite value."""
    try:
        x = pd.Series(values, dtype=float).dropna()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be numbers ({exc})") from None
    if not np.isfinite(x).all():
        raise ValueError(f"values must be finite, got {x[~np.isfinite(x)].iloc[0]} (NaN is dropped as missing)")
    return x


def bootstrap_ci(values, statistic=np.mean, confidence: float = 0.95, n_resamples: int = 9999,
                 seed: int = SEED) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of ``statistic`` over ``values`` (NaN dropped).

    Raises ``ValueError`` with fewer than two values, or for text or infinite values.
    """
    x = np.asarray(_numbers(values))
    if len(x) < 2:
        raise ValueError(f"need at least two values for a bootstrap interval, got {len(x)}")
    res = sps.bootstrap((x,), statistic, confidence_level=confidence, n_resamples=n_resamples,
                        method="percentile", rng=np.random.default_rng(seed))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def summarise(values, claim: float | None = None, seed: int = SEED) -> dict:
    """n, mean, median, bootstrap 95% CIs of mean and median, and (given ``claim``) tests against it.

    The tests are a one-sample t-test of the mean against the claim and a Wilcoxon signed-rank test of the
    differences from the claim (symmetric about zero under the null; a test of location, not strictly of the median).
    Raises ``ValueError`` as ``bootstrap_ci`` does, and for a claim that is not a finite number.
    """
    x = _numbers(values)
    if claim is not None and not np.isfinite(float(claim)):
        raise ValueError(f"the claim must be a finite number, got {claim}")
    out = {"n": int(len(x)), "mean": float(x.mean()), "median": float(x.median())}
    out["mean_ci_low"], out["mean_ci_high"] = bootstrap_ci(x, np.mean, seed=seed)
    out["median_ci_low"], out["median_ci_high"] = bootstrap_ci(x, np.median, seed=seed)
    if claim is not None:
        out["claim"] = float(claim)
        out["t_stat"], out["t_pvalue"] = (float(v) for v in sps.ttest_1samp(x, claim))
        diffs = x - claim
        diffs = diffs[diffs != 0]
        out["wilcoxon_pvalue"] = float(sps.wilcoxon(diffs).pvalue) if len(diffs) else float("nan")
    return out


def summary_table(groups: dict[str, pd.Series], claim: float | None = None) -> pd.DataFrame:
    """``summarise`` each named series into one tidy table (one row per name, in the given order)."""
    rows = [{"sample": name, **summarise(values, claim)} for name, values in groups.items()]
    return pd.DataFrame(rows)


def holm(pvalues: dict[str, float]) -> dict[str, float]:
    """Holm–Bonferroni adjusted p-values for a family of tests (name -> p), in the same order.

    Controls the chance of any false positive among the tests the prose reports, without assuming independence.
    """
    from statsmodels.stats.multitest import multipletests

    if not pvalues:
        return {}
    names = list(pvalues)
    raw = np.array([float(pvalues[n]) for n in names])
    if np.isnan(raw).any() or (raw < 0).any() or (raw > 1).any():
        raise ValueError(f"p-values must lie in [0, 1], got {dict(zip(names, raw))}")
    adjusted = multipletests(raw, method="holm")[1]
    return {n: float(a) for n, a in zip(names, adjusted)}


def poisson_binomial_sf(k: int, probabilities) -> float:
    """Exact P(X >= k) for X the number of successes among independent trials with the given probabilities.

    The exact test of "more events than chance would give" when each unit has its own chance (e.g. each signing's
    chance of falling just before a deadline under evenly spread timing).
    """
    p = np.asarray(probabilities, dtype=float)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("probabilities must lie in [0, 1]")
    dist = np.zeros(len(p) + 1)
    dist[0] = 1.0
    for q in p:  # convolve one Bernoulli at a time
        dist[1:] = dist[1:] * (1 - q) + dist[:-1] * q
        dist[0] *= 1 - q
    return float(min(1.0, dist[max(int(k), 0):].sum()))
