"""Agreement-level units and the survival frame: one unit per agreement, competing outcomes, censoring at the last
verified status, month-only dates as ranges; and the estimators' edge cases."""

import numpy as np
import pandas as pd
import pytest

from helpers import negotiations, survival


def rows():
    base = {"n_parties": 3, "announced": None, "notified_congress": None, "concluded": None, "entered_into_force": None,
            "ended": None, "status_verified": None}
    return pd.DataFrame([
        {**base, "negotiation_id": "a-1", "agreement": "A", "partner": "P1", "track": "congressional_fta",
         "first_round": "2000-01-10", "signed": "2001-01-10", "entered_into_force": "2002-01-10", "status": "in_force"},
        {**base, "negotiation_id": "a-2", "agreement": "A", "partner": "P2", "track": "congressional_fta",
         "first_round": "2000-03-01", "signed": "2001-02-01", "status": "in_force", "entered_into_force": "2002-02-01"},
        {**base, "negotiation_id": "a-3", "agreement": "A", "partner": "P3", "track": "accession",
         "first_round": "2000-09-01", "signed": "2001-06-01", "status": "in_force", "entered_into_force": "2002-06-01"},
        {**base, "negotiation_id": "b", "agreement": "B", "partner": "P4", "track": "executive_agreement",
         "announced": "2010-05", "first_round": None, "signed": None, "ended": "2011-05-15", "status": "abandoned"},
        {**base, "negotiation_id": "c", "agreement": "C", "partner": "P5", "track": "congressional_fta",
         "first_round": "2020-01-01", "signed": None, "status": "ongoing", "status_verified": "2021-01-01"},
        {**base, "negotiation_id": "d", "agreement": "D", "partner": "P6", "track": "executive_agreement",
         "first_round": "2015-01-01", "signed": None, "status": "in_force", "status_verified": "2019-01-01"},
    ])


def test_agreement_units_count_each_agreement_once_and_keep_accessions_apart():
    units = negotiations.agreement_units(rows()).set_index("unit_id")
    assert list(units.index) == ["A", "B", "C", "D", "a-3"]
    assert units.loc["A", "first_round"] == "2000-01-10" and units.loc["A", "signed"] == "2001-01-10"  # earliest
    assert units.loc["A", "n_rows"] == 2 and units.loc["a-3", "track"] == "accession"


def test_agreement_units_refuse_mixed_tracks():
    bad = rows()
    bad.loc[1, "track"] = "executive_agreement"
    with pytest.raises(ValueError, match="different tracks"):
        negotiations.agreement_units(bad)


def test_survival_frame_outcomes_censoring_and_fallback():
    units = negotiations.agreement_units(rows())
    f = negotiations.survival_frame(units, "first_round", "signed", "2026-11-27", 30.4375).set_index("unit_id")
    assert f.loc["A", "cause"] == 1 and f.loc["A", "months"] == pytest.approx(366 / 30.4375)
    assert f.loc["B", "cause"] == 2 and f.loc["B", "launch_from"] == "announced"  # no round: the announcement
    assert f.loc["B", "months_low"] < f.loc["B", "months_high"]  # a month-only launch is a range
    assert f.loc["C", "cause"] == 0 and f.loc["C", "stop"] == "2021-01-01"  # censored where last verified
    dropped = dict(negotiations.survival_frame(units, "first_round", "signed", "2026-11-27", 30.4375).attrs["dropped"])
    assert "D" not in f.index and "no signed date" in dropped["D"]  # in force, signing undated: left out, not censored


def test_survival_frame_leaves_out_launches_after_as_of():
    units = negotiations.agreement_units(rows())
    f = negotiations.survival_frame(units, "first_round", "signed", "2012-01-01", 30.4375)
    assert "C" not in set(f["unit_id"]) and "D" not in set(f["unit_id"])


def test_cif_median_and_the_all_success_exact_bound():
    t = np.array([1.0, 2, 3, 4])
    assert survival.cif_median(t, np.ones(4)) == 2.0
    assert survival.cif_median(t, np.array([1, 2, 2, 2])) == float("inf")  # never reaches half
    frame = pd.DataFrame({"unit_id": list("abcd"), "months": t, "cause": 1, "months_low": t, "months_high": t})
    est = survival.cif_estimate(frame, 10, "unit_id", 100, 1)
    assert est["value"] == 1.0 and est["ci_high"] == 1.0 and est["ci_low"] == pytest.approx(0.05 ** 0.25)


def test_few_events_widen_the_bootstrap_to_the_exact_interval():
    months = np.r_[np.full(3, 2.0), np.full(40, 30.0)]
    frame = pd.DataFrame({"unit_id": [f"u{i}" for i in range(43)], "months": months, "cause": 1,
                          "months_low": months, "months_high": months})
    est = survival.cif_estimate(frame, 12, "unit_id", 300, 1)
    low, high = survival.clopper_pearson(3, 43)
    assert est["ci_low"] <= low and est["ci_high"] >= high and "Clopper-Pearson" in est["method"]


def test_permutation_test_finds_a_real_difference_and_not_a_null_one():
    fast = pd.DataFrame({"months": np.full(15, 3.0), "cause": 1, "track": "x"})
    slow = pd.DataFrame({"months": np.full(15, 40.0), "cause": 1, "track": "y"})
    assert survival.permutation_test_cif(pd.concat([fast, slow]), "track", 12, 999, 1) < 0.01
    same = pd.concat([fast, fast.assign(track="y")])
    assert survival.permutation_test_cif(same, "track", 12, 999, 1) == 1.0
