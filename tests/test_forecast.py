"""The clock now (helpers.forecast): conditional incidence against two other implementations, the era test, the sample
ladder, the 2025-26 pace model, the landmark backtest on a hand-checkable fixture, and the published tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import forecast, survival
from helpers.forecast import cohort_pace
from helpers.io import input_path
from helpers.paths import TABLES

# --- conditional incidence -----------------------------------------------------------------------------------

SMALL = pd.DataFrame({"months": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "cause": [1, 2, 0, 1, 1, 0]})


def test_conditional_incidence_by_hand():
    # Still open after 2 months: units at 3 (censored), 4 and 5 (signed), 6 (censored). At 4 three are at risk (1/3 sign),
    # at 5 two are (half of the remaining 2/3): 1/3 + 1/3 = 2/3 by month 5.
    assert forecast.conditional_incidence(SMALL["months"], SMALL["cause"], 2, 3) == pytest.approx(2 / 3)
    assert forecast.landmark_counts(SMALL["months"], SMALL["cause"], 2, 3) == {"at_risk": 4, "events": 2, "known": 3}
    # By month 4 only the first signing: 1/3.
    assert forecast.conditional_incidence(SMALL["months"], SMALL["cause"], 2, 2) == pytest.approx(1 / 3)


def test_conditional_incidence_is_nan_when_nobody_is_still_followed():
    assert math.isnan(forecast.conditional_incidence(SMALL["months"], SMALL["cause"], 6, 12))
    est = forecast.conditional_estimates(SMALL, 6, {"12": 12.0}, n_resamples=50, seed=1)["12"]
    assert math.isnan(est["value"]) and "not estimable" in est["method"]


def _random_frame(seed: int, n: int = 60, ties: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = rng.exponential(20, n)
    if ties:
        months = np.round(months)
    return pd.DataFrame({"months": months, "cause": rng.choice([0, 1, 2], size=n, p=[0.3, 0.5, 0.2])})


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("t,h", [(0.0, 12.0), (6.0, 6.0), (12.0, 12.0), (18.0, 3.0)])
def test_conditional_incidence_equals_the_landmark_estimate_of_statsmodels(seed, t, h):
    """(F1(t+h) - F1(t)) / S(t) on all units = the Aalen-Johansen incidence by h of the units still open after t,
    restarted at t, computed by statsmodels' CumIncidenceRight (ties included)."""
    frame = _random_frame(seed)
    ours = forecast.conditional_incidence(frame["months"], frame["cause"], t, h)
    landmark = frame[frame["months"] > t]
    table = survival.cumulative_incidence(landmark["months"] - t, landmark["cause"], {1: "signed", 2: "ended"})
    assert ours == pytest.approx(survival.incidence_by(table, "signed", h), abs=1e-12)


def _lifelines_cif(frame: pd.DataFrame, cause: int):
    """lifelines' Aalen-Johansen cumulative incidence of ``cause`` as a step function of time."""
    from lifelines import AalenJohansenFitter

    ajf = AalenJohansenFitter(calculate_variance=False)
    ajf.fit(frame["months"], frame["cause"], event_of_interest=cause)
    cif = ajf.cumulative_density_.iloc[:, 0]
    return lambda x: float(cif[cif.index <= x].iloc[-1]) if (cif.index <= x).any() else 0.0


@pytest.mark.parametrize("seed", [4, 5])
def test_conditional_incidence_against_lifelines(seed):
    """A second library: lifelines' AalenJohansenFitter on continuous times (no ties, so it does not jitter)."""
    frame = _random_frame(seed, n=80, ties=False)
    signed, ended = _lifelines_cif(frame, 1), _lifelines_cif(frame, 2)
    for t, h in ((0.0, 12.0), (10.0, 6.0), (15.0, 12.0)):
        expected = (signed(t + h) - signed(t)) / (1 - signed(t) - ended(t))
        assert forecast.conditional_incidence(frame["months"], frame["cause"], t, h) == pytest.approx(expected, abs=1e-9)


def test_conditional_estimates_follow_the_interval_rule():
    few = forecast.conditional_estimates(SMALL, 2, {"3": 3.0}, n_resamples=200, seed=1)["3"]
    assert few["method"].startswith("Clopper-Pearson") and few["ci_low"] <= few["value"] <= few["ci_high"]
    lo, hi = survival.clopper_pearson(2, 3)
    assert (few["ci_low"], few["ci_high"]) == pytest.approx((lo, hi))
    many = pd.DataFrame({"months": np.r_[np.arange(1, 41) * 0.5 + 5, np.full(30, 40.0)], "cause": np.r_[np.ones(40, int), np.zeros(30, int)]})
    est = forecast.conditional_estimates(many, 1, {"24": 24.0}, n_resamples=300, seed=2)["24"]
    assert est["method"] == "bootstrap over the units still open" and est["events"] == 40
    assert est["ci_low"] < est["value"] < est["ci_high"]
    again = forecast.conditional_estimates(many, 1, {"24": 24.0}, n_resamples=300, seed=2)["24"]
    assert again == est  # seeded: the same interval every run


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="months has 2 values but cause has 3"):
        forecast.conditional_incidence([1, 2], [1, 0, 1], 0, 1)
    with pytest.raises(ValueError, match="missing"):
        forecast.conditional_incidence([1, np.nan], [1, 0], 0, 1)
    with pytest.raises(ValueError, match="negative"):
        forecast.conditional_incidence([1, 2], [1, 0], 0, -1)


# --- history's clock: era and sample --------------------------------------------------------------------------

def _history(fast_recent: bool) -> pd.DataFrame:
    """60 agreements launched 1960-2019 with random durations; with ``fast_recent`` the twelve launched since 2008 end
    (sign or fail) about four times as fast as the others, otherwise every era alike."""
    rng = np.random.default_rng(7)
    years = np.arange(1960, 2020)
    scale = np.where((years >= 2008) & fast_recent, 6.0, 24.0)
    months = np.round(rng.exponential(scale) + 1, 1)
    return pd.DataFrame({"unit_id": [f"u{i}" for i in range(60)], "launch": [f"{y}-01-15" for y in years],
                         "track": np.where(np.arange(60) % 2, "congressional_fta", "executive_agreement"),
                         "months": months, "cause": np.where(rng.random(60) < 0.7, 1, 2)})


def test_era_test_finds_a_break_and_not_where_there_is_none():
    found = forecast.era_tests(_history(True), 2008, 12, n_resamples=999, seed=1)
    assert found["p_any"] < 0.05 and found["era_hazard_ratio"] > 1 and found["choice"] == "era"
    assert found["era_aic"] < found["null_aic"]
    none = forecast.era_tests(_history(False), 2008, 12, n_resamples=999, seed=1)
    assert none["p_any"] > 0.1 and none["choice"] == "one regime"


def test_history_sample_ladder():
    # Four executive agreements since 2015 (two open after 2 months), four other agreements since 2015, ten older ones.
    rows = [("executive_agreement", 2016, 1.0), ("executive_agreement", 2017, 1.5), ("executive_agreement", 2018, 4.0),
            ("executive_agreement", 2019, 6.0), *[("congressional_fta", 2016 + k, 5.0) for k in range(4)],
            *[("executive_agreement" if k % 2 else "congressional_fta", 1990 + k, 30.0) for k in range(10)]]
    f = forecast.with_launch_year(pd.DataFrame([{"unit_id": f"u{i}", "track": t, "launch": f"{y}-01-01", "months": m, "cause": 1}
                                                for i, (t, y, m) in enumerate(rows)]))
    sample, label = forecast.history_sample(f, 2, "executive_agreement", 2020, 2015, min_at_risk=2)
    assert label == "executive / limited launched since 2015" and len(sample) == 4
    sample, label = forecast.history_sample(f, 2, "executive_agreement", 2020, 2015, min_at_risk=5)
    assert label == "all agreements launched since 2015" and len(sample) == 8
    sample, label = forecast.history_sample(f, 10, "executive_agreement", 2020, 2015, min_at_risk=5)
    assert label == "executive / limited, all eras" and len(sample) == 9  # nothing recent is still open at 10 months
    sample, label = forecast.history_sample(f, 10, "executive_agreement", 1995, 2015, min_at_risk=6)
    assert label == "all agreements, all eras"  # launched before the era: no era sample; 5 executive open, 10 in all
    sample, label = forecast.history_sample(f, 10, "executive_agreement", 2020, None, min_at_risk=11)
    assert sample is None and label.startswith("no forecast")


# --- the 2025-26 pace --------------------------------------------------------------------------------------------

def test_expm_batch_matches_scipy():
    from scipy.linalg import expm

    rng = np.random.default_rng(3)
    q = np.zeros((50, 5, 5))
    for i in range(3):
        q[:, i, i + 1:] = rng.random((50, 4 - i)) * 0.3
        q[:, i, i] = -q[:, i].sum(axis=1)
    for h in (1.0, 12.0, 60.0):
        ours = forecast.expm_batch(q * h)
        assert np.abs(ours - np.stack([expm(m * h) for m in q])).max() < 1e-10


def _paths() -> pd.DataFrame:
    day = pd.Timestamp
    return pd.DataFrame([
        # A: talks from 2025-01-01, written text 2025-07-01, binding 2026-01-01.
        {"partner": "A", "date": day("2025-01-01"), "to_state": 1, "stop": day("2026-01-01")},
        {"partner": "A", "date": day("2025-07-01"), "to_state": 2, "stop": day("2026-01-01")},
        {"partner": "A", "date": day("2026-01-01"), "to_state": forecast.BINDING, "stop": day("2026-01-01")},
        # B: talks from 2025-01-01, still talking on 2027-01-01.
        {"partner": "B", "date": day("2025-01-01"), "to_state": 1, "stop": day("2027-01-01")},
    ])


def test_pace_counts_and_rates_by_hand():
    partners, exposure, moves = forecast.pace_counts(_paths(), "2025-01-01", "2027-01-01", days_per_month=30.4375)
    assert partners == ["A", "B"]
    assert exposure[0, 1] == pytest.approx(181 / 30.4375) and exposure[0, 2] == pytest.approx(184 / 30.4375)
    assert exposure[1, 1] == pytest.approx(730 / 30.4375) and exposure[:, 0].sum() == 0
    assert moves[0, 1, 2] == 1 and moves[0, 2, forecast.BINDING] == 1 and moves.sum() == 2
    # A window that starts after A's text: only its time in 'written text' counts, and only its binding move.
    _, exposure, moves = forecast.pace_counts(_paths(), "2025-10-01", "2027-01-01", days_per_month=30.4375)
    assert exposure[0, 2] == pytest.approx(92 / 30.4375) and moves[0, 1, 2] == 0 and moves[0, 2, forecast.BINDING] == 1


def test_pace_probability_one_step_is_exponential():
    q = np.zeros((5, 5))
    q[2, forecast.BINDING], q[2, 2] = 0.05, -0.05
    assert forecast.pace_probability(q, 12)[2] == pytest.approx(1 - math.exp(-0.6))
    # Two steps (talks -> text at rate a, text -> binding at rate b): 1 - (b e^{-a h} - a e^{-b h}) / (b - a).
    a, b = 0.1, 0.05
    q[1, 2], q[1, 1] = a, -a
    expected = 1 - (b * math.exp(-a * 12) - a * math.exp(-b * 12)) / (b - a)
    assert forecast.pace_probability(q, 12)[1] == pytest.approx(expected)


def test_garwood_exact_bounds():
    assert cohort_pace._garwood(0, 10, 0.95) == pytest.approx((0.0, -math.log(0.05) / 10))
    low, high = cohort_pace._garwood(5, 100, 0.95)
    assert low == pytest.approx(1.6235 / 100, abs=1e-4) and high == pytest.approx(11.6683 / 100, abs=1e-4)


def test_pace_estimates_contain_the_point_and_use_exact_bounds_when_few():
    est = forecast.pace_estimates(_paths(), "2025-01-01", "2027-01-01", {"12": 12.0}, 30.4375, n_resamples=200, seed=1)
    written = est.set_index("state").loc["written text"]
    assert written["method"].startswith("exact Poisson") and written["ci_low"] <= written["value"] <= written["ci_high"]
    assert written["binding_events"] == 1
    rate = 1 / (184 / 30.4375)
    assert written["value"] == pytest.approx(1 - math.exp(-rate * 12))
    assert math.isnan(est.set_index("state").loc["no documented talks", "value"])  # nobody was in that stage


def test_stage_paths_from_a_cohort_frame():
    frame = pd.DataFrame([{"unit_id": "A", "stop": "2026-01-01", "months": 12.0, "cause": 1},
                          {"unit_id": "B", "stop": "2026-03-01", "months": 12.0, "cause": 0}])
    stages = pd.DataFrame({"partner": ["A", "B"], "announced": pd.to_datetime(["2025-03-01", "2025-06-01"]),
                           "framework_or_statement": pd.to_datetime(["2026-01-01", "2025-09-01"]),
                           "binding_agreement": pd.to_datetime(["2026-01-01", None])})
    paths = forecast.stage_paths(frame, stages, pd.Series({"A": True, "B": False}), 30.4375)
    a, b = paths[paths["partner"] == "A"], paths[paths["partner"] == "B"]
    assert a["to_state"].tolist() == [1, forecast.BINDING]  # text the same day as the agreement: a direct move
    assert b["to_state"].tolist() == [0, 1, 2]
    assert forecast.current_state(paths) == {"A": "talks or announcement", "B": "written text"}


# --- the landmark backtest on a hand-checkable fixture ---------------------------------------------------------

DPM = 30.4375


def _unit(i: int, year: int, months_to_sign: float | None, track: str = "congressional_fta", ended_after: float | None = None) -> dict:
    start = pd.Timestamp(f"{year}-01-01")
    after = lambda m: (start + pd.Timedelta(days=round(m * DPM))).strftime("%Y-%m-%d")  # noqa: E731
    return {"unit_id": f"u{i}", "agreement": f"u{i}", "track": track, "announced": None, "notified_congress": None,
            "first_round": start.strftime("%Y-%m-%d"), "concluded": None,
            "signed": after(months_to_sign) if months_to_sign is not None else None, "entered_into_force": None,
            "ended": after(ended_after) if ended_after is not None else None, "status_verified": None,
            "status": "signed_not_in_force" if months_to_sign is not None else ("abandoned" if ended_after is not None else "ongoing")}


UNITS = pd.DataFrame([_unit(0, 2000, 3), _unit(1, 2001, 10), _unit(2, 2002, 14), _unit(3, 2003, 20),
                      _unit(4, 2004, None, ended_after=9), _unit(5, 2005, 30)])


def test_backtest_leave_one_out_by_hand():
    cases = forecast.backtest(UNITS, "first_round", "2010-01-01", DPM, [6], {"12": 12.0}, None, 1, "leave one out")
    # Open after 6 months: u1 (10), u2 (14), u3 (20), u4 (ended at 9), u5 (30). u0 signed at 3: never open at 6.
    assert sorted(cases["unit_id"]) == ["u1", "u2", "u3", "u4", "u5"]
    got = cases.set_index("unit_id")
    # u1: the others open after 6 are u2, u3, u4, u5; within (6, 18] u2 signs, u4 ends (competing): AJ = 1/4.
    assert got.loc["u1", "predicted"] == pytest.approx(1 / 4) and got.loc["u1", "outcome"] == 1
    # u3: others u1, u2 sign within (6, 18], u4 ends: 2/4; u3 itself signed at 20 > 18: outcome 0.
    assert got.loc["u3", "predicted"] == pytest.approx(2 / 4) and got.loc["u3", "outcome"] == 0
    # u4 ended unsigned at 9: outcome 0; the others open after 6 are u1, u2, u3, u5: u1, u2 sign within 18: 2/4.
    assert got.loc["u4", "predicted"] == pytest.approx(2 / 4) and got.loc["u4", "outcome"] == 0
    # The base rate pools the training units open at the landmark: for u1, 1 of the 4 known signs within 12 more months.
    assert got.loc["u1", "base_rate"] == pytest.approx(1 / 4)


def test_backtest_rolling_origin_uses_only_what_was_known():
    cases = forecast.backtest(UNITS, "first_round", "2010-01-01", DPM, [6], {"12": 12.0}, None, 1, "rolling origin")
    got = cases.set_index("unit_id")
    # u3 (launched 2003), forecast on 2003-07-01 from u0-u2 as known then: all three signed by then (3, 10, 14 months
    # after 2000-2002) and u1, u2 were open at 6 months and signed within 18: prediction 2/2 = 1.
    assert got.loc["u3", "predicted"] == pytest.approx(1.0)
    # u1 (2001), forecast on 2001-07-01 from u0 only: u0 signed at 3 months, nobody was open at 6: no forecast.
    assert "u1" not in got.index
    # u2 (2002), forecast on 2002-07-01: u1 (launched 2001-01-01) signed 2001-11 (10 months): 1 of 1 open at 6 signed.
    assert got.loc["u2", "predicted"] == pytest.approx(1.0) and got.loc["u2", "outcome"] == 1
    # u5 (2005), forecast on 2005-07-01: u4 (2004) ended at 9 months (2004-10): among u1-u4 open at 6, u1, u2 signed
    # within 18, u3 at 20, u4 ended at 9: 2/4.
    assert got.loc["u5", "predicted"] == pytest.approx(2 / 4) and got.loc["u5", "outcome"] == 0


def test_censoring_at_the_forecast_date_hides_later_outcomes():
    # A unit launched 2004 whose training unit u3 (2003) signs at 20 months (2004-09): a forecast dated 2004-07-02 must not
    # know it.
    units = pd.DataFrame([_unit(1, 2001, 10), _unit(3, 2003, 20), _unit(7, 2004, 8)])
    rolling = forecast.backtest(units, "first_round", "2010-01-01", DPM, [6], {"24": 24.0}, None, 1, "rolling origin")
    # As known on 2004-07-02: u1 signed at 10 months, u3 still open (censored at 18): 1/2 by 30 months.
    assert rolling.set_index("unit_id").loc["u7", "predicted"] == pytest.approx(0.5)
    hindsight = forecast.backtest(units, "first_round", "2010-01-01", DPM, [6], {"24": 24.0}, None, 1, "leave one out")
    assert hindsight.set_index("unit_id").loc["u7", "predicted"] == pytest.approx(1.0)  # today we know u3 signed at 20


def test_brier_and_calibration():
    assert forecast.brier([0.5, 0.5], [1, 0]) == 0.25 and forecast.brier([1.0, 0.0], [1, 0]) == 0.0
    with pytest.raises(ValueError):
        forecast.brier([], [])
    cases = pd.DataFrame({"predicted": [0.05, 0.2, 0.3, 0.9, 1.0], "outcome": [0, 1, 0, 1, 1], "unit_id": list("abcde")})
    table = forecast.calibration_table(cases).set_index("bin")
    assert table.loc["0%–10%", "cases"] == 1 and table.loc["75%–100%", "cases"] == 2 and table.loc["75%–100%", "observed"] == 1.0
    assert table["cases"].sum() == len(cases)
    est = forecast.brier_estimates(cases.assign(base_rate=0.6), n_resamples=200, seed=1)
    assert est["method"]["ci_low"] <= est["method"]["value"] <= est["method"]["ci_high"]
    assert est["difference"]["value"] == pytest.approx(est["base_rate"]["value"] - est["method"]["value"])
    assert forecast.brier_verdict({"ci_low": 0.01, "ci_high": 0.1}) == "beat the base rate"
    assert forecast.brier_verdict({"ci_low": -0.1, "ci_high": 0.1}).startswith("could not be told apart")


def test_add_months_clamps_the_day():
    assert forecast.add_months("2026-11-30", 3) == "2027-02-28"
    assert forecast.add_months("2026-11-27", 12) == "2027-11-27"


# --- the published tables ---------------------------------------------------------------------------------------

def _published(name: str) -> pd.DataFrame:
    path = input_path(TABLES / name)
    if not path.is_file():
        pytest.skip(f"{name} not built yet (make all)")
    return pd.read_csv(path)


def test_published_forecasts_are_probabilities_inside_their_intervals():
    current = _published("forecasts_current.csv").dropna(subset=["probability"])
    assert ((current["probability"] >= 0) & (current["probability"] <= 1)).all()
    assert ((current["ci_low"] <= current["probability"] + 1e-9) & (current["probability"] <= current["ci_high"] + 1e-9)).all()
    # A longer horizon never gives a smaller chance, for the same negotiation and model.
    for _, g in current.groupby(["negotiation_id", "model"]):
        assert g.sort_values("horizon_months")["probability"].is_monotonic_increasing


def test_every_open_negotiation_has_one_headline_forecast_per_horizon():
    open_table = _published("open_negotiations.csv")
    current = _published("forecasts_current.csv")
    forecast_for = open_table[open_table["state"] != "talks broken off"]["negotiation_id"]
    head = current[current["headline"]]
    assert set(head["negotiation_id"]) == set(forecast_for)
    assert (head.groupby("negotiation_id").size() == current["horizon_months"].nunique()).all()
    assert not (open_table["negotiation_id"].duplicated()).any()


# --- where the negotiations stand, and the text for readers ----------------------------------------------------

def _cohort_fixture():
    partners = pd.DataFrame([
        {"partner": "Japan", "talks_began": "2025-04-16", "talks_began_basis": "cited", "outcome": "framework_or_statement"},
        {"partner": "Chile", "talks_began": None, "talks_began_basis": "set_to_pause", "outcome": "none"},
        {"partner": "Canada", "talks_began": "2025-05-06", "talks_began_basis": "cited", "outcome": "talks_broken_off"},
        {"partner": "Peru", "talks_began": "2025-04-20", "talks_began_basis": "cited", "outcome": "binding_agreement"},
    ])
    frame = pd.DataFrame([
        {"unit_id": "Japan", "stop": "2026-07-23", "months": 15.2, "cause": 0},
        {"unit_id": "Chile", "stop": "2026-07-21", "months": 15.3, "cause": 0},
        {"unit_id": "Canada", "stop": "2026-07-20", "months": 14.5, "cause": 2},
        {"unit_id": "Peru", "stop": "2026-01-10", "months": 8.7, "cause": 1},
    ])
    doc = lambda i, p, d, inst, title, src: {"document_id": i, "partner": p, "date": d, "date_by": None, "instrument": inst,  # noqa: E731
                                              "title": title, "source": src}
    documents = pd.DataFrame([doc("jp-1", "Japan", "2025-07-22", "announcement", "Post", "https://a.test"),
                              doc("jp-2", "Japan", "2025-07-23", "framework", "Framework", "https://b.test"),
                              doc("jp-3", "Japan", "2025-08-01", "implementing_order", "EO", "https://c.test"),
                              doc("pe-1", "Peru", "2026-01-10", "binding_agreement", "ART", "https://d.test")])
    return partners, frame, documents


def test_open_cohort_partners():
    partners, frame, documents = _cohort_fixture()
    table = forecast.open_cohort_partners(partners, frame, documents, "2026-11-27", "2025-04-10").set_index("partner")
    assert "Peru" not in table.index  # a signed binding agreement is not open
    assert table.loc["Japan", "state"] == "open" and table.loc["Japan", "stage"] == "written framework"
    assert table.loc["Japan", "stage_date"] == "2025-07-23" and table.loc["Japan", "stage_source"] == "https://b.test"
    assert table.loc["Japan", "negotiation_id"] == "deals-2025-jpn" and table.loc["Japan", "partner_code"] == "JPN"
    assert table.loc["Japan", "months_open_at_as_of"] == pytest.approx(forecast.months_from("2025-04-16", "2026-11-27"))
    assert table.loc["Chile", "state"] == "open, no documented talks" and table.loc["Chile", "launch"] == "2025-04-10"
    assert table.loc["Chile", "launch_from"] == forecast.PAUSE_ORIGIN and table.loc["Chile", "stage"] == "no deal document"
    assert table.loc["Canada", "state"] == "talks broken off"


def test_history_clock_of_a_partner():
    row = pd.Series({"population": "2025-26 cohort", "launch_talks_began": "2025-04-16", "launch_first_round": None})
    assert forecast.history_clock_of(row)[:2] == ("announced", "2025-04-16")
    first = row.copy()
    first["launch_first_round"] = "2025-05-01"
    assert forecast.history_clock_of(first)[:2] == ("first_round", "2025-05-01")
    none = pd.Series({"population": "2025-26 cohort", "launch_talks_began": None})
    assert forecast.history_clock_of(none)[0] is None


def test_partner_rows_and_readme_text():
    from helpers import clock_now

    partners, frame, documents = _cohort_fixture()
    table = forecast.open_negotiations(pd.DataFrame(), forecast.open_cohort_partners(partners, frame, documents, "2026-11-27", "2025-04-10"))
    current = pd.DataFrame([{"negotiation_id": "deals-2025-jpn", "model": m, "horizon_months": 12, "probability": p, "ci_low": p - 0.1,
                             "ci_high": p + 0.1} for m, p in (("2025-26 pace", 0.47), ("history's clock", 0.25))])
    rows = clock_now.partner_rows(current, table, ["Japan", "Canada", "Peru"], 12).set_index("partner")
    assert rows.loc["Japan", "2025–26 pace"] == "47% (37%–57%)" and rows.loc["Japan", "history's clock"] == "25% (15%–35%)"
    assert rows.loc["Canada", "where the talks stand"].startswith("talks broken off")
    assert rows.loc["Peru", "where the talks stand"].startswith("signed binding agreement")
    results = pd.DataFrame({"value": [21, 0.47, 0.233, 0.194, -0.04, 97], "ci_low": [None, None, 0.19, 0.15, -0.08, None],
                            "ci_high": [None, None, 0.29, 0.25, -0.001, None]},
                           index=["open_negotiations_n", "forecast_binding_12m_median", "backtest_brier", "backtest_brier_base_rate",
                                  "backtest_brier_difference", "backtest_n"])
    text = clock_now.clock_now_markdown(results, rows.reset_index(), "2026-11-27", 12)
    assert text.startswith("### The clock now") and "| Japan | written framework (2025-07-23) |" in text
    assert "21 negotiations are open" in text and "did worse than the base rate" in text and "cannot know" in text
