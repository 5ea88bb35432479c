"""Census calculated duties: the loaders for the public copy and for the official API, the EU sum, the rate."""

import json

import pandas as pd
import pytest

from helpers import duties
from helpers.io import RawDataError

ABW = {"country_code": "ABW", "year": 2024, "duties": [3301, 1492, 463, 454, 1593, 68, 1108, 178, 281, 934, 596, 288],
       "import_value": [635706, 978701, 670185, 397703, 759743, 708534, 1130998, 1223570, 1729986, 1009162, 701633, 635708],
       "duties_year": 10756, "import_value_year": 10581629}
AIA = {"country_code": "AIA", "year": 2026, "duties": [0, 0, 0, 0, 0, 0, 0, None, None, None, None, None],
       "import_value": [27078, 4465, 10412, 91143, 30038, 79451, 11163, None, None, None, None, None],
       "duties_year": 0, "import_value_year": 253750}


def test_year_file_loader_converts_dollars_and_skips_unpublished_months(tmp_path):
    path = tmp_path / "2024.json"
    path.write_text(json.dumps([ABW, AIA]))
    rows = duties.read_duties_json(path)
    first = rows[(rows["partner_code"] == "ABW") & (rows["month"] == 1)].iloc[0]
    assert first["imports_consumption_musd"] == pytest.approx(0.635706) and first["calculated_duty_musd"] == pytest.approx(0.003301)
    assert len(rows[rows["partner_code"] == "AIA"]) == 7  # August-December not yet published


def test_a_year_file_whose_months_do_not_add_up_names_the_country(tmp_path):
    path = tmp_path / "2024.json"
    path.write_text(json.dumps([{**ABW, "duties_year": 1}]))
    with pytest.raises(RawDataError, match="ABW.*duties months do not add up"):
        duties.read_duties_json(path)


def test_census_api_answer_is_summed_over_chapters():
    answer = json.dumps([["CTY_CODE", "CTY_NAME", "CAL_DUT_MO", "CON_VAL_MO", "time", "COMM_LVL"],
                         ["5700", "CHINA", "1000000", "10000000", "2025-05", "HS2"],
                         ["5700", "CHINA", "500000", "5000000", "2025-05", "HS2"],
                         ["9999", "ELSEWHERE", "7", "7", "2025-05", "HS2"]])
    rows = duties.read_census_api(answer, 2025, 5)
    assert list(rows["partner_code"]) == ["CHN"]
    assert rows.iloc[0]["calculated_duty_musd"] == pytest.approx(1.5) and rows.iloc[0]["imports_consumption_musd"] == pytest.approx(15)


def test_eu_sum_needs_every_member_and_rates_divide():
    tidy = pd.DataFrame([{"partner_code": c, "year": 2024, "month": 1, "imports_consumption_musd": 10.0,
                          "calculated_duty_musd": 1.0} for c in duties.EU27])
    with_eu = duties.add_eu27(pd.concat([tidy, tidy.iloc[:3].assign(month=2)]))
    eu = with_eu[with_eu["partner_code"] == "EUU"]
    assert len(eu) == 1 and eu.iloc[0]["imports_consumption_musd"] == 270  # February lacks members: left out
    rates = duties.collected_rates(with_eu)
    assert rates.loc[rates["partner_code"] == "EUU", "collected_rate"].item() == pytest.approx(0.1)
    assert duties.annual_rate(rates, "EUU", 2024) == pytest.approx(0.1)


@pytest.mark.parametrize("content,message", [
    (json.dumps({"ABW": ABW}), r"not a JSON array of countries"),
    (json.dumps(["ABW"]), r"not a JSON array of countries"),
    (json.dumps([{**ABW, "duties": ["3301"] * 12, "duties_year": None}]), r"column 'ABW': not a finite, non-negative number of "
                                                                         r"dollars: duties month 1: '3301'"),
    (json.dumps([{**ABW, "duties_year": None}]).replace("3301", "NaN"), r"duties month 1: nan"),
    (json.dumps([{**ABW, "duties_year": None}]).replace("3301", "Infinity"), r"duties month 1: inf"),
    (json.dumps([{**ABW, "import_value": [-1] * 12, "import_value_year": None}]), r"import_value month 1: -1"),
])
def test_a_malformed_year_file_is_one_error_naming_the_file(tmp_path, content, message):
    """Before: a bare AttributeError or TypeError, or NaN and Infinity (valid in Python's JSON) passed as amounts."""
    path = tmp_path / "2024.json"
    path.write_text(content)
    with pytest.raises(RawDataError, match=rf"^2024.json: 1 problem\(s\)\n  - 2024.json, .*{message}"):
        duties.read_duties_json(path)


HEADER = ["CTY_CODE", "CTY_NAME", "CAL_DUT_MO", "CON_VAL_MO"]


@pytest.mark.parametrize("answer,message", [
    ("<html>rate limited</html>", r" is not JSON"),
    ("[]", r" is not a JSON array of rows with a header"),
    (json.dumps([["CTY_CODE", "CTY_NAME"], ["5700", "CHINA"]]), r" lacks column\(s\) \['CAL_DUT_MO', 'CON_VAL_MO'\]"),
    (json.dumps([HEADER, ["5700", "CHINA", "(D)", "1"]]), r": CAL_DUT_MO '\(D\)' \(country 5700\) is not"),
    (json.dumps([HEADER, ["5700", "CHINA", "1", "inf"]]), r": CON_VAL_MO 'inf' \(country 5700\) is not"),
])
def test_a_malformed_api_answer_is_one_line_naming_the_month(answer, message):
    with pytest.raises(ValueError, match=rf"^the Census API answer for 2025-05{message}"):
        duties.read_census_api(answer, 2025, 5)


def test_the_nearest_month_is_the_month_of_the_day_else_the_latest_published():
    rates = duties.collected_rates(pd.DataFrame({
        "partner_code": ["CHN"] * 3 + ["MEX"], "year": [2025, 2025, 2025, 2025], "month": [1, 2, 4, 1],
        "imports_consumption_musd": [100.0, 100.0, 200.0, 50.0], "calculated_duty_musd": [10.0, 20.0, 10.0, 1.0]}))
    assert duties.nearest_month_rate(rates, "CHN", "2025-02-27") == (pd.Timestamp("2025-02-01"), 0.2)
    assert duties.nearest_month_rate(rates, "CHN", "2025-03-15") == (pd.Timestamp("2025-02-01"), 0.2)  # March unpublished
    assert duties.nearest_month_rate(rates, "CHN", "2026-10-07") == (pd.Timestamp("2025-04-01"), 0.05)
    month, rate = duties.nearest_month_rate(rates, "CHN", "2024-12-31")
    assert month is None and rate != rate  # nothing published yet: NaN
