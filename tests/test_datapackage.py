"""datapackage.json validates (frictionless, offline) and describes every table; the workbook is reproducible."""

import copy
import io
import json

import pandas as pd
import pytest

from helpers import datapackage
from helpers.execution import input_path, listing
from helpers.paths import PROCESSED, RAW, REPORTS, ROOT

# The tests marked `outputs` read the outputs under test: under `make test`, the checked run's (helpers.execution).


@pytest.fixture
def package() -> dict:
    descriptor = input_path(ROOT / "datapackage.json")
    if not descriptor.is_file():
        pytest.fail("datapackage.json is missing: run `make all` first")
    return json.loads(descriptor.read_text(encoding="utf-8"))


def validate(descriptor: dict):
    from frictionless import Package, system

    descriptor = copy.deepcopy(descriptor)
    for resource in descriptor["resources"]:  # the checked run's copy of a table where it has one
        resource["path"] = str(input_path(ROOT / resource["path"]))
    with system.use_context(trusted=True):
        return Package(descriptor, basepath=str(ROOT)).validate()


@pytest.mark.outputs
def test_the_committed_descriptor_validates(package):
    report = validate(package)
    errors = [f"{task.name}: {e.message}" for task in report.tasks for e in task.errors][:10]
    assert report.valid, "datapackage.json does not match the data:\n" + "\n".join(errors + [e.message for e in report.errors])


@pytest.mark.outputs
def test_every_raw_and_processed_table_is_described(package):
    paths = {r["path"] for r in package["resources"]}
    files = {f"data/raw/{p.name}" for p in RAW.glob("*.csv")} | {f"data/processed/{p.name}" for p in listing(PROCESSED, "*.csv")}
    assert paths == files
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    negotiations = next(r for r in package["resources"] if r["path"] == "data/raw/negotiations.csv")
    fields = {f["name"]: f for f in negotiations["schema"]["fields"]}
    assert fields["status"]["constraints"]["enum"][0] == "in_force"
    assert fields["signed"]["constraints"]["pattern"] == datapackage.DATE_PATTERN
    assert "was read from" in fields["source_signed"]["description"]
    assert fields["negotiation_id"]["constraints"] == {"pattern": "[a-z0-9][a-z0-9-]*", "required": True, "unique": True}
    assert any("ustr.gov" in s["path"] for s in negotiations["sources"])


@pytest.mark.outputs
def test_validation_fails_when_the_data_breaks_the_schema(package):
    broken = copy.deepcopy(package)
    negotiations = next(r for r in broken["resources"] if r["path"] == "data/raw/negotiations.csv")
    status = next(f for f in negotiations["schema"]["fields"] if f["name"] == "status")
    status["constraints"]["enum"] = ["ongoing"]  # every other status now breaks the descriptor
    report = validate(broken)
    assert not report.valid
    assert any("constraint" in e.type for task in report.tasks for e in task.errors)


def test_licence_comes_from_the_data_licence_file(tmp_path):
    (tmp_path / "L.md").write_text("Data: CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/ .")
    assert datapackage.licence(tmp_path / "L.md")["name"] == "CC-BY-SA-4.0"
    (tmp_path / "L.md").write_text("All rights reserved.")
    with pytest.raises(ValueError, match="no Creative Commons"):
        datapackage.licence(tmp_path / "L.md")


def test_dictionary_reads_titles_and_column_meanings(tmp_path):
    (tmp_path / "README.md").write_text("# x\n\n## a.csv — Table A\n\n| column | meaning |\n|---|---|\n| `id` | the id |\n"
                                        "\n## b.csv and c.csv\n\ntext\n")
    titles, columns = datapackage.dictionary(tmp_path / "README.md")
    assert titles == {"a.csv": "Table A", "b.csv": "", "c.csv": ""}
    assert columns == {"a.csv": {"id": "the id"}}


def tables():
    return {"one": pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": [0.5, float("nan")]}),
            "two": pd.DataFrame({"d": pd.array([1, None], dtype="Int64")})}


def test_workbook_is_byte_identical_and_dated_as_of():
    from openpyxl import load_workbook

    first = datapackage.workbook(tables(), [("Title", "text")], "2026-11-27")
    assert first == datapackage.workbook(tables(), [("Title", "text")], "2026-11-27")
    assert first != datapackage.workbook(tables(), [("Title", "text")], "2026-11-28")
    wb = load_workbook(io.BytesIO(first))
    assert wb.sheetnames == ["README", "one", "two"]
    assert [c.value for c in wb["one"][3]] == [2, None, None]
    assert wb.properties.created.date().isoformat() == "2026-11-27" == wb.properties.modified.date().isoformat()
    assert [wb["README"].cell(r, 1).value for r in (1, 3, 4, 5)] == ["Title", "sheet", "one", "two"]


@pytest.mark.outputs
def test_the_committed_workbook_holds_every_processed_table():
    from openpyxl import load_workbook

    path = input_path(REPORTS / "deal_clock_tables.xlsx")
    if not path.is_file():
        pytest.fail("reports/deal_clock_tables.xlsx is missing: run `make all` first")
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["README"] + [p.stem for p in listing(PROCESSED, "*.csv")]
    negotiations = pd.read_csv(input_path(PROCESSED / "negotiations.csv"))  # the table the workbook was made from
    assert wb["negotiations"].max_row == len(negotiations) + 1


# --- odd input (issue 28) ----------------------------------------------------------------------------------------------

def test_a_header_with_surrounding_spaces_keeps_its_constraints(tmp_path, monkeypatch):
    """Validation strips the spaces of ' status ', so the descriptor must still say what the column allows; the field
    keeps the name as written, so the descriptor matches the file."""
    from helpers import paths, schemas

    lines = (RAW / "negotiations.csv").read_text(encoding="utf-8").split("\n", 1)
    header = ",".join(f" {c} " if c in ("status", "negotiation_id") else c for c in lines[0].split(","))
    (tmp_path / "negotiations.csv").write_text("\ufeff" + header + "\n" + lines[1], encoding="utf-8")  # and a BOM
    monkeypatch.setattr(paths, "RAW", tmp_path)
    titles, meanings = datapackage.dictionary(RAW / "README.md")
    fields = {f["name"]: f for f in datapackage.raw_resource(schemas.NEGOTIATIONS, titles, meanings)["schema"]["fields"]}
    assert fields[" status "]["constraints"]["enum"] == schemas.STATUSES
    assert fields[" negotiation_id "]["constraints"] == {"pattern": "[a-z0-9][a-z0-9-]*", "required": True, "unique": True}
    assert "negotiation_id" not in fields and fields[" status "]["description"] == meanings["negotiations.csv"]["status"]


def test_an_unreadable_raw_file_is_one_line_naming_it(tmp_path, monkeypatch):
    from helpers import paths, schemas
    from helpers.io import RawDataError

    (tmp_path / "negotiations.csv").write_bytes((RAW / "negotiations.csv").read_bytes().replace(b",", b',"', 1))
    monkeypatch.setattr(paths, "RAW", tmp_path)
    with pytest.raises(RawDataError, match=r"^negotiations.csv: 1 problem\(s\)\n  - negotiations.csv, line 1: not a readable"):
        datapackage.raw_resource(schemas.NEGOTIATIONS, {}, {})


@pytest.mark.parametrize("value,shown", [("before\x00after", r"'before\\x00after' holds a control character \(U\+0000\)"),
                                         ("ok\x1b[2Kdone", r"'ok\\x1b\[2Kdone' holds a control character \(U\+001B\)"),
                                         ("a\u200bb", r"'a\\u200bb' holds ZERO WIDTH SPACE")])
def test_no_hidden_character_reaches_a_workbook_cell(value, shown):
    """Before, a NUL byte was cut off with the rest of the cell (or openpyxl raised a bare IllegalCharacterError)."""
    table = pd.DataFrame({"a": ["fine", value]})
    with pytest.raises(ValueError, match=rf"^workbook sheet 'one': row 3, column 'a': {shown}"):
        datapackage.workbook({"one": table}, [("Title", "text")], "2026-11-27")
    with pytest.raises(ValueError, match=rf"^workbook sheet 'one': column name {shown}"):
        datapackage.workbook({"one": pd.DataFrame({value: [1]})}, [("Title", "text")], "2026-11-27")


def test_a_line_break_in_a_note_still_reaches_the_workbook():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(datapackage.workbook({"one": pd.DataFrame({"a": ["two\nlines"]})}, [("T", "t")], "2026-11-27")))
    assert wb["one"]["A2"].value == "two\nlines"
