"""Bad raw data stops validation with the file, the physical line and the column, and says what is wrong.

Each case copies a real raw table to a temporary folder, breaks it in one way and loads it with its schema."""

import csv
import re

import pytest

from helpers import claims, schemas
from helpers.io import RawDataError
from helpers.paths import RAW


def broken(tmp_path, spec, edit):
    """Copy ``spec``'s file, apply ``edit(rows)`` to its rows (list of dicts), return the new path."""
    path = tmp_path / spec.file
    rows = list(csv.DictReader(open(RAW / spec.file, encoding="utf-8")))
    columns = list(rows[0])
    edit(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def error(spec, path) -> str:
    with pytest.raises(RawDataError) as exc:
        schemas.load_raw(spec, path)
    return str(exc.value)


def row(rows, key, value):
    return next(r for r in rows if r[key] == value)


def neg(rows, nid):
    return row(rows, "negotiation_id", nid)


def act(rows, aid="cn-reciprocal-125-2025-04-10"):
    return row(rows, "action_id", aid)


CASES = {
    "a source that says 'see above'": (schemas.NEGOTIATIONS, lambda rows: neg(rows, "us-chile-fta").update(source_signed="see above"),
                                       r"line \d+, column 'source_signed': 'see above' is not a source"),
    "a first round in 2031": (schemas.NEGOTIATIONS, lambda rows: neg(rows, "us-kenya-stip").update(first_round="2031-01-05"),
                              r"column 'first_round': 2031-01-05 is after the table's as-of date"),
    "an entry into force in 2031": (schemas.NEGOTIATIONS, lambda rows: neg(rows, "us-chile-fta").update(entered_into_force="2031-01-01"),
                                    r"column 'entered_into_force': 2031-01-01 is after"),
    "a rate typed as a fraction": (schemas.TARIFF_ACTIONS, lambda rows: act(rows).update(rate_pct="1.25"),
                                   r"column 'rate_pct': 1.25% is implausible for reciprocal_ieepa"),
    "effective a year before announced": (schemas.TARIFF_ACTIONS,
                                          lambda rows: act(rows).update(effective="2024-04-10"),
                                          r"column 'effective': effective 2024-04-10 is before announced"),
    "a duplicate China action": (schemas.TARIFF_ACTIONS,
                                 lambda rows: rows.append({**act(rows), "action_id": "cn-dup"}),
                                 r"column 'effective': a second reciprocal_ieepa action for China"),
    "a partner called Narnia": (schemas.TARIFF_ACTIONS, lambda rows: act(rows).update(partner="Narnia"),
                                r"column 'partner': unknown country 'Narnia'"),
    "a deleted published row": (schemas.PUBLISHED_DURATIONS, lambda rows: rows.remove(row(rows, "partner", "Panama")),
                                r"column 'months_to_signing': the printed average \d+ is not the mean of the 19 rows"),
    "a partner rate above 100%": (schemas.DEAL_PARTNERS, lambda rows: row(rows, "partner", "China").update(annex_i_rate_pct="145"),
                                  r"column 'annex_i_rate_pct': '145' not a number in \[10, 100\]"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_value_names_file_line_and_column(tmp_path, case):
    spec, edit, message = CASES[case]
    text = error(spec, broken(tmp_path, spec, edit))
    assert text.startswith(spec.file) or spec.file in text.splitlines()[0]
    assert re.search(message, text), text


def test_lines_are_physical_after_a_blank_line_and_a_multiline_cell(tmp_path):
    source = (RAW / "negotiations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, first, second = source[0], source[1], source[2]
    first = first.replace(',"', ',"note\nacross two lines ', 1) if ',"' in first else first
    bad = second.replace("2004", "2031", 1)  # a date in the second data row moved past the as-of date
    path = tmp_path / "negotiations.csv"
    path.write_text(header + "\n" + first + bad, encoding="utf-8")
    text = error(schemas.NEGOTIATIONS, path)
    physical = 2 + 1 + first.count("\n")  # header, blank line, the first row's lines
    assert f"line {physical}," in text, text


@pytest.mark.parametrize("content,message", [
    ('a,b\n1,"unclosed\n2,3\n', r"line 2: not a readable UTF-8 CSV .*quote"),
    ("a,b\n1,2,3\n", r"line 2: 3 fields where the header has 2"),
])
def test_parse_errors_name_the_line(tmp_path, content, message):
    from helpers.io import read_raw_csv

    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RawDataError, match=message):
        read_raw_csv(path)


def test_an_encoding_error_names_the_first_bad_line(tmp_path):
    from helpers.io import read_raw_csv

    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n3,\xff\n")
    with pytest.raises(RawDataError, match=r"line 3: not a readable UTF-8 CSV"):
        read_raw_csv(path)


def test_a_claim_citing_a_missing_fact_names_its_line():
    table, facts = schemas.load_raw(schemas.CLAIMS), schemas.load_raw(schemas.CLAIM_FACTS)
    facts = facts[facts["fact_id"] != "f13"]
    with pytest.raises(RawDataError, match=r"claims.csv.*column 'facts_used': fact 'f13' is not in"):
        claims.check_references(table, facts)

