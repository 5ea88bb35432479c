"""Issue 21's rules: open rows re-verified within a year, legal deadlines scoped, the cohort on history's clocks."""

import pandas as pd
import pytest
from conftest import write_rows

from helpers import deals, schemas
from helpers.io import RawDataError


def error_of(spec, path) -> str:
    with pytest.raises(RawDataError) as info:
        schemas.load_raw(spec, path)
    return str(info.value)


def test_an_open_negotiation_verified_long_ago_fails_validation(tmp_path, good_rows):
    good_rows[1]["status_verified"] = "2024-01-25"
    msg = error_of(schemas.NEGOTIATIONS, write_rows(tmp_path / "negotiations.csv", good_rows))
    assert "line 3, column 'status_verified': 2024-01-25 is more than 12 months before the table's as-of date" in msg
    assert "re-verify" in msg and "rule E" in msg


def test_an_open_negotiation_without_a_verified_status_fails(tmp_path, good_rows):
    good_rows[1]["status_verified"], good_rows[1]["source_status_verified"] = "", ""
    msg = error_of(schemas.NEGOTIATIONS, write_rows(tmp_path / "negotiations.csv", good_rows))
    assert "line 3, column 'status_verified': an open row needs status_verified" in msg


def test_an_ended_or_signed_row_may_keep_an_old_status_date(tmp_path, good_rows):
    good_rows[0]["status_verified"], good_rows[0]["source_status_verified"] = "2006-04-19", "https://source.test/old"
    assert len(schemas.load_raw(schemas.NEGOTIATIONS, write_rows(tmp_path / "negotiations.csv", good_rows))) == 2


def test_the_real_tables_hold_no_stale_open_row():
    for spec in (schemas.NEGOTIATIONS, schemas.DEAL_PARTNERS):
        schemas.load_raw(spec)  # raises if any open row's status is more than a year old


def test_a_stale_open_deal_partner_fails(tmp_path):
    raw = pd.read_csv(schemas.DEAL_PARTNERS.path, dtype=str, keep_default_na=False)
    row = raw.index[raw["outcome"].eq("none")][0]
    raw.loc[row, "status_verified"] = "2025-06-01"
    path = tmp_path / "deal_partners_2025.csv"
    raw.to_csv(path, index=False)
    msg = error_of(schemas.DEAL_PARTNERS, path)
    assert f"line {row + 2}, column 'status_verified': 2025-06-01 is more than 12 months before" in msg


def test_legal_deadlines_name_known_groups_and_partners(tmp_path):
    raw = pd.read_csv(schemas.LEGAL_DEADLINES.path, dtype=str, keep_default_na=False)
    raw.loc[0, "applies_to"] = "congressional_fta;Narnia"
    path = tmp_path / "legal_deadlines.csv"
    raw.to_csv(path, index=False)
    msg = error_of(schemas.LEGAL_DEADLINES, path)
    assert "line 2, column 'applies_to': 'Narnia' is neither a track" in msg


STAGES = pd.DataFrame({"partner": ["A", "B", "C"], "announced": pd.to_datetime(["2025-05-01", "2025-06-01", None]),
                       "framework_or_statement": pd.NaT, "binding_agreement": pd.to_datetime(["2025-10-01", None, None]),
                       "implemented": pd.NaT})
PARTNERS = pd.DataFrame({"partner": ["A", "B", "C"], "talks_began": ["2025-04-05", "2025-04-20", None],
                         "talks_announced": ["2025-04-01", None, None], "first_round": [None, "2025-05", None],
                         "outcome": ["binding_agreement", "framework_or_statement", "none"],
                         "status_verified": ["2026-07-21", "2026-07-21", "2026-07-21"]})


def test_the_cohort_on_each_of_historys_clocks():
    announced = deals.cohort_frame(PARTNERS, STAGES, "binding_agreement", "2025-04-10", "2026-08-21", 30.4375,
                                   clock="talks_announced", missing="drop")
    assert list(announced["unit_id"]) == ["A"] and announced.loc[0, "launch"] == "2025-04-01"
    assert announced.loc[0, "months"] == pytest.approx(183 / 30.4375)
    rounds = deals.cohort_frame(PARTNERS, STAGES, "binding_agreement", "2025-04-10", "2026-08-21", 30.4375,
                                clock="first_round", missing="drop")
    assert list(rounds["unit_id"]) == ["B"] and rounds.loc[0, "launch"] == "2025-05" and rounds.loc[0, "cause"] == 0
    whole = deals.cohort_frame(PARTNERS, STAGES, "binding_agreement", "2025-04-10", "2026-08-21", 30.4375)
    assert len(whole) == 3 and whole.set_index("unit_id").loc["C", "launch"] == "2025-04-10"  # the pause where none is cited
    with pytest.raises(KeyError, match="no column 'kickoff'"):
        deals.cohort_frame(PARTNERS, STAGES, "binding_agreement", "2025-04-10", "2026-08-21", 30.4375, clock="kickoff")
