"""helpers.stats: bootstrap intervals and one-sample tests, with known answers and bad input."""

import numpy as np
import pandas as pd
import pytest

from helpers import stats


def test_a_constant_sample_has_a_zero_width_interval():
    assert stats.bootstrap_ci([7.0] * 10) == (7.0, 7.0)
    assert stats.bootstrap_ci([7.0] * 10, np.median) == (7.0, 7.0)


def test_intervals_nest_by_confidence_and_contain_the_estimate():
    x = np.random.default_rng(3).normal(20, 5, size=60)
    narrow, wide = stats.bootstrap_ci(x, confidence=0.8), stats.bootstrap_ci(x, confidence=0.99)
    assert wide[0] < narrow[0] < x.mean() < narrow[1] < wide[1]
    assert narrow[1] - narrow[0] == pytest.approx(2 * 1.2816 * x.std(ddof=1) / np.sqrt(60), rel=0.15)  # ~ normal theory


def test_missing_values_are_dropped_and_the_seed_fixes_the_draws():
    assert stats.bootstrap_ci([1, 5, np.nan, 9, 13]) == stats.bootstrap_ci([1, 5, 9, 13])
    x = np.random.default_rng(4).exponential(10, size=25)
    assert stats.bootstrap_ci(x, seed=1) == stats.bootstrap_ci(x, seed=1) != stats.bootstrap_ci(x, seed=2)


def test_summarise_rejects_a_claim_far_from_the_data():
    s = stats.summarise(range(30, 41), claim=18)
    assert s["n"] == 11 and s["mean"] == 35 and s["median"] == 35
    assert s["t_pvalue"] < 1e-6 and s["wilcoxon_pvalue"] < 0.01
    assert s["median_ci_low"] <= 35 <= s["median_ci_high"]


def test_summarise_without_differences_from_the_claim_has_no_wilcoxon_p():
    assert not np.isnan(stats.summarise([18, 18, 18, 20, 16], claim=18)["wilcoxon_pvalue"])  # two differences left
    assert np.isnan(stats.summarise([18.0, 18.0], claim=18)["wilcoxon_pvalue"])


def test_summary_table_keeps_the_order_of_the_groups():
    table = stats.summary_table({"b": pd.Series([1, 2, 3]), "a": pd.Series([4, 5, 6])}, claim=2)
    assert list(table["sample"]) == ["b", "a"] and list(table["mean"]) == [2, 5]
    assert {"mean_ci_low", "median_ci_high", "t_pvalue", "claim"} <= set(table.columns)


@pytest.mark.parametrize("values,message", [
    ([1.0, np.inf, 3.0], r"values must be finite, got inf"),
    ([1.0, -np.inf], r"values must be finite, got -inf"),
    (["12", "about 18"], r"values must be numbers"),
    ([], r"need at least two values"),
    ([3.0, np.nan], r"need at least two values .* got 1"),
])
def test_bad_values_are_a_clear_error(values, message):
    with pytest.raises(ValueError, match=message):
        stats.bootstrap_ci(values)
    with pytest.raises(ValueError, match=message):
        stats.summarise(values, claim=18)


def test_an_infinite_claim_is_an_error():
    with pytest.raises(ValueError, match="the claim must be a finite number, got inf"):
        stats.summarise([1, 2, 3], claim=float("inf"))
