"""The world's agreements from the WTO export: accessions out, censoring, competing outcome, party flags."""

import numpy as np
import pandas as pd
import pytest

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


def conflicts(resolution="Keep ours (2003-06-06): the signing release of the day.", card="https://rtais.wto.org/UI/PublicShowRTAIDCard.aspx?rtaid=1"):
    return pd.DataFrame([{"subject": "us-chile-fta", "field": "signed", "value_ours": "2002-06-06", "source_value_ours": "x",
                          "value_other": "2003-06-06", "source_value_other": card, "other_dataset": "WTO RTA database export",
                          "resolution": resolution}])


def test_a_resolved_conflict_replaces_the_rejected_wto_date_before_any_estimate():
    fixes = world.corrections_from_conflicts(conflicts())
    assert fixes == {("1", "signed"): "2002-06-06"}
    f = world.agreements(export(), "2026-02-25", 30.4375, corrections=fixes).set_index("unit_id")
    assert str(f.loc["1", "signed"].date()) == "2002-06-06"  # the rejected 2003-06-06 reaches no estimate
    assert f.loc["1", "months"] == (pd.Timestamp("2004-01-01") - pd.Timestamp("2002-06-06")).days / 30.4375
    assert f.attrs["corrected"] == [("1", "signed", "2003-06-06", "2002-06-06")]
    uncorrected = world.agreements(export(), "2026-02-25", 30.4375).set_index("unit_id")
    assert uncorrected.loc["1", "months"] < f.loc["1", "months"]


def test_a_conflict_kept_for_the_wto_or_for_another_dataset_changes_nothing():
    assert world.corrections_from_conflicts(conflicts(resolution="Use the WTO date: ours was a typo.")) == {}
    other = conflicts().assign(other_dataset="DESTA")
    assert world.corrections_from_conflicts(other) == {}


def test_a_wto_conflict_that_names_no_agreement_fails_loudly():
    import pytest

    with pytest.raises(ValueError, match="cannot tell which WTO agreement"):
        world.corrections_from_conflicts(conflicts(card="WTO RTA database, no card"))
    with pytest.raises(KeyError, match="RTA ID 99"):
        world.agreements(export(), "2026-02-25", 30.4375, corrections={("99", "signed"): "2000-01-01"})

def test_months_are_days_over_the_month_length_censored_at_the_export():
    f = world.agreements(export(), "2026-02-25", 30.4375).set_index("unit_id")
    assert f.loc["1", "months"] == pytest.approx(209 / 30.4375)  # 2003-06-06 to 2004-01-01
    censored_days = (pd.Timestamp("2026-02-25") - pd.Timestamp("2019-06-01")).days
    assert f.loc["2", "months"] == pytest.approx(censored_days / 30.4375)
    assert f.loc["3", "months"] == pytest.approx(366 / 30.4375)  # to the inactive date: 2000 is a leap year
    assert (f["months_low"] == f["months"]).all() and (f["months_high"] == f["months"]).all()  # dates known to the day
    assert f.loc["1", "bilateral"] and not f.loc["2", "bilateral"]


def test_entry_into_force_before_signature_counts_as_zero_months_and_is_reported():
    early = export()
    early.loc[0, "Date of Entry into Force (G)"] = "2003-01-01"  # provisional application before signature
    f = world.agreements(early, "2026-02-25", 30.4375)
    assert f.attrs["in_force_before_signature"] == 1
    assert f.loc[f["unit_id"] == "1", "months"].item() == 0


def test_accession_flag_with_spaces_and_unsigned_agreements():
    odd = export()
    odd.loc[0, "Accession?"] = " No "  # as exported with padding: still not an accession
    odd.loc[2, "Date of Signature (G)"] = None  # never signed: not an agreement to time
    f = world.agreements(odd, "2026-02-25", 30.4375)
    assert list(f["unit_id"]) == ["1", "2"]


def test_naive_median_is_the_lower_median_and_nan_when_none_is_in_force():
    frame = pd.DataFrame({"cause": [1, 1, 1, 1, 0, 2], "months": [4.0, 1.0, 3.0, 2.0, 0.5, 9.0]})
    assert world.naive_median(frame) == 2.0  # four in force: the second smallest, as survival.cif_median reads it
    assert world.naive_median(frame.iloc[:3]) == 3.0
    assert np.isnan(world.naive_median(frame.assign(cause=0)))


def test_a_missing_column_or_a_bad_date_is_named():
    with pytest.raises(ValueError, match=r"WTO export lacks column\(s\) \['RTA Composition'\]"):
        world.agreements(export().drop(columns="RTA Composition"), "2026-02-25", 30.4375)
    bad = export()
    bad.loc[1, "Date of Signature (S)"] = "June 2019"
    with pytest.raises(ValueError, match=r"RTA ID 2, column 'Date of Signature \(S\)': 'June 2019' is not a date"):
        world.agreements(bad, "2026-02-25", 30.4375)
