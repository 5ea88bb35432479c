"""The duties updater keeps every partner of the committed table: the EU-27 summed from its members through one
function (duties.partner_table) on both paths, the public copy's year files and the Census API (fixtures in
tests/fixtures/duties, no network)."""

import hashlib
import importlib.util
import json

import pandas as pd
import pytest

from helpers import duties, paths, schemas, web
from helpers.io import read_raw_csv

FIXTURES = paths.ROOT / "tests" / "fixtures" / "duties"
API = FIXTURES / "census_api_2024_01.json"


def committed_month(year: int, month: int) -> pd.DataFrame:
    raw = read_raw_csv(paths.RAW / schemas.CENSUS_DUTIES.file)
    rows = raw[(raw["year"] == str(year)) & (raw["month"] == str(month))]
    return rows.assign(**{c: pd.to_numeric(rows[c]) for c in ("imports_consumption_musd", "calculated_duty_musd")}
                       ).set_index("partner_code").sort_index()


def assert_same_as_committed(table: pd.DataFrame) -> None:
    committed = committed_month(2024, 1)
    got = table.set_index("partner_code").sort_index()
    assert list(got.index) == list(committed.index)  # every partner of the committed table, and no other
    for column in ("imports_consumption_musd", "calculated_duty_musd"):
        assert got[column].to_numpy() == pytest.approx(committed[column].to_numpy(), abs=1e-9)


def api_answer(drop: str | None = None) -> str:
    rows = json.loads(API.read_text())["exchanges"][0]["response"]["json"]
    return json.dumps([r for r in rows if r[1] != drop])


def load_updater():
    spec = importlib.util.spec_from_file_location("update_duties_data", paths.ROOT / "scripts" / "update_duties_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_census_api_path_rebuilds_the_committed_month_with_the_eu27_sum():
    tidy = duties.read_census_api(api_answer(), 2024, 1)
    assert "DEU" in set(tidy["partner_code"]) and "NOR" in set(tidy["partner_code"])  # EU members and others, by name
    assert not tidy["partner_code"].isna().any()  # Census's own EU (0003) and regions (4XXX) are not countries
    assert_same_as_committed(duties.partner_table(tidy))


def test_the_public_copy_path_goes_through_the_same_function_and_agrees():
    tidy = duties.read_duties_json(FIXTURES / "copy_2024_01.json")
    assert_same_as_committed(duties.partner_table(tidy))


def test_a_member_the_api_does_not_name_makes_the_eu_row_vanish_and_coverage_says_so():
    table = duties.partner_table(duties.read_census_api(api_answer(drop="GERMANY"), 2024, 1))
    assert "EUU" not in set(table["partner_code"])
    problems = duties.coverage_problems(table, read_raw_csv(paths.RAW / schemas.CENSUS_DUTIES.file))
    assert problems == ["EUU: no row at all (the committed table has 115)"]


def test_coverage_names_the_month_a_partner_is_missing():
    full = duties.partner_table(duties.read_census_api(api_answer(), 2024, 1))
    later = full.assign(month=2)
    gap = pd.concat([full, later[later["partner_code"] != "EUU"]])
    assert duties.coverage_problems(gap, full) == ["2024-02: no row for EUU"]
    assert duties.coverage_problems(full, full) == []


def test_unreadable_country_names_are_left_out_and_named():
    answer = json.loads(api_answer())
    answer.append(["9999", "ATLANTIS", "7", "7", "2024-01", "HS2"])
    tidy = duties.read_census_api(json.dumps(answer), 2024, 1)
    assert tidy.attrs["unread"] == ["ATLANTIS"] and len(tidy) == len(duties.read_census_api(api_answer(), 2024, 1))


def raw_hashes() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(paths.RAW.rglob("*")) if p.is_file()}


def test_the_updater_rebuilds_a_table_that_keeps_every_committed_partner(tmp_path):
    before = raw_hashes()
    client = web.Client(web.Recorded(API), host_delay=0, sleep=lambda s: None)
    out = tmp_path / "census_duties_by_partner.csv"
    assert load_updater().main(["--out", str(out), "--from", "2024-01"], client=client, today=pd.Timestamp("2024-04-01").date()) == 0
    rebuilt = pd.read_csv(out)
    assert list(rebuilt.columns) == ["partner_code", "year", "month", "imports_consumption_musd", "calculated_duty_musd", "source"]
    assert set(rebuilt["partner_code"]) == set(read_raw_csv(paths.RAW / schemas.CENSUS_DUTIES.file)["partner_code"])
    assert_same_as_committed(rebuilt)
    assert rebuilt["source"].eq(duties.CENSUS_API.format(year=2024, month=1)).all()  # the EU row cites its members' request
    assert raw_hashes() == before  # data/raw/ untouched


def test_the_updater_writes_nothing_when_the_eu_sum_would_be_lost(tmp_path, capsys):
    answer = json.loads(API.read_text())
    answer["exchanges"][0]["response"]["json"] = json.loads(api_answer(drop="GERMANY"))
    recording = tmp_path / "no_germany.json"
    recording.write_text(json.dumps(answer))
    out = tmp_path / "out.csv"
    client = web.Client(web.Recorded(recording), host_delay=0, sleep=lambda s: None)
    assert load_updater().main(["--out", str(out), "--from", "2024-01"], client=client, today=pd.Timestamp("2024-04-01").date()) == 2
    assert not out.exists()
    assert "EUU: no row at all" in capsys.readouterr().err


def test_the_updater_offline_stops_with_one_sentence(tmp_path, capsys):
    recording = tmp_path / "offline.json"
    url = duties.CENSUS_API.format(year=2024, month=1)
    recording.write_text(json.dumps({"exchanges": [{"request": {"url": url}, "error": "[Errno -2] Name or service not known"}]}))
    client = web.Client(web.Recorded(recording), host_delay=0, sleep=lambda s: None)
    out = tmp_path / "out.csv"
    assert load_updater().main(["--out", str(out), "--from", "2024-01"], client=client, today=pd.Timestamp("2024-04-01").date()) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("make update-duties-data stopped: Census international trade API: no answer")
    assert "no HTTP status" in err and not out.exists()
