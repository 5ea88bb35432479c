"""The 2025-26 deals: stages from typed documents, counts, coverage, the cohort on the survival clock."""

import pandas as pd
import pytest

from helpers import deals, io


def documents():
    return pd.DataFrame({
        "partner": ["UK", "UK", "China", "China", "EU", "EU", "EU", "Cambodia", "Cambodia"],
        "date": ["2025-05-08", "2025-06-16", "2025-05-12", "2025-05-12", "2025-07-27", "2025-07-31", "2026-06-01",
                 "2025-10-26", None],
        "instrument": ["framework", "implementing_order", "joint_statement", "implementing_order", "announcement",
                       "implementing_order", "implementing_order", "binding_agreement", "binding_agreement"],
        "legal_basis": [None, "section_232", None, "IEEPA", None, "IEEPA", "section_232", None, None],
    })


def test_document_stages_first_dates_and_legal_basis():
    s = deals.document_stages(documents(), "2026-02-24").set_index("partner")
    assert s.loc["UK", "announced"] == pd.Timestamp("2025-05-08") and pd.isna(s.loc["UK", "rate_ended"])  # 232: lasting
    assert s.loc["China", "rate_ended"] == pd.Timestamp("2026-02-24") and pd.isna(s.loc["China", "resumed"])
    assert s.loc["EU", "resumed"] == pd.Timestamp("2026-06-01")  # IEEPA lapsed, a 232 term came later
    assert s.loc["Cambodia", "binding_agreement"] == pd.Timestamp("2025-10-26")  # the undated copy is ignored
    assert pd.isna(s.loc["EU", "framework_or_statement"])  # an announcement is not a written text


def test_document_counts_in_effect_follows_legal_basis():
    s = deals.document_stages(documents(), "2026-02-24")
    c = deals.document_counts(s, "2025-04-02", "2026-07-01").set_index("date")
    assert c.loc["2025-08-01", "in_effect"] == 3  # UK, China, EU
    assert c.loc["2026-03-01", "in_effect"] == 1  # only the UK's Section 232 term
    assert c.loc["2026-07-01", "in_effect"] == 2  # the EU's 232 term from June
    assert c.loc["2026-07-01", "binding_agreement"] == 1


def test_pledge_line_and_coverage():
    pledge = deals.pledge_line(pd.Series(pd.to_datetime(["2025-04-08", "2025-04-11", "2025-07-09", "2025-12-01"])), "2025-04-10", pledged=90)
    assert list(pledge) == [0, 1, 90, 90]
    s = deals.document_stages(documents(), "2026-02-24")
    days = pd.Series(pd.to_datetime(["2025-05-01", "2025-05-20", "2025-11-01"]))
    weights = {"UK": 10, "China": 40, "EU": 50, "Cambodia": 0}
    assert list(deals.coverage(s, "announced", weights, 200, days)) == [0, 0.25, 0.5]
    with pytest.raises(KeyError, match="EU"):
        deals.coverage(s, "announced", {"UK": 10, "China": 40, "Cambodia": 0}, 200, days)


def partners():
    return pd.DataFrame({"partner": ["UK", "China", "EU", "Cambodia", "Chad", "Canada"],
                         "talks_began": ["2025-03-18", "2025-05-10", None, None, None, "2025-04"],
                         "outcome": ["framework_or_statement", "framework_or_statement", "announced_only",
                                     "binding_agreement", "none", "talks_broken_off"],
                         "status_verified": ["2026-07-21"] * 5 + ["2025-10-23"]})


def test_cohort_frame_keeps_partners_without_a_deal_and_uses_the_pause():
    stages = deals.document_stages(documents(), "2026-02-24")
    f = deals.cohort_frame(partners(), stages, "binding_agreement", "2025-04-10", "2026-08-21", 30.4375).set_index("unit_id")
    assert len(f) == 6 and f.loc["Cambodia", "cause"] == 1 and f.loc["Chad", "cause"] == 0 and f.loc["Canada", "cause"] == 2
    assert f.loc["Cambodia", "launch"] == "2025-04-10"  # no cited start: the pause
    assert f.loc["Canada", "months_low"] < f.loc["Canada", "months_high"]  # month-only start: a range


def test_a_document_partner_outside_the_cohort_names_its_line():
    with pytest.raises(io.RawDataError, match=r"line 3.*'China' is not in"):
        deals.check_cohort(partners().iloc[[0, 2, 3]], documents().iloc[[0, 2]].reset_index(drop=True))


def test_an_outcome_that_contradicts_the_documents_names_its_line():
    p = partners().iloc[[0, 1, 2, 3]].reset_index(drop=True)  # UK, China, EU, Cambodia
    docs = documents().assign(date_by=None)
    deals.check_cohort(p, docs)  # consistent as given
    wrong = p.copy()
    wrong.loc[3, "outcome"] = "none"  # Cambodia signed an agreement
    with pytest.raises(io.RawDataError, match=r"line 5, column 'outcome': 'none' but Cambodia has deal documents"):
        deals.check_cohort(wrong, docs)


def test_a_document_known_only_by_a_later_date_counts_from_that_date():
    docs = documents().assign(date_by=None)
    docs.loc[8, "date_by"] = "2026-07-21"  # the undated Cambodia copy, signed no later than this
    docs.loc[7, "instrument"] = "framework"  # so the dated row no longer gives the binding stage
    s = deals.document_stages(docs, "2026-02-24").set_index("partner")
    assert s.loc["Cambodia", "binding_agreement"] == pd.Timestamp("2026-07-21")
