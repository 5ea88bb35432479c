import pandas as pd
import pytest

from helpers import claims


@pytest.mark.parametrize("claimed,actual,verdict", [
    (18, 17.75, "accurate"), (10, 11.8, "roughly accurate"), (90, 3, "inaccurate"), (5, float("nan"), "unverifiable"),
    (0, 0, "accurate"), (1, 0, "inaccurate"),
])
def test_verdict_for_number(claimed, actual, verdict):
    assert claims.verdict_for_number(claimed, actual) == verdict


def test_pct_change_and_facts():
    assert claims.pct_change(200, 150) == -25
    facts = pd.DataFrame({"fact_id": ["f1"], "value": ["5"]})
    assert claims.fact(facts, "f1") == "5"
    with pytest.raises(KeyError, match="f9"):
        claims.fact(facts, "f9")


def test_ledger_row_checks_the_verdict():
    table = pd.DataFrame({"claim_id": ["c1"], "quote": ["q"], "claimed_value": ["1"], "unit": ["u"]})
    row = claims.ledger_row(table, "c1", "e", "accurate", ["f1"])
    assert row["quote"] == "q" and row["verdict"] == "accurate"
    with pytest.raises(ValueError, match="not one of"):
        claims.ledger_row(table, "c1", "e", "true-ish", [])


def test_nearly_means_at_most_and_close():
    assert claims.verdict_for_number(60, 57, nearly=True) == "accurate"
    assert claims.verdict_for_number(60, 57) == "roughly accurate"
    assert claims.verdict_for_number(60, 62, nearly=True) == "accurate"  # within 5% either way
    assert claims.verdict_for_number(60, 50, nearly=True) == "roughly accurate"


def _claim(**kw):
    base = {"claim_id": "c1", "claimed_value": "18", "check": "number", "evidence_keys": "a", "general_keys": None}
    return pd.Series({**base, **kw})


def test_one_rule_for_every_claim():
    results = pd.DataFrame({"value": [17.9, 30.0, 20.0, 3.0, -11.8, -5.2, -12.0]},
                           index=["a", "b", "c", "d", "p", "lo", "hi"])
    facts = pd.DataFrame({"fact_id": ["f1"], "value": ["57"]})
    assert claims.judge(_claim(), results, facts)[0] == "accurate"
    assert claims.judge(_claim(general_keys="c"), results, facts)[0] == "accurate"  # 20 vs 18: within 25%
    assert claims.judge(_claim(general_keys="b;c"), results, facts)[0] == claims.SOURCE_ONLY
    assert claims.judge(_claim(check="pledge", claimed_value="90", evidence_keys="d"), results, facts)[0] == "unfulfilled"
    assert claims.judge(_claim(check="nearly", claimed_value="60", evidence_keys="fact:f1"), results, facts)[0] == "accurate"
    by_date = _claim(check="number_by_date", claimed_value="-10", evidence_keys="p", general_keys="lo;hi")
    assert claims.judge(by_date, results, facts)[0] == "unverifiable"  # -5.2 would make it inaccurate
    assert claims.judge(_claim(check="statement", evidence_keys=None), results, facts)[0] == "unverifiable"
    with pytest.raises(KeyError, match="'zz' is not in reports/tables/results.csv"):
        claims.judge(_claim(evidence_keys="zz"), results, facts)



def test_a_claim_over_possible_dates_gets_the_least_favourable_verdict():
    results = pd.DataFrame({"value": [11.1, 9.0, 11.1, 30.0, 31.0]}, index=["p", "lo", "hi", "x", "y"])
    facts = pd.DataFrame({"fact_id": [], "value": []})
    weeks = _claim(check="number_by_date", claimed_value="11", evidence_keys="p", general_keys="lo;hi")
    assert claims.judge(weeks, results, facts)[0] == "roughly accurate"  # 9.0 is 22% off, 11.1 within 5%
    all_wrong = _claim(check="number_by_date", claimed_value="11", evidence_keys="x", general_keys="x;y")
    assert claims.judge(all_wrong, results, facts)[0] == "inaccurate"  # every date makes it inaccurate


def test_nearly_gets_a_wider_sample_of_the_same_count():
    results = pd.DataFrame({"value": [83.0]}, index=["countries"])
    facts = pd.DataFrame({"fact_id": ["f1"], "value": ["57"]})
    c = _claim(check="nearly", claimed_value="60", evidence_keys="fact:f1", general_keys="countries")
    verdict, how, samples = claims.judge_samples(c, results, facts)
    assert verdict == claims.SOURCE_ONLY
    assert [(s["role"], s["key"], s["value"], s["verdict"]) for s in samples] == [
        ("source", "fact:f1", 57.0, "accurate"), ("wider", "countries", 83.0, "inaccurate")]
    assert "countries = 83 (inaccurate)" in claims.judge(c, results, facts)[1]


def test_unknown_check_is_an_error():
    with pytest.raises(ValueError, match="unknown check"):
        claims.judge(_claim(check="vibes"), pd.DataFrame({"value": [1.0]}, index=["a"]), pd.DataFrame())
