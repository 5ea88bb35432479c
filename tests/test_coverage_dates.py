"""One as-of date per table, everywhere: every statement of coverage in the prose (README, CITATION.cff, the data
dictionary, the compilation notes, the data package's description) and on the pages (the report's header, the
explorer's as-of lines) agrees with params.yaml and with the data ("since 1983": the first launch in the data)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from helpers.io import input_path
from helpers.params import load_params
from helpers.paths import RAW, REPORTS, ROOT, TABLES

PARAMS = load_params()
DATE = r"(\d{4}-\d{2}-\d{2})"


def prose_files():
    files = [ROOT / "README.md", ROOT / "CITATION.cff", RAW / "README.md", ROOT / "src" / "helpers" / "datapackage.py",
             *sorted((RAW / "compilation_notes").glob("*.md"))]
    return {f.relative_to(ROOT).as_posix(): f.read_text(encoding="utf-8") for f in files}


def first_launch_year() -> str:
    results = pd.read_csv(input_path(TABLES / "results.csv"), dtype=str).set_index("key")
    return results.at["negotiation_first_launch", "value"][:4]


def test_every_since_year_of_the_negotiations_is_the_first_launch_in_the_data():
    year = first_launch_year()
    found = []
    for name, text in prose_files().items():
        for match in re.finditer(r"negotiat\w*[^.\n|]{0,40}?\bsince (\d{4})\b", text):
            found.append((name, match.group(1), match.group(0)))
    assert len(found) >= 3, "the prose should state the frame (README, CITATION.cff, data dictionary)"
    wrong = [f for f in found if f[1] != year]
    assert not wrong, f"the data's first launch is {year}; these say otherwise: {wrong}"


# Coverage statements: a date followed by the params key it comes from, and the phrasings the notes use.
STATEMENTS = [
    (DATE + r"\W{0,3}\(`?(as_of_\w+)`?\)", None),
    (r"2025[–-]26 (?:tables|deal tables|deals|deal documents|data)[^.\n]{0,40}?\b(?:reach|to|through|as of)\W+" + DATE, "as_of_deals"),
    (r"As-of date of the sources: \**" + DATE, "as_of_deals"),
    (r"Latest date the sources reach: \**" + DATE, "as_of_deals"),  # the deals review's phrase (the tariff notes give the key)
    (r"The deal tables now reach " + DATE, "as_of_deals"),
]


def test_every_stated_as_of_date_matches_params():
    found, wrong = 0, []
    for name, text in prose_files().items():
        for pattern, key in STATEMENTS:
            for match in re.finditer(pattern, text):
                date, which = match.group(1), key or match.group(2)
                found += 1
                if which not in PARAMS:
                    wrong.append(f"{name}: '{match.group(0)}' names no params key")
                elif date != PARAMS[which]:
                    wrong.append(f"{name}: '{match.group(0)}' but params.yaml has {which} = {PARAMS[which]}")
    assert not wrong, "\n".join(wrong)
    assert found >= 7, f"only {found} coverage statements found: the patterns no longer match the prose"


@pytest.mark.parametrize("key", ["as_of_deals", "as_of_tariffs", "as_of_wto"])
def test_each_table_states_its_as_of_date_in_the_data_dictionary(key):
    assert f"{PARAMS[key]} (`{key}`)" in (RAW / "README.md").read_text(encoding="utf-8")


def test_the_report_header_gives_every_as_of_date_from_params():
    page = input_path(REPORTS / "index.html").read_text(encoding="utf-8")
    header = re.search(r'<p class="meta">(.*?)</p>', page, re.S).group(1)
    assert header.startswith(f"As of {PARAMS['as_of_report']} ")
    for key in ("as_of_deals", "as_of_tariffs", "as_of_wto"):
        assert PARAMS[key] in header, key
    assert re.findall(DATE, header) == [PARAMS[k] for k in ("as_of_report", "as_of_deals", "as_of_tariffs", "as_of_wto")]


def test_the_explorer_draws_each_panels_as_of_line_at_its_tables_date():
    page = input_path(REPORTS / "explorer.html").read_text(encoding="utf-8")
    layout = json.loads(re.search(r"var TIMELINE = (\{.*?\});\n", page).group(1))["layout"]
    lines = {(s["yref"], s["x0"]) for s in layout["shapes"]}
    assert ("y domain", PARAMS["as_of_negotiations"]) in lines
    assert ("y2 domain", PARAMS["as_of_deals"]) in lines
    assert ("y2 domain", PARAMS["as_of_report"]) not in lines or PARAMS["as_of_report"] == PARAMS["as_of_deals"]
    titles = [a["text"] for a in layout["annotations"]]
    assert f"since {first_launch_year()}" in titles[0] and f"as of {PARAMS['as_of_negotiations']}" in titles[0]
    assert f"as of {PARAMS['as_of_deals']}" in titles[1]
