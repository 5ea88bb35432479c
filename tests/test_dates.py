import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.dates import PartialDate, days_between, exact_months_between, is_before, months_between, parse_partial_date


def test_parses_day_and_month_precision():
    assert parse_partial_date("2004-05-28") == PartialDate(2004, 5, 28)
    assert parse_partial_date("2004-05").precision == "month"
    assert parse_partial_date("2004-05-28").precision == "day"
    assert parse_partial_date("") is None and parse_partial_date(None) is None
    assert parse_partial_date(float("nan")) is None


@pytest.mark.parametrize("bad", ["2004/05/28", "28 May 2004", "2004", "2004-13", "2019-02-30", "2004-5-28", "x"])
def test_rejects_bad_dates_naming_the_text(bad):
    with pytest.raises(ValueError, match="2004|2019|x"):
        parse_partial_date(bad)


def test_calendar_months_ignore_days():
    # Calendar months ignore days: Jan 31 -> Feb 1 is one month.
    assert months_between(parse_partial_date("2003-01-31"), parse_partial_date("2003-02-01")) == 1
    assert months_between(parse_partial_date("2000-12"), parse_partial_date("2003-06-06")) == 30
    assert math.isnan(months_between(None, parse_partial_date("2003-06-06")))


def test_exact_months_need_days():
    start, end = parse_partial_date("2024-01-01"), parse_partial_date("2025-01-01")
    assert exact_months_between(start, end) == pytest.approx(366 / 30.4375)
    assert days_between(start, end) == 366
    assert math.isnan(exact_months_between(parse_partial_date("2024-01"), end))


def test_is_before_compares_at_the_coarser_precision():
    assert is_before(parse_partial_date("2004-05-01"), parse_partial_date("2004-05-02"))
    assert not is_before(parse_partial_date("2004-05"), parse_partial_date("2004-05-02"))
    assert not is_before(parse_partial_date("2004-05-20"), parse_partial_date("2004-05"))
    assert is_before(parse_partial_date("2004-04-30"), parse_partial_date("2004-05"))


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_calendar_and_exact_months_agree_within_one(a, b):
    pa, pb = PartialDate(a.year, a.month, a.day), PartialDate(b.year, b.month, b.day)
    assert abs(months_between(pa, pb) - exact_months_between(pa, pb)) < 1.05
    assert str(parse_partial_date(str(pa))) == str(pa)


def test_surely_by_uses_the_end_of_a_month():
    import pandas as pd

    from helpers.dates import surely_by

    assert surely_by("2026-01") == pd.Timestamp("2026-01-31")
    assert surely_by("2024-02") == pd.Timestamp("2024-02-29")
    assert surely_by("2026-01-15") == pd.Timestamp("2026-01-15")
    assert pd.isna(surely_by(""))
