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
