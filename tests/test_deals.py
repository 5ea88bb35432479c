import pandas as pd
import pytest

from helpers import deals


def table():
    return pd.DataFrame({
        "partner": ["UK", "China", "China", "EU"],
        "announced": ["2025-05-08", "2025-05-12", "2025-06-10", "2025-07-27"],
        "form": ["framework", "joint statement", "framework", "leaders' statement"],
        "signed_text": [None, None, None, None],
        "us_implemented": ["2025-06-30", "2025-05-14", None, "2025-08-07"],
    })


def test_partner_stages_take_the_first_date_per_stage():
    s = deals.partner_stages(table()).set_index("partner")
    assert s.loc["China", "announced"] == pd.Timestamp("2025-05-12")
    assert s.loc["China", "implemented"] == pd.Timestamp("2025-05-14")
    assert pd.isna(s.loc["EU", "framework_or_statement"])  # a leaders' statement is not a framework
    assert s.loc["UK", "framework_or_statement"] == pd.Timestamp("2025-05-08")


def test_implementation_before_announcement_counts_from_announcement():
    t = table()
    t.loc[3, "us_implemented"] = "2025-07-01"
    s = deals.partner_stages(t).set_index("partner")
    assert s.loc["EU", "implemented"] == pd.Timestamp("2025-07-27")


def test_cumulative_counts_and_pledge():
    s = deals.partner_stages(table())
    c = deals.cumulative_counts(s, "2025-04-02", "2025-08-31").set_index("date")
    assert c.loc["2025-05-11", "announced"] == 1 and c.loc["2025-07-09", "announced"] == 2
    assert c.loc["2025-08-31", "announced"] == 3 and c.loc["2025-08-31", "implemented"] == 3
    pledge = deals.pledge_line(pd.Series(pd.to_datetime(["2025-04-08", "2025-04-11", "2025-07-09", "2025-12-01"])), "2025-04-10")
    assert list(pledge) == [0, 1, 90, 90]


def test_coverage_weights_and_missing_weight():
    s = deals.partner_stages(table())
    days = pd.Series(pd.to_datetime(["2025-05-01", "2025-05-20", "2025-09-01"]))
    cov = deals.coverage(s, "announced", {"UK": 10, "China": 40, "EU": 50}, 200, days)
    assert list(cov) == [0, 0.25, 0.5]
    with pytest.raises(KeyError, match="EU"):
        deals.coverage(s, "announced", {"UK": 10, "China": 40}, 200, days)
