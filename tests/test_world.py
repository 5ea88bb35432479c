"""The world's agreements from the WTO export: accessions out, censoring, competing outcome, party flags."""

import pandas as pd

from helpers import world


def export():
    blank = {c: None for c in (*world.SIGNED, *world.IN_FORCE)}
    return pd.DataFrame([
        {**blank, "RTA ID": "1", "RTA Name": "United States - Chile", "Accession?": "No", "Date of Signature (G)": "2003-06-06",
         "Date of Entry into Force (G)": "2004-01-01", "Inactive Date": None, "RTA Composition": "Bilateral",
         "Current signatories": None, "Original signatories": None},
        {**blank, "RTA ID": "2", "RTA Name": "EFTA - X", "Accession?": "No", "Date of Signature (G)": "2020-01-01",
         "Date of Signature (S)": "2019-06-01", "Inactive Date": None, "RTA Composition": "Plurilateral",
         "Current signatories": "European Free Trade Association (EFTA); X", "Original signatories": None},
        {**blank, "RTA ID": "3", "RTA Name": "A - B", "Accession?": "No", "Date of Signature (G)": "2000-01-01",
         "Inactive Date": "2001-01-01", "RTA Composition": "Bilateral", "Current signatories": None, "Original signatories": None},
        {**blank, "RTA ID": "4", "RTA Name": "C - Accession of D", "Accession?": "Yes", "Date of Signature (G)": "2000-01-01",
         "Inactive Date": None, "RTA Composition": "Bilateral", "Current signatories": None, "Original signatories": None},
    ])


def test_agreements_outcomes_and_flags():
    f = world.agreements(export(), "2026-02-25", 30.4375).set_index("unit_id")
    assert list(f.index) == ["1", "2", "3"]  # the accession is out
    assert f.loc["1", "cause"] == 1 and f.loc["1", "United States"] and not f.loc["2", "United States"]
    assert f.loc["2", "cause"] == 0 and str(f.loc["2", "signed"].date()) == "2019-06-01"  # earliest of G and S; censored
    assert f.loc["3", "cause"] == 2  # inactive without entering into force: a competing outcome
    assert f.loc["2", "EFTA"] and f.loc["2", "decade"] == "2010s"


def test_naive_median_uses_only_agreements_in_force():
    f = world.agreements(export(), "2026-02-25", 30.4375)
    assert world.naive_median(f) == f.loc[f["unit_id"] == "1", "months"].item()
