"""The agreement-level estimators, cross-checked against a second implementation (statsmodels), exact bounds,
the results contract, and the study constants living only in params.yaml."""

import re

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import CumIncidenceRight

from helpers import results, survival
from helpers.params import claim_horizon, horizons_months, load_params
from helpers.paths import ROOT


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aalen_johansen_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(1, 40, size=60).astype(float)  # ties on purpose
    c = rng.choice([0, 1, 2], size=60, p=[0.3, 0.5, 0.2])
    ref = CumIncidenceRight(t, c)
    for u in np.arange(0.5, 41, 0.5):  # the two step functions agree everywhere
        expected = ref.cinc[0][ref.times <= u][-1] if (ref.times <= u).any() else 0.0
        assert survival.cif_at(t, c, u) == pytest.approx(expected, abs=1e-12)


def test_cif_without_competing_events_is_one_minus_kaplan_meier():
    t = np.array([2, 3, 3, 5, 8, 9, 12.0])
    e = np.array([1, 0, 1, 1, 0, 1, 0])
    km = survival.kaplan_meier(t, e)
    assert survival.cif_at(t, e, 9) == pytest.approx(survival.event_probability_by(km, 9)[0])


def test_clopper_pearson_exact_bounds():
    assert survival.clopper_pearson(0, 50) == (0.0, pytest.approx(1 - 0.05 ** (1 / 50)))  # one-sided at 0 events
    low, high = survival.clopper_pearson(5, 20)
    assert low == pytest.approx(0.0866, abs=1e-3) and high == pytest.approx(0.4910, abs=1e-3)
    with pytest.raises(ValueError):
        survival.clopper_pearson(3, 2)


def frame(months, cause, cluster=None):
    n = len(months)
    return pd.DataFrame({"unit_id": cluster or [f"u{i}" for i in range(n)], "months": months, "cause": cause,
                         "months_low": months, "months_high": months})


def test_zero_events_get_an_exact_upper_bound_not_zero_width():
    est = survival.cif_estimate(frame([10.0] * 30, [1] * 30), 3, "unit_id", 200, 1)
    assert est["value"] == 0 and est["ci_high"] > 0.09 and est["method"].startswith("Clopper")


def test_cluster_bootstrap_is_wider_than_pretending_rows_are_independent():
    months = [5.0] * 10 + [30.0] * 10
    cause = [1] * 20
    clustered = frame(months, cause, cluster=["A"] * 10 + ["B"] * 10)
    lo_c, hi_c = survival.cluster_bootstrap(clustered, lambda f: survival.cif_at(f["months"], f["cause"], 18), "unit_id", 400, 1)
    lo_r, hi_r = survival.cluster_bootstrap(frame(months, cause), lambda f: survival.cif_at(f["months"], f["cause"], 18), "unit_id", 400, 1)
    assert hi_c - lo_c > hi_r - lo_r


def test_cox_that_cannot_converge_raises_a_clear_error():
    # a failed negotiation ending before the first signing, and a covariate that separates the events perfectly
    df = pd.DataFrame({"t": [1.0, 5, 6, 7, 8, 9], "e": [0, 1, 1, 1, 0, 0], "x": [0.0, 1, 1, 1, 0, 0]})
    with pytest.raises(ValueError, match="did not converge to finite estimates"):
        survival.cox_table(df, "t", "e", ["x"])


def test_results_contract_rejects_bad_rows():
    with pytest.raises(ValueError, match="lower_snake_case"):
        results.Result("Bad Key", 0.5, "fraction", "x")
    with pytest.raises(ValueError, match="outside its interval"):
        results.Result("k", 0.9, "fraction", "x", ci_low=0.1, ci_high=0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        results.Result("k", 1.5, "fraction", "x")


@pytest.mark.outputs
def test_published_results_hold_the_required_keys():
    table = results.load()
    hk = claim_horizon(load_params())[1]  # keys follow params.yaml ('18m' for an 18-month claim)
    required = ["share_signed_ever_agreements", "share_in_force_ever_agreements", "cif_signed_90d_agreements",
                f"cif_signed_{hk}_agreements", "cif_signed_5y_agreements", f"cif_signed_{hk}_fta_agreements",
                f"cif_signed_{hk}_limited_agreements", f"cif_signed_{hk}_agreements_launch_announced",
                f"cif_signed_{hk}_fta_agreements_launch_notified", f"cif_signed_{hk}_agreements_own_first_round",
                f"cif_signed_{hk}_agreements_launch_bounds_low", f"cif_signed_{hk}_agreements_launch_bounds_high",
                f"cif_signed_{hk}_agreements_range_low", f"cif_signed_{hk}_agreements_range_high",
                "median_months_to_signing_counting_failures_agreements",
                "mean_months_to_signing_fm_rebuilt", "mean_months_to_eif_fm_rebuilt", "deals_2025_share_binding_12m",
                "deals_2025_partners_in_cohort", "deals_2025_announced_by_day90", "deals_2025_announced_by_aug1"]
    assert not [k for k in required if k not in table.index]
    assert table.loc["cif_signed_90d_agreements", "ci_high"] > 0
    assert float(table.loc[f"cif_signed_{hk}_rows", "ci_high"]) - float(table.loc[f"cif_signed_{hk}_rows", "ci_low"]) > 0.2
    low, high = (float(table.loc[f"cif_signed_{hk}_agreements_range_{e}", "value"]) for e in ("low", "high"))
    assert low <= float(table.loc[f"cif_signed_{hk}_agreements", "value"]) <= high


def test_horizons_come_from_params():
    p = load_params()
    h = horizons_months(p)
    assert h[f"{p['claim_months_to_sign']} months"] == p["claim_months_to_sign"]
    assert h[f"{p['pledge_days']} days"] == pytest.approx(p["pledge_days"] / p["days_per_month"])


def test_no_study_constant_is_typed_in_code_cells_or_helpers():
    """The claim (18, 45), the pledge (90) and 30.4375 live in params.yaml; prose in markdown may mention them."""
    import json

    pattern = re.compile(r"(?<![\w.])(18|45|90|30\.4375)(?![\w.])")
    offenders = []
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text())["cells"]):
            if cell["cell_type"] != "code":
                continue
            for line in "".join(cell["source"]).splitlines():
                code = re.sub(r"(\"[^\"]*\"|'[^']*')", "", line.split("#")[0])  # strings and comments are prose
                if pattern.search(code):
                    offenders.append(f"{nb.name} cell {i}: {line.strip()}")
    for module in ("survival", "negotiations", "deals", "plotting", "results"):
        for line in (ROOT / "src" / "helpers" / f"{module}.py").read_text().splitlines():
            code = re.sub(r"(\"[^\"]*\"|'[^']*')", "", line.split("#")[0]).replace("rotation=90", "")
            if pattern.search(code):
                offenders.append(f"helpers/{module}.py: {line.strip()}")
    assert not offenders, "study constants typed outside params.yaml:\n" + "\n".join(offenders)


def test_vectorised_median_interval_matches_the_generic_bootstrap():
    rng = np.random.default_rng(3)
    months = rng.integers(1, 40, size=40).astype(float)
    frame = pd.DataFrame({"unit_id": [f"u{i}" for i in range(40)], "months": months,
                          "cause": rng.choice([0, 1, 2], size=40, p=[0.2, 0.6, 0.2])})
    slow = survival.cluster_bootstrap(frame, lambda f: survival.cif_median(f["months"], f["cause"]), "unit_id", 300, 7)
    assert survival.cif_median_interval(frame, "unit_id", 300, 7) == slow


def test_one_interval_rule_exact_where_events_are_few():
    # 3 of 26 signed by the horizon, none censored before it: the exact interval, never a lower bound of 0
    months = [5.0, 6.0, 7.0] + [30.0] * 23
    est = survival.cif_estimate(frame(months, [1, 1, 1] + [0] * 23), 12, "unit_id", 500, 1)
    lo, hi = survival.clopper_pearson(3, 26)
    assert est["ci_low"] == pytest.approx(lo) and est["ci_high"] == pytest.approx(hi) and est["ci_low"] > 0
    assert est["method"].startswith("Clopper-Pearson exact interval (3 of 26")
    # many events and non-events: the bootstrap
    many = survival.cif_estimate(frame([5.0] * 20 + [30.0] * 20, [1] * 20 + [0] * 20), 12, "unit_id", 500, 1)
    assert many["method"] == "bootstrap over units" and many["ci_low"] <= 0.5 <= many["ci_high"]


def test_interval_for_always_names_its_kind():
    assert survival.interval_for(0, 10, 0.0, 0.0, "boot")[2].startswith("Clopper-Pearson exact bound")
    assert survival.interval_for(30, 60, 0.4, 0.6, "boot") == (0.4, 0.6, "boot")


def test_convention_range_spans_calendar_and_exact_months():
    f = frame([18.2, 30.0, 10.0], [1, 1, 1]).assign(months_calendar=[18.0, 30.0, 10.0])
    r = survival.convention_range(f, 18)
    assert r["exact days"] == pytest.approx(1 / 3) and r["calendar months"] == pytest.approx(2 / 3)
    assert (r["low"], r["high"]) == (pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_compare_groups_reports_each_group_and_the_test():
    fast = frame([1.0] * 12 + [30.0] * 12, [1] * 12 + [0] * 12).assign(unit_id=[f"f{i}" for i in range(24)])
    slow = frame([30.0] * 24, [1] * 24).assign(unit_id=[f"s{i}" for i in range(24)])
    t = survival.compare_groups({"fast": fast, "slow": slow}, 12, {"fast": "slow"}, 200, 1, permutations=499).set_index("group")
    assert t.loc["fast", "value"] == pytest.approx(0.5) and t.loc["slow", "value"] == 0
    assert t.loc["fast", "p_value"] < 0.01 and np.isnan(t.loc["slow", "p_value"])
    assert t.loc["slow", "method"].startswith("Clopper-Pearson exact bound") and t.loc["fast", "units"] == 24


def test_a_median_never_reached_in_most_resamples_gives_an_infinite_bound_not_nan():
    f = frame([10.0, 20.0, 30.0] + [40.0] * 5, [1, 1, 1] + [0] * 5)
    lo, hi = survival.cif_median_interval(f, "unit_id", 300, 1)
    assert hi == float("inf") and np.isfinite(lo)
