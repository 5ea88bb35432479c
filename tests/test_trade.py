"""The Census loader, on a small fixture in the official layout that the test builds itself."""

import numpy as np
import pandas as pd
import pytest

from helpers import trade
from helpers.io import RawDataError


def census_fixture(path, rows=None):
    """Write a tiny official-layout Census file: world, the EU aggregate, China and 'Korea, South'."""
    rows = rows or [
        ("0001", "World, Not Seasonally Adjusted", 100.0, 60.0),
        ("0003", "European Union", 30.0, 20.0),
        ("5700", "China", 24.0, 6.0),
        ("5800", "Korea, South", 12.0, 12.0),
    ]
    records = []
    for code, name, imports_month_total, exports_month_total in rows:
        rec = {"year": "2024", "CTY_CODE": code, "CTYNAME": name}
        for m in trade.MONTHS:
            rec[f"I{m}"] = imports_month_total / 12
            rec[f"E{m}"] = exports_month_total / 12
        rec["IYR"], rec["EYR"] = imports_month_total, exports_month_total
        records.append(rec)
    pd.DataFrame(records)[trade.CENSUS_COLUMNS].to_csv(path, index=False)
    return path


def test_reads_official_layout_into_tidy_rows(tmp_path):
    tidy = trade.read_census_layout(census_fixture(tmp_path / "country.csv"))
    assert set(tidy["partner_code"]) == {"WLD", "EUU", "CHN", "KOR"}
    assert tidy[tidy["partner_code"] == "EUU"]["is_aggregate"].all()
    assert not tidy[tidy["partner_code"] == "KOR"]["is_aggregate"].any()
    annual = tidy[tidy["month"].isna()].set_index("partner_code")
    assert annual.loc["CHN", "imports_musd"] == 24.0 and annual.loc["CHN", "exports_musd"] == 6.0
    assert len(tidy) == 4 * 13


def test_rebuild_writes_our_raw_layout(tmp_path):
    out = tmp_path / "raw.csv"
    table = trade.rebuild_raw_table(census_fixture(tmp_path / "c.csv"), out, ["WLD", "CHN", "KOR"], ["CHN"])
    assert list(table.columns) == ["partner_code", "year", "month", "exports_musd", "imports_musd", "source"]
    assert len(table) == 3 + 12
    written = pd.read_csv(out)
    assert written["source"].eq(trade.CENSUS_URL).all()


def test_malformed_file_names_line_and_column_and_writes_nothing(tmp_path):
    bad = census_fixture(tmp_path / "c.csv")
    df = pd.read_csv(bad, dtype=str)
    df.loc[2, "IMAR"] = "n/a"
    df.to_csv(bad, index=False)
    out = tmp_path / "raw.csv"
    out.write_text("previous good table\n")
    with pytest.raises(RawDataError, match="line 4, column 'IMAR': 'n/a' is not a number"):
        trade.rebuild_raw_table(bad, out, ["CHN"], ["CHN"])
    assert out.read_text() == "previous good table\n"


def test_missing_column_and_unknown_name(tmp_path):
    bad = census_fixture(tmp_path / "c.csv")
    pd.read_csv(bad).drop(columns=["EYR"]).to_csv(bad, index=False)
    with pytest.raises(RawDataError, match="column 'EYR': required column is missing"):
        trade.read_census_layout(bad)
    odd = census_fixture(tmp_path / "d.csv", [("9999", "Atlantis", 1.0, 1.0)])
    with pytest.raises(RawDataError, match="line 2, column 'CTYNAME'.*Atlantis"):
        trade.read_census_layout(odd)
    with pytest.raises(RawDataError, match="missing or empty"):
        trade.read_census_layout(tmp_path / "none.csv")


def test_consistency_checks_catch_both_kinds_of_error():
    rows = [
        {"partner_code": "WLD", "year": 2024, "month": np.nan, "exports_musd": 10.0, "imports_musd": 10.0},
        {"partner_code": "CHN", "year": 2024, "month": np.nan, "exports_musd": 11.0, "imports_musd": 4.0},
    ] + [{"partner_code": "CHN", "year": 2024, "month": float(m), "exports_musd": 1.0, "imports_musd": 0.5}
         for m in range(1, 13)]
    problems = trade.consistency_problems(pd.DataFrame(rows))
    assert any("exports_musd 11.0 > world 10.0" in p for p in problems)
    assert any("months sum to 6.0, year says 4.0 (imports)" in p for p in problems)
    good = pd.DataFrame(rows).assign(exports_musd=lambda d: np.where(d["month"].isna() & (d["partner_code"] == "CHN"), 12.0, d["exports_musd"]))
    good.loc[0, "exports_musd"] = 20.0
    good.loc[1, "imports_musd"] = 6.3
    assert trade.consistency_problems(good) == []


def test_trade_shares():
    rows = pd.DataFrame([
        {"partner_code": "WLD", "year": 2000, "month": np.nan, "exports_musd": 50.0, "imports_musd": 50.0},
        {"partner_code": "ZAF", "year": 2000, "month": np.nan, "exports_musd": 1.0, "imports_musd": 1.0},
        {"partner_code": "BWA", "year": 2000, "month": np.nan, "exports_musd": 0.5, "imports_musd": 0.5},
    ])
    shares = trade.trade_shares(rows, {"sacu": ("ZAF", "BWA"), "x": ("ZAF", "NAM"), "ftaa": ()},
                                {"sacu": 2000, "x": 2000, "ftaa": 2000})
    assert shares["sacu"] == pytest.approx(0.03)
    assert np.isnan(shares["x"]) and np.isnan(shares["ftaa"])


@pytest.mark.parametrize("column,value,message", [
    ("year", "2O24", r"line 4, column 'year': '2O24' is not a year"),
    ("CTY_CODE", "57OO", r"line 4, column 'CTY_CODE': '57OO' is not a Census country code \(a number\)"),
    ("CTYNAME", "China\x1b[2K", r"line 4, column 'CTYNAME': 'China\\x1b\[2K' holds a control character \(U\+001B\)"),
    ("CTYNAME", "China\u202e", r"line 4, column 'CTYNAME': 'China\\u202e' holds RIGHT-TO-LEFT OVERRIDE"),
    ("IJAN", "inf", r"line 4, column 'IJAN': 'inf' is not a number"),
])
def test_every_malformed_census_cell_is_named_never_a_bare_exception(tmp_path, column, value, message):
    """Before, a bad year was a bare ValueError, a bad code was blamed on the name, and a name with a hidden character
    passed as China."""
    bad = census_fixture(tmp_path / "c.csv")
    df = pd.read_csv(bad, dtype=str)
    df.loc[2, column] = value
    df.to_csv(bad, index=False)
    with pytest.raises(RawDataError, match=rf"^c.csv: 1 problem\(s\)\n  - c.csv, {message}"):
        trade.read_census_layout(bad)
