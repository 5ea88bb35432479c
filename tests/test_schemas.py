"""Bad raw input gets one clear error naming the file, the line, the column and what is wrong."""

import pytest
from conftest import COLUMNS, write_rows

from helpers.io import RawDataError, read_raw_csv
from helpers.negotiations import add_partner_codes
from helpers.schemas import NEGOTIATIONS, load_raw


def load(tmp_path, rows, columns=None):
    return load_raw(NEGOTIATIONS, write_rows(tmp_path / "negotiations.csv", rows, columns))


def error_of(tmp_path, rows, columns=None) -> str:
    with pytest.raises(RawDataError) as info:
        load(tmp_path, rows, columns)
    return str(info.value)


def test_good_rows_pass(tmp_path, good_rows):
    df = load(tmp_path, good_rows)
    assert list(df["negotiation_id"]) == ["us-testland-fta", "us-open-talks"]


def test_unparseable_date(tmp_path, good_rows):
    good_rows[0]["signed"] = "6 June 2003"
    msg = error_of(tmp_path, good_rows)
    assert "negotiations.csv" in msg and "line 2" in msg and "column 'signed'" in msg and "6 June 2003" in msg


def test_signed_before_launch(tmp_path, good_rows):
    good_rows[0]["signed"] = "2000-01-15"
    msg = error_of(tmp_path, good_rows)
    assert "line 2, column 'signed': signed (2000-01-15) is before first_round (2000-12-06)" in msg


def test_entry_into_force_before_signing(tmp_path, good_rows):
    good_rows[0]["entered_into_force"] = "2003-05-01"
    msg = error_of(tmp_path, good_rows)
    assert "column 'entered_into_force': entered_into_force (2003-05-01) is before signed (2003-06-06)" in msg


def test_duplicate_id(tmp_path, good_rows):
    good_rows[1]["negotiation_id"] = good_rows[0]["negotiation_id"]
    msg = error_of(tmp_path, good_rows)
    assert "column 'negotiation_id': duplicate value 'us-testland-fta'" in msg and "line 3" in msg


def test_unknown_status(tmp_path, good_rows):
    good_rows[1]["status"] = "stalled"
    msg = error_of(tmp_path, good_rows)
    assert "line 3, column 'status': 'stalled' not one of" in msg


def test_date_without_source(tmp_path, good_rows):
    good_rows[0]["source_concluded"] = ""
    msg = error_of(tmp_path, good_rows)
    assert "line 2, column 'source_concluded': concluded '2002-12-11' has no source" in msg


def test_unknown_country(tmp_path, good_rows):
    good_rows[1]["partner"] = "Atlantis"
    assert "line 3, column 'partner': unknown country 'Atlantis'" in error_of(tmp_path, good_rows)  # stopped at validation
    df = read_raw_csv(write_rows(tmp_path / "negotiations.csv", good_rows))
    with pytest.raises(RawDataError) as info:
        add_partner_codes(df, tmp_path / "negotiations.csv")
    assert "line 3, column 'partner': unknown country 'Atlantis'" in str(info.value)


def test_missing_column(tmp_path, good_rows):
    msg = error_of(tmp_path, good_rows, [c for c in COLUMNS if c != "status"])
    assert "line 1, column 'status': required column is missing" in msg


def test_unexpected_column(tmp_path, good_rows):
    msg = error_of(tmp_path, [dict(r, extra="x") for r in good_rows], COLUMNS + ["extra"])
    assert "column 'extra': unexpected column" in msg


def test_empty_file(tmp_path):
    (tmp_path / "negotiations.csv").write_text("")
    with pytest.raises(RawDataError, match="negotiations.csv.*file is empty"):
        load_raw(NEGOTIATIONS, tmp_path / "negotiations.csv")


def test_header_only(tmp_path):
    msg = error_of(tmp_path, [])
    assert "header but no data rows" in msg


def test_missing_file(tmp_path):
    with pytest.raises(RawDataError, match="file not found"):
        load_raw(NEGOTIATIONS, tmp_path / "nope.csv")


def test_status_needs_its_dates(tmp_path, good_rows):
    good_rows[0]["entered_into_force"] = ""
    good_rows[0]["source_entered_into_force"] = ""
    msg = error_of(tmp_path, good_rows)
    assert "status in_force but no entered_into_force date" in msg


def test_every_problem_is_reported_at_once(tmp_path, good_rows):
    good_rows[0]["signed"] = "bad"
    good_rows[1]["status"] = "bad"
    msg = error_of(tmp_path, good_rows)
    assert "2 problem(s)" in msg
