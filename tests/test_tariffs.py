"""The rate a partner faces: which rate row applies, the headline sum, all-in caps, terminations, product layers."""

import pandas as pd
import pytest

from helpers import tariffs
from helpers.io import RawDataError

ACTION_COLS = ["action_id", "signed", "announced", "effective", "ended", "superseded_by"]
RATE_COLS = ["action_id", "layer", "partner", "product_scope", "coverage", "rate_pct", "rate_basis", "effective", "source"]


def record(actions, rates):
    a = pd.DataFrame(actions, columns=ACTION_COLS)
    r = pd.DataFrame([(*row, "https://www.whitehouse.gov/x") for row in rates], columns=RATE_COLS)
    return a, r


# A small record shaped like the real one: a baseline with Annex I rates, a pause whose All row does not reach
# Mexico, a deal partner's all-in cap, China's same-day replacement, a termination to 0, Section 122 and 301 after.
ACTIONS = [
    ("fent-cn", "2025-02-01", "2025-02-01", "2025-02-04", "2026-02-24", None),
    ("fent-mx", "2025-02-01", "2025-02-01", "2025-03-04", "2026-02-24", None),
    ("recip", "2025-04-02", "2025-04-02", "2025-04-05", "2026-02-24", None),
    ("cn-84", "2025-04-08", "2025-04-08", "2025-04-09", None, None),
    ("pause", "2025-04-09", "2025-04-09", "2025-04-10", "2025-08-07", None),
    ("deal-jp", "2025-09-04", "2025-07-22", "2025-08-07", None, None),
    ("aug", "2025-07-31", "2025-07-31", "2025-08-07", "2026-02-24", None),
    ("end-ieepa", "2026-02-20", "2026-02-20", "2026-02-24", None, None),
    ("s122", "2026-02-20", "2026-02-20", "2026-02-24", "2026-07-24", None),
    ("s301", "2026-07-23", "2026-07-23", "2026-07-24", None, None),
    ("steel", "2025-02-10", "2025-02-10", "2025-03-12", None, None),
]
EW, PS = "economy_wide", "product_specific"
RATES = [
    ("fent-cn", "fentanyl_ieepa", "China", "all goods", EW, "10", "additional", None),
    ("fent-mx", "fentanyl_ieepa", "Mexico", "all goods", EW, "25", "additional", None),
    ("fent-mx", "fentanyl_ieepa", "Mexico", "USMCA goods", PS, "0", "exempt", None),
    ("recip", "reciprocal_ieepa", "All", "all goods", EW, "10", "additional", None),
    ("recip", "reciprocal_ieepa", "Mexico", "all goods", EW, "0", "exempt", None),
    ("recip", "reciprocal_ieepa", "China", "all goods", EW, "34", "additional", "2025-04-09"),
    ("recip", "reciprocal_ieepa", "Japan", "all goods", EW, "24", "additional", "2025-04-09"),
    ("cn-84", "reciprocal_ieepa", "China", "all goods", EW, "84", "additional", None),
    ("pause", "reciprocal_ieepa", "All", "all goods", EW, "10", "additional", None),
    ("pause", "reciprocal_ieepa", "China", "all goods", EW, "125", "additional", None),
    ("pause", "reciprocal_ieepa", "Mexico", "all goods", EW, None, "unchanged", None),
    ("aug", "reciprocal_ieepa", "All", "all goods", EW, "10", "additional", None),
    ("aug", "reciprocal_ieepa", "Japan", "all goods", EW, "15", "additional", None),
    ("deal-jp", "reciprocal_ieepa", "Japan", "goods with MFN below 15%", EW, "15", "all_in", "2025-08-07"),
    ("end-ieepa", "reciprocal_ieepa", "All", "all goods", EW, "0", "additional", None),
    ("end-ieepa", "fentanyl_ieepa", "China", "all goods", EW, "0", "additional", None),
    ("s122", "section_122", "All", "all goods", EW, "10", "additional", None),
    ("s301", "section_301", "China", "all goods", EW, "12.5", "additional", None),
    ("s301", "section_301", "Japan", "all goods", EW, "12.5", "all_in", None),
    ("steel", "section_232", "All", "steel", PS, "25", "additional", None),
    ("steel", "section_232", "Japan", "steel", PS, "15", "all_in", None),
    ("steel", "section_232", "All", "aluminum", PS, "25", "additional", None),
]


def test_china_path_layers_add_up_same_day_replacement_and_termination_to_zero():
    a, r = record(ACTIONS, RATES)
    path = tariffs.rate_path(a, r, "China")
    on = {d: tariffs.rate_on(path, d) for d in ["2025-01-01", "2025-02-04", "2025-04-05", "2025-04-09", "2025-04-10",
                                                 "2025-08-07", "2026-02-24", "2026-07-24"]}
    # 34% and 84% both start on 2025-04-09: the later-signed order prevails; 125% the next day; all IEEPA layers end
    # on 2026-02-24 (rows setting 0), the Section 122 surcharge expires with its action, Section 301 follows.
    assert on == {"2025-01-01": 0, "2025-02-04": 10, "2025-04-05": 20, "2025-04-09": 94, "2025-04-10": 135,
                  "2025-08-07": 20, "2026-02-24": 10, "2026-07-24": 12.5}
    assert path["reciprocal_ieepa"].max() == 125 and tariffs.rate_on(path, "2026-03-01", "fentanyl_ieepa") == 0
    assert path.loc[path["effective"] == "2026-07-24", "actions"].item().split() == ["s122", "s301"]


def test_a_partner_row_overrides_the_all_row_of_its_action_only_once_it_has_started():
    a, r = record(ACTIONS, RATES)
    japan = tariffs.rate_path(a, r, "Japan")
    # 2025-04-05: the baseline All row; 2025-04-09: Japan's own Annex I row; 2025-04-10: the pause's All row
    assert [tariffs.rate_on(japan, d) for d in ("2025-04-05", "2025-04-09", "2025-04-10")] == [10, 24, 10]


def test_an_unchanged_row_keeps_the_all_row_of_that_action_away_from_the_partner():
    a, r = record(ACTIONS, RATES)
    mexico = tariffs.rate_path(a, r, "Mexico")
    # exempt from the reciprocal tariff (its own 0 row), and the pause's 10% does not reach it (unchanged);
    # but the August order's All row would, having no Mexico row: that is why the real record has one
    assert tariffs.rate_on(mexico, "2025-05-01") == 25 and tariffs.rate_on(mexico, "2025-05-01", "reciprocal_ieepa") == 0
    without = r[~((r["action_id"] == "pause") & (r["partner"] == "Mexico"))]
    assert tariffs.rate_on(tariffs.rate_path(a, without, "Mexico"), "2025-05-01") == 35


def test_an_all_in_cap_counts_at_its_cap_and_is_said():
    a, r = record(ACTIONS, RATES)
    japan = tariffs.rate_path(a, r, "Japan")
    step = japan[japan["effective"] == "2025-08-07"].iloc[0]
    # same start day as the August order's 15% additional: the later-signed deal order (all-in) prevails
    assert step["total_pct"] == 15 and step["all_in"] == "reciprocal_ieepa"
    assert tariffs.rate_on(japan, "2026-08-01") == 12.5 and japan.iloc[-1]["all_in"] == "section_301"
    state = tariffs.layer_rates(tariffs.rate_rows(a, r), "JPN", "2025-09-01")
    assert tariffs.headline(state) == (15.0, ["reciprocal_ieepa"])


def test_a_partner_with_no_row_of_its_own_gets_the_all_rows():
    a, r = record(ACTIONS, RATES)
    india = tariffs.rate_path(a, r, "India")
    # baseline 10% reciprocal; on 2026-02-24 the reciprocal layer ends and the Section 122 10% begins (same total, new
    # layer: still a step); on 2026-07-24 the surcharge expires and no Section 301 row names India
    assert list(india["total_pct"]) == [10, 10, 0]
    assert list(india["effective"].dt.strftime("%Y-%m-%d")) == ["2025-04-05", "2026-02-24", "2026-07-24"]
    assert list(india["section_122"]) == [0, 10, 0]


def test_product_layers_stay_beside_the_headline_with_a_deal_cap_replacing_the_same_products():
    a, r = record(ACTIONS, RATES)
    japan = tariffs.product_rates(a, r, "Japan")
    assert sorted(zip(japan["product_scope"], japan["rate"], japan["rate_basis"])) == [
        ("aluminum", 25, "additional"), ("steel", 15, "all_in")]
    assert tariffs.product_max(japan, "2025-06-01") == (25.0, 2) and tariffs.product_max(japan, "2025-01-01") == (0.0, 0)
    assert tariffs.rate_on(tariffs.rate_path(a, r, "Japan"), "2025-04-05") == 10  # 232 never in the headline


def test_daily_rates_cover_every_day_with_zero_before_the_first_action():
    a, r = record(ACTIONS, RATES)
    daily = tariffs.daily_rates(a, r, ["China", "Japan"], "2025-01-20", "2026-08-01")
    assert len(daily) == 2 * len(pd.date_range("2025-01-20", "2026-08-01"))
    china = daily[daily["partner"] == "China"].set_index("date")
    assert china.at["2025-01-20", "headline_pct"] == 0 and china.at["2025-04-10", "headline_pct"] == 135
    assert china.at["2025-04-10", "reciprocal_ieepa_pct"] == 125 and china.at["2025-04-10", "partner_code"] == "CHN"
    japan = daily[daily["partner"] == "Japan"].set_index("date")
    assert japan.at["2025-09-01", "all_in_layers"] == "reciprocal_ieepa" and japan.at["2025-09-01", "product_max_pct"] == 25


def test_change_labels_name_the_layers_that_moved():
    a, r = record(ACTIONS, RATES)
    labels = tariffs.change_labels(tariffs.rate_path(a, r, "China"))
    assert labels[0] == "04 Feb 2025: IEEPA fentanyl 10%"
    assert labels[-1] == "24 Jul 2026: Section 122 0%, Section 301 12.5%"


def test_no_dated_rate_is_an_error():
    a, r = record(ACTIONS, [])
    with pytest.raises(ValueError, match="no dated rates for 'China'"):
        tariffs.rate_path(a, r, "China")


@pytest.mark.parametrize("change,message", [
    (lambda a, r: r.assign(action_id=r["action_id"].replace("s301", "s302")), r"'s302' is not an action_id in data/raw/tariff_actions.csv"),
    (lambda a, r: r.assign(effective=r["effective"].where(r["action_id"] != "s122", "2026-01-01")),
     r"effective \(2026-01-01\) is before its action's effective date \(2026-02-24\)"),
    (lambda a, r: r.assign(effective=r["effective"].where(r["action_id"] != "s122", "2026-08-01")),
     r"effective \(2026-08-01\) is not before its action ended \(2026-07-24\)"),
    (lambda a, r: pd.concat([r, r[r["action_id"] == "s301"].head(1)]).reset_index(drop=True),
     r"a second economy-wide section_301 rate for China from 2026-07-24 in action s301"),
    (lambda a, r: r.assign(action_id=r["action_id"].replace("cn-84", "recip-bis")),
     None),
])
def test_the_record_as_a_whole_is_checked(change, message):
    a, r = record(ACTIONS, RATES)
    r = change(a, r)
    if message is None:  # an unknown action only
        with pytest.raises(RawDataError, match="'recip-bis' is not an action_id"):
            tariffs.check_record(a, r)
        return
    with pytest.raises(RawDataError, match=message):
        tariffs.check_record(a, r)


def test_two_actions_signed_the_same_day_setting_one_rate_must_say_which_prevails():
    actions = [row if row[0] != "cn-84" else ("cn-84", "2025-04-02", "2025-04-02", "2025-04-09", None, None) for row in ACTIONS]
    a, r = record(actions, RATES)
    with pytest.raises(RawDataError, match=r"recip and cn-84 both set the economy-wide reciprocal_ieepa rate for China from "
                                           r"2025-04-09 and were signed the same day"):
        tariffs.check_record(a, r)
    a.loc[a["action_id"] == "recip", "superseded_by"] = "cn-84"
    tariffs.check_record(a, r)
    assert tariffs.rate_on(tariffs.rate_path(a, r, "China"), "2025-04-09", "reciprocal_ieepa") == 84


def test_the_real_record_loads_and_china_peaks_at_145():
    actions, rates = tariffs.load_record()
    china = tariffs.rate_path(actions, rates, "China")
    peak = china.loc[china["total_pct"].idxmax()]
    assert (peak["total_pct"], peak["reciprocal_ieepa"], peak["fentanyl_ieepa"]) == (145, 125, 20)
    assert f"{peak['effective']:%Y-%m-%d}" == "2025-04-10" and tariffs.ieepa_end(actions) == "2026-02-24"
    assert tariffs.rate_on(china, "2026-07-24", "section_301") == 12.5  # the layer recorded for that day is drawn


def test_two_proceedings_of_one_layer_add_up_and_each_replaces_only_its_own():
    actions = ACTIONS + [("s301-br", "2026-07-17", "2026-07-17", "2026-07-22", None, None),
                         ("s301-br-up", "2026-09-01", "2026-09-01", "2026-09-05", None, None)]
    rates = RATES + [("s301", "section_301", "Brazil", "all goods", EW, "12.5", "additional", None),
                     ("s301-br", "section_301", "Brazil", "all goods", EW, "25", "additional", None),
                     ("s301-br-up", "section_301", "Brazil", "all goods", EW, "30", "additional", None)]
    a, r = record(actions, rates)
    a["proceeding"] = a["action_id"].map({"s301": "forced-labor", "s301-br": "brazil", "s301-br-up": "brazil"})
    brazil = tariffs.rate_path(a, r, "Brazil")
    # the Brazil investigation's 25% stacks with the forced-labour 12.5%; a later Brazil action replaces only the 25%
    assert [tariffs.rate_on(brazil, d, "section_301") for d in ("2026-07-22", "2026-07-24", "2026-09-05")] == [25, 37.5, 42.5]
    assert brazil.iloc[-2]["actions"] == "s122 s301" and brazil.iloc[-1]["actions"] == "s301-br-up"
    a["proceeding"] = None  # one proceeding: the latest start wins
    assert tariffs.rate_on(tariffs.rate_path(a, r, "Brazil"), "2026-08-01", "section_301") == 12.5


def test_major_partners_are_the_cohort_members_above_the_import_share():
    trade = pd.DataFrame({"partner_code": ["WLD", "CHN", "EUU", "KOR", "NRU", "CHN"], "year": [2024, 2024, 2024, 2024, 2024, 2023],
                          "imports_musd": [1000.0, 150.0, 200.0, 5.0, 4.9, 999.0]})
    major = tariffs.major_partners(["China", "South Korea", "European Union", "Nauru", "Laos"], trade, 2024, 0.005)
    assert list(major["partner"]) == ["European Union", "China", "South Korea"]  # Nauru below 0.5%, Laos not in the table
    assert list(major["partner_code"]) == ["EUU", "CHN", "KOR"] and major["share"].iloc[0] == pytest.approx(0.2)


def test_partner_panels_draw_one_panel_per_partner_and_a_key_of_their_layers():
    import matplotlib.pyplot as plt

    from helpers import tariff_figures

    a, r = record(ACTIONS, RATES)
    daily = tariffs.daily_rates(a, r, ["China", "Japan", "Mexico"], "2025-01-20", "2026-08-01")
    collected = pd.DataFrame({"partner_code": ["CHN", "JPN"], "date": pd.to_datetime(["2025-05-01", "2025-05-01"]),
                              "collected_rate": [0.4, 0.1]})
    stages = {"Japan": {"announced": pd.Timestamp("2025-07-22"), "implemented": pd.Timestamp("2025-09-04")}}
    fig = tariff_figures.partner_rate_panels(daily, collected, stages, ["China", "Japan", "Mexico"],
                                             {"China": 0.13, "Japan": 0.05, "Mexico": 0.15}, "2026-08-01", ncols=2)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["China (13.0% of imports)", "Japan (5.0% of imports)", "Mexico (15.0% of imports)"]
    key = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Section 301 on all goods" in key and "IEEPA other (Brazil 40%, India 25%)" not in key  # only layers drawn
    assert panels[0].get_ylim()[1] >= 135  # China's 135% peak (this record) fits its panel
    plt.close(fig)
