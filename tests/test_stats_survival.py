import numpy as np
import pytest

from helpers import stats, survival


def test_summarise_known_values():
    s = stats.summarise([10, 20, 30, 40], claim=18)
    assert s["n"] == 4 and s["mean"] == 25 and s["median"] == 25
    assert s["mean_ci_low"] < 25 < s["mean_ci_high"]
    assert s["t_pvalue"] > 0.05  # four values cannot reject 18
    assert "t_pvalue" not in stats.summarise([10, 20, 30, 40])  # no claim, no test


def test_bootstrap_is_reproducible_and_needs_two_values():
    assert stats.bootstrap_ci([1, 5, 9, 13]) == stats.bootstrap_ci([1, 5, 9, 13])
    with pytest.raises(ValueError, match="at least two"):
        stats.bootstrap_ci([3.0, float("nan")])


def test_kaplan_meier_by_hand():
    sf = survival.kaplan_meier([1, 2, 3], [1, 0, 1])
    table = survival.km_table(sf)
    assert list(table["survival"].round(4)) == [1.0, 0.6667, 0.0]
    p, low, high = survival.event_probability_by(sf, 2.5)
    assert p == pytest.approx(1 / 3) and low <= p <= high
    assert survival.event_probability_by(sf, 0.5)[0] == 0


@pytest.mark.parametrize("time,event,msg", [
    ([1, 2], [1], "values"), ([], [], "no observations"), ([-1, 2], [1, 1], "negative"),
    ([1, np.nan], [1, 0], "missing"), ([1, 2], [1, 2], "0 \\(censored\\) or 1"),
])
def test_kaplan_meier_bad_input(time, event, msg):
    with pytest.raises(ValueError, match=msg):
        survival.kaplan_meier(time, event)


def test_cumulative_incidence_competing_causes():
    table = survival.cumulative_incidence([1, 2, 3, 4], [1, 2, 1, 0], {1: "signed", 2: "abandoned"})
    assert survival.incidence_by(table, "signed", 10) == pytest.approx(0.5)
    assert survival.incidence_by(table, "abandoned", 10) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="no name"):
        survival.cumulative_incidence([1, 2], [1, 2], {1: "signed"})


def test_cox_recovers_a_strong_effect_and_refuses_too_few_events():
    import pandas as pd

    rng = np.random.default_rng(1)
    x = np.r_[np.zeros(40), np.ones(40)]
    time = rng.exponential(np.where(x == 1, 1.0, 4.0))  # x = 1: four times the hazard
    df = pd.DataFrame({"t": time, "e": 1, "x": x})
    table, info = survival.cox_table(df, "t", "e", ["x"])
    assert info == {"n": 80, "events": 80}
    assert 2 < table.loc[0, "hazard_ratio"] < 8 and table.loc[0, "p_value"] < 0.01
    assert table.loc[0, "ci_low"] < table.loc[0, "hazard_ratio"] < table.loc[0, "ci_high"]
    with pytest.raises(ValueError, match="too few events"):
        survival.cox_table(df.assign(e=0), "t", "e", ["x"])


def test_incidence_interval_contains_the_estimate():
    table = survival.cumulative_incidence([1, 2, 3, 4, 5, 6], [1, 2, 1, 0, 1, 0], {1: "signed", 2: "abandoned"})
    inc, low, high = survival.incidence_ci_by(table, "signed", 10)
    assert 0 <= low < inc < high <= 1
    with pytest.raises(ValueError, match="no cause"):
        survival.incidence_ci_by(table, "withdrawn", 10)


def test_weights_count_each_group_once():
    # Three rows of one agreement signed at 10 and one other agreement still open at 20.
    time, event = [10, 10, 10, 20], [1, 1, 1, 0]
    by_row = survival.kaplan_meier(time, event)
    by_group = survival.kaplan_meier(time, event, weights=[1 / 3, 1 / 3, 1 / 3, 1])
    assert survival.event_probability_by(by_row, 15)[0] == pytest.approx(0.75)
    assert survival.event_probability_by(by_group, 15)[0] == pytest.approx(0.5)
    cif = survival.cumulative_incidence(time, event, {1: "signed"}, weights=[1 / 3, 1 / 3, 1 / 3, 1])
    assert survival.incidence_by(cif, "signed", 15) == pytest.approx(0.5)


def test_cox_cluster_robust_errors_are_reported():
    import pandas as pd

    rng = np.random.default_rng(2)
    x = np.r_[np.zeros(30), np.ones(30)]
    df = pd.DataFrame({"t": rng.exponential(np.where(x == 1, 1.0, 3.0)), "e": 1, "x": x, "g": np.arange(60) // 3})
    plain, _ = survival.cox_table(df, "t", "e", ["x"])
    robust, info = survival.cox_table(df, "t", "e", ["x"], cluster="g")
    assert info["clusters"] == 20
    assert robust.loc[0, "hazard_ratio"] == pytest.approx(plain.loc[0, "hazard_ratio"])
    assert robust.loc[0, "ci_low"] != pytest.approx(plain.loc[0, "ci_low"])
