import pandas as pd
import pytest

from helpers import replication
from helpers.dates import parse_partial_date


def negotiation(nid, agreement, first_round, signed, eif, announced=None, partner="X"):
    return {"negotiation_id": nid, "agreement": agreement, "partner": partner, "first_round": first_round,
            "announced": announced, "signed": signed, "entered_into_force": eif}


def test_explain_finds_the_convention_and_the_alternative_signing():
    row = pd.Series(negotiation("cafta-dr-costa-rica", "CAFTA-DR", "2003-01-27", "2004-05-28", "2009-01-01"))
    text = replication.explain(row, 18, 71, parse_partial_date("2004-08-05"))
    assert "signing 18 = whole months elapsed" in text and "last signature of CAFTA-DR (2004-08-05)" in text
    assert "implementation 71 = whole months elapsed" in text


def test_explain_says_when_nothing_reproduces_a_figure():
    row = pd.Series(negotiation("us-israel-fta", "US-Israel FTA", "1984-01", "1985-04-22", "1985-09-01"))
    text = replication.explain(row, 15, 29, None)
    assert "signing 15 = calendar months" in text
    assert "implementation 29 is not reproduced" in text and "1986-06" in text


def test_rebuild_table_and_unknown_partner():
    negs = pd.DataFrame([negotiation("us-chile-fta", "US-Chile FTA", "2000-12-06", "2003-06-06", "2004-01-01")])
    pub = pd.DataFrame({"partner": ["Chile", "Average"], "months_to_signing": [30, 30], "months_to_implementation": [36, 36]})
    t = replication.rebuild_table(pub, negs)
    assert list(t["ours_months_to_signing"]) == [30] and list(t["difference_implementation"]) == [1]
    with pytest.raises(KeyError, match="Atlantis"):
        replication.rebuild_table(pd.DataFrame({"partner": ["Atlantis"], "months_to_signing": [1],
                                                "months_to_implementation": [2]}), negs)


def test_collapse_agreement():
    df = pd.DataFrame({"agreement": ["A", "A", "B"], "partner": ["a1", "a2", "b"], "m": [10.0, 20.0, 5.0]})
    out = replication.collapse_agreement(df, "A", ["m"])
    assert len(out) == 2 and out.loc[out["partner"] == "A", "m"].item() == 15.0


def test_sensitivity_samples_and_convention_scores():
    negs = pd.DataFrame([
        {**negotiation("a1", "A", "2003-01-27", "2004-05-28", "2006-03-01", announced="2002-01-16", partner="El Salvador"),
         "kind": "fta", "track": "congressional_fta", "months_launch_to_signing": 16.0, "months_launch_to_eif": 38.0,
         "months_launch_to_signing_exact": 16.0, "months_launch_to_eif_exact": 37.1},
        {**negotiation("a2", "A", "2004-01-12", "2004-08-05", "2007-03-01", announced="2003-08-04", partner="Dominican Republic"),
         "kind": "fta", "track": "congressional_fta", "months_launch_to_signing": 7.0, "months_launch_to_eif": 38.0,
         "months_launch_to_signing_exact": 6.8, "months_launch_to_eif_exact": 37.6},
    ])
    samples = replication.sensitivity_samples(negs, negs.iloc[:0], negs)
    assert samples["CAFTA-DR as one agreement"]["signing"].tolist() == [16.0, 7.0]  # agreement 'A' is not CAFTA-DR
    assert samples["all signed FTAs, one per agreement"]["signing"].tolist() == [11.5]
    assert samples["announcement, calendar months"]["signing"].tolist() == [28.0, 12.0]
    pub = pd.DataFrame({"partner": ["El Salvador", "Dominican Republic"], "months_to_signing": [18, 6],
                        "months_to_implementation": [37, 37]})
    replication.PUBLISHED_PARTNERS.update({"El Salvador": "a1", "Dominican Republic": "a2"})
    try:
        scores = replication.convention_scores(pub, negs).set_index(["convention", "signing date"])
    finally:
        replication.PUBLISHED_PARTNERS.update({"El Salvador": "cafta-dr-el-salvador", "Dominican Republic": "cafta-dr-dominican-republic"})
    elapsed = "whole months elapsed (days/30.4375 rounded down)"
    assert scores.loc[(elapsed, "last signature of the agreement"), "signing figures reproduced"] == 2
    assert scores.loc[("calendar months", "partner's own signature"), "signing figures reproduced"] == 0
