import math

import pandas as pd
import pytest
from conftest import GOOD_ROWS

from helpers.dates import parse_partial_date
from helpers.negotiations import analysis_table, in_windows, launch_of


def raw(rows=None):
    return pd.DataFrame(rows or GOOD_ROWS).replace("", None)


def test_durations_and_censoring():
    t = analysis_table(raw(), as_of="2026-11-27").set_index("negotiation_id")
    chile = t.loc["us-testland-fta"]
    assert chile["partner_code"] == "CHL"
    assert chile["months_launch_to_signing"] == 30  # 2000-12 -> 2003-06
    assert chile["months_launch_to_eif"] == 37
    assert chile["months_signing_to_eif"] == 7
    assert chile["months_launch_to_signing_exact"] == pytest.approx((pd.Timestamp("2003-06-06") - pd.Timestamp("2000-12-06")).days / 30.4375)
    assert chile["outcome"] == "signed" and chile["signing_event"] == 1 and chile["eif_event"] == 1
    kenya = t.loc["us-open-talks"]
    # No first round: launch falls back on the announcement, said in launch_from; month precision -> calendar.
    assert kenya["launch_from"] == "announced" and kenya["announced_precision"] == "month"
    assert kenya["outcome"] == "open" and kenya["signing_event"] == 0
    # censored at its last verified status (2026-10-01), not at as_of
    assert kenya["time_to_signing_months"] == 12 * 6 + 8 and kenya["time_to_signing_basis"] == "calendar"
    assert math.isnan(kenya["months_launch_to_signing"])


def test_ended_talks_are_censored_at_their_end():
    rows = [dict(GOOD_ROWS[1], ended="2021-02", source_ended="https://source.test/x", status="abandoned")]
    t = analysis_table(raw(rows), as_of="2026-11-27")
    assert t.loc[0, "outcome"] == "ended" and t.loc[0, "time_to_signing_months"] == 12


def test_signing_after_as_of_is_not_yet_an_event():
    t = analysis_table(raw(), as_of="2003-01-01").set_index("negotiation_id")
    assert t.loc["us-testland-fta", "outcome"] == "open"
    assert "us-open-talks" not in t.index  # launched in 2020: not yet begun in 2003


def test_launch_definition_is_checked():
    with pytest.raises(ValueError, match="launch_definition"):
        launch_of(pd.Series(GOOD_ROWS[0]), "kickoff")
    assert str(launch_of(pd.Series(GOOD_ROWS[0]), "announced")[0]) == "2000-11-29"


def test_as_of_must_be_a_full_date():
    with pytest.raises(ValueError, match="as_of"):
        analysis_table(raw(), as_of="2026-11")


def test_tpa_windows():
    windows = pd.DataFrame({"start": ["2002-08-06"], "end": ["2007-07-01"]})
    assert in_windows(parse_partial_date("2002-08-06"), windows) is True
    assert in_windows(parse_partial_date("2007-07-01"), windows) is False
    assert in_windows(None, windows) is None
    t = analysis_table(raw(), as_of="2026-11-27", tpa_windows=windows).set_index("negotiation_id")
    assert t.loc["us-testland-fta", "tpa_at_launch"] == False  # noqa: E712 (launched Dec 2000)


def test_ended_without_a_date_has_no_time():
    rows = [dict(GOOD_ROWS[1], status="abandoned")]
    t = analysis_table(raw(rows), as_of="2026-11-27")
    assert t.loc[0, "outcome"] == "ended" and math.isnan(t.loc[0, "time_to_signing_months"])


def test_tpa_window_without_end_is_unknown():
    windows = pd.DataFrame({"start": ["1975-01-03", "1988-08-23"], "end": [None, "1994-04-16"]})
    assert in_windows(parse_partial_date("1984-01"), windows) is None
    assert in_windows(parse_partial_date("1991-06"), windows) is True
    assert in_windows(parse_partial_date("1970-01-01"), windows) is False


def test_open_window_ends_before_the_next_one():
    windows = pd.DataFrame({"start": ["1975-01-03", "1988-08-23", "2002-08-06"], "end": [None, "1994-04-16", "2007-07-01"]})
    assert in_windows(parse_partial_date("1995-01-01"), windows) is False
    assert in_windows(parse_partial_date("1986-05-21"), windows) is None
    assert in_windows(parse_partial_date("2003-01-27"), windows) is True


def test_processed_schema_catches_a_broken_derivation():
    import pandera.pandas as pa

    from helpers.schemas import PROCESSED_NEGOTIATIONS

    table = analysis_table(raw(), as_of="2026-11-27")
    broken = table.assign(signing_event=[0, 0])  # Chile was signed
    with pytest.raises(pa.errors.SchemaError, match="signing_event must be 1 exactly"):
        PROCESSED_NEGOTIATIONS.validate(broken)
    with pytest.raises(pa.errors.SchemaError):
        PROCESSED_NEGOTIATIONS.validate(table.assign(months_launch_to_signing=-1.0))


def test_one_end_of_talks_for_the_processed_table_and_every_estimate():
    from helpers.negotiations import end_of_talks, survival_frame

    verified = [dict(GOOD_ROWS[1], status_verified="2024-01-25", source_status_verified="https://source.test/v")]
    t = analysis_table(raw(verified), as_of="2026-11-27")
    # open talks stop at their last verified status, in the processed table as in the estimates (not at as_of)
    assert t.loc[0, "time_to_signing_months"] == 12 * 3 + 11
    f = survival_frame(raw(verified).assign(unit_id="k"), "first_round", "signed", "2026-11-27", 30.4375)
    assert f.loc[0, "months"] == t.loc[0, "time_to_signing_months"] and f.loc[0, "stop"] == "2024-01-25"
    row = pd.Series(dict(GOOD_ROWS[1], status="abandoned")).replace("", None)
    assert end_of_talks(row, "signed", "2026-11-27") == (None, None, "ended without a dated end")
    undated = pd.Series(dict(GOOD_ROWS[0], signed="", status="in_force")).replace("", None)
    assert end_of_talks(undated, "signed", "2026-11-27")[2] == "in_force, but no signed date was found"


def test_the_processed_table_reproduces_every_published_duration():
    """Every row's time to signing in the processed table equals the estimates' survival time for that row."""
    from helpers import schemas
    from helpers.negotiations import survival_frame

    table = schemas.load_processed("negotiations.csv")
    f = survival_frame(table, "first_round", "signed", "2026-11-27", 30.4375).set_index("negotiation_id")
    both = table.set_index("negotiation_id").join(f[["months"]], how="inner")
    assert len(both) >= len(table) - 5
    assert (both["time_to_signing_months"] - both["months"]).abs().max() < 1e-9


def test_calendar_months_and_the_bounds_of_a_missing_first_round():
    from helpers.negotiations import survival_frame

    rows = [dict(GOOD_ROWS[0], negotiation_id="a", first_round="", source_first_round="", announced="2000-11-29",
                 concluded="2002-12-11")]
    f = survival_frame(raw(rows).assign(unit_id="a"), "first_round", "signed", "2026-11-27", 30.4375, bound_missing_launch=True)
    assert f.loc[0, "launch_from"] == "announced"
    assert f.loc[0, "months_calendar"] == 12 * 2 + 7  # 2000-11 -> 2003-06
    # the first round lies between the announcement and the conclusion: the range spans both
    assert f.loc[0, "months_high"] == pytest.approx((pd.Timestamp("2003-06-06") - pd.Timestamp("2000-11-29")).days / 30.4375)
    assert f.loc[0, "months_low"] == pytest.approx((pd.Timestamp("2003-06-06") - pd.Timestamp("2002-12-11")).days / 30.4375)
    plain = survival_frame(raw(rows).assign(unit_id="a"), "first_round", "signed", "2026-11-27", 30.4375)
    assert plain.loc[0, "months_low"] == plain.loc[0, "months_high"] == f.loc[0, "months"]
