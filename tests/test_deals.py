import pandas as pd
import pytest

from helpers import deals


def table():
    return pd.DataFrame({
        "partner": ["UK", "China", "China", "EU", "Thailand"],
        "announced": ["2025-05-08", "2025-05-12", "2025-06-10", "2025-07-27", "2025-10-26"],
        "form": ["framework", "joint statement", "framework", "leaders' statement", "framework"],
        "framework_statement": ["2025-05-08", "2025-05-12", None, "2025-08-21", "2025-10-26"],
        "signed_text": [None, None, None, None, None],
        "us_implemented": ["2025-06-30", "2025-05-14", None, "2025-08-07", "2025-08-07"],
        "status": ["replaced by Section 122 tariffs", "superseded", "superseded", "replaced by Section 122 tariffs",
                   "replaced by Section 122 tariffs"],
        "status_date": ["2026-02-24", "2025-08-11", "2025-08-11", "2026-02-24", "2026-02-24"],
    })


def test_partner_stages_take_the_first_date_per_stage():
    s = deals.partner_stages(table()).set_index("partner")
    assert s.loc["China", "announced"] == pd.Timestamp("2025-05-12")
    assert s.loc["China", "implemented"] == pd.Timestamp("2025-05-14")
    assert s.loc["EU", "framework_or_statement"] == pd.Timestamp("2025-08-21")  # a later written framework counts
    assert s.loc["UK", "framework_or_statement"] == pd.Timestamp("2025-05-08")


def test_an_order_before_the_deal_does_not_implement_it():
    s = deals.partner_stages(table()).set_index("partner")
    assert pd.isna(s.loc["Thailand", "implemented"])  # its rate was set on 2025-08-07, before the October deal
    assert s.loc["EU", "implemented"] == pd.Timestamp("2025-08-07")


def test_cumulative_counts_in_effect_and_pledge():
    s = deals.partner_stages(table())
    c = deals.cumulative_counts(s, "2025-04-02", "2026-03-31").set_index("date")
    assert c.loc["2025-05-11", "announced"] == 1 and c.loc["2025-07-09", "announced"] == 2
    assert c.loc["2025-12-31", "announced"] == 4 and c.loc["2025-12-31", "implemented"] == 3
    assert c.loc["2025-12-31", "in_effect"] == 3 and c.loc["2026-03-31", "in_effect"] == 1  # China's truce still ran
    early = deals.partner_stages(table(), rates_ended_on="2026-02-20").set_index("partner")
    assert early.loc["UK", "rate_ended"] == pd.Timestamp("2026-02-20") and pd.isna(early.loc["China", "rate_ended"])
    pledge = deals.pledge_line(pd.Series(pd.to_datetime(["2025-04-08", "2025-04-11", "2025-07-09", "2025-12-01"])), "2025-04-10")
    assert list(pledge) == [0, 1, 90, 90]


def test_coverage_weights_and_missing_weight():
    s = deals.partner_stages(table())
    days = pd.Series(pd.to_datetime(["2025-05-01", "2025-05-20", "2025-09-01"]))
    weights = {"UK": 10, "China": 40, "EU": 50, "Thailand": 0}
    assert list(deals.coverage(s, "announced", weights, 200, days)) == [0, 0.25, 0.5]
    with pytest.raises(KeyError, match="EU"):
        deals.coverage(s, "announced", {"UK": 10, "China": 40, "Thailand": 0}, 200, days)
