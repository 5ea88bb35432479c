"""Throughput (rolling windows, open at once) and the deadline effect, checked by hand-counted cases and brute force."""

import numpy as np
import pandas as pd
import pytest

from helpers import deadlines, pace, stats


def test_rolling_counts_include_the_day_itself_and_drop_the_day_the_window_leaves():
    counts = pace.rolling_counts(["2020-01-01", "2020-01-03", "2020-01-03"], 3, "2019-12-31", "2020-01-06")
    assert counts.tolist() == [0, 1, 1, 3, 2, 2, 0]


def test_busiest_window_matches_brute_force():
    rng = np.random.default_rng(1)
    dates = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 2000, 60), unit="D")
    best = pace.busiest_window(dates, 90)
    brute = pace.rolling_counts(dates, 90, "1999-10-01", "2006-01-01")
    assert best["count"] == brute.max()
    assert brute[best["end"]] == best["count"] and (best["end"] - best["start"]).days == 89
    assert pace.busiest_window([], 90) == {"count": 0, "start": None, "end": None}
    with pytest.raises(ValueError, match="at least 1"):
        pace.busiest_window(dates, 0)


def test_open_at_once_counts_launch_day_and_not_stop_day():
    spans = pd.DataFrame({"launch": ["2020-01-02", "2020-01-03"], "stop": ["2020-01-04", None]})
    assert pace.open_at_once(spans, "2020-01-01", "2020-01-05").tolist() == [0, 1, 2, 1, 1]


def test_days_needed():
    assert pace.days_needed(90, 3, 90) == 2700
    assert pace.days_needed(90, 0, 90) == float("inf")


DEADLINES = pd.DataFrame({"date": ["2007-07-01", "2025-07-09", "2025-08-01"],
                          "applies_to": ["congressional_fta", "2025-26 cohort", "2025-26 cohort;executive_agreement"]})


def test_deadlines_apply_by_group():
    assert list(deadlines.applicable(DEADLINES, "congressional_fta")) == [pd.Timestamp("2007-07-01")]
    assert len(deadlines.applicable(DEADLINES, "2025-26 cohort")) == 2
    assert len(deadlines.applicable(DEADLINES.assign(applies_to="all"), "anything")) == 3


def test_days_to_next_and_chance_within():
    dates = deadlines.applicable(DEADLINES, "2025-26 cohort")
    assert deadlines.days_to_next("2025-07-09", dates) == 0
    assert deadlines.days_to_next("2025-07-10", dates) == 22
    assert deadlines.days_to_next("2026-01-01", dates) == float("inf")
    # 10 days, 2025-07-01..07-10: 07-01..07-09 lie within 8 days before 07-09 (9 days); 07-10 is 22 days before 08-01
    assert deadlines.chance_within("2025-07-01", "2025-07-10", dates, 8) == pytest.approx(0.9)
    assert deadlines.chance_within("2025-07-01", "2025-07-10", pd.DatetimeIndex([]), 8) == 0.0


def test_deadline_table_matches_by_group_and_by_partner_code():
    signings = pd.DataFrame({"unit_id": ["korus", "x", "jp"], "group": ["congressional_fta", "2025-26 cohort", "executive_agreement"],
                             "partners": ["KOR", "VNM", "JPN"], "signed": ["2007-06-30", "2025-09-01", "2019-10-07"]})
    table = DEADLINES.assign(applies_to=["congressional_fta", "2025-26 cohort", "Japan"], date=["2007-07-01", "2025-07-09", "2019-11-13"])
    t = deadlines.deadline_table(signings, table, 30, 365, "2026-08-21").set_index("unit_id")
    assert t.loc["korus", "days_to_deadline"] == 1 and t.loc["korus", "within"]
    assert not t.loc["x", "within"] and t.loc["x", "days_to_deadline"] == float("inf")
    assert t.loc["jp", "days_to_deadline"] == 37 and not t.loc["jp", "within"]  # Japan named: matched by its code
    # the chance: the 31 days up to and including 2007-07-01, out of the 365 days either side of the signing
    span = pd.date_range("2006-06-30", "2008-06-29")
    assert t.loc["korus", "chance"] == pytest.approx(31 / len(span))
    # never past the last day the data can see (2026-08-21)
    assert t.loc["x", "chance"] == pytest.approx(31 / len(pd.date_range("2024-09-01", "2026-08-21")))


def test_poisson_binomial_matches_binomial_and_brute_force():
    from scipy.stats import binom

    assert stats.poisson_binomial_sf(3, [0.2] * 10) == pytest.approx(binom.sf(2, 10, 0.2))
    ps = [0.1, 0.5, 0.9]
    brute = sum(np.prod([p if b else 1 - p for p, b in zip(ps, bits)])
                for bits in np.ndindex(2, 2, 2) if sum(bits) >= 2)
    assert stats.poisson_binomial_sf(2, ps) == pytest.approx(brute)
    assert stats.poisson_binomial_sf(0, ps) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        stats.poisson_binomial_sf(1, [1.5])


def test_holm_matches_the_hand_computation():
    adj = stats.holm({"a": 0.01, "b": 0.04, "c": 0.03})
    assert adj == pytest.approx({"a": 0.03, "b": 0.06, "c": 0.06})
    with pytest.raises(ValueError):
        stats.holm({"a": float("nan")})
