"""Through the real pipeline, in a throwaway copy of the repository: the README's add-a-row loop reaches green; bad raw
data stops `make all` with the file, line and column and publishes nothing; script payloads reach every HTML page only
escaped.

The copy is the working tree as it stands (``base``), brought up to date by one run: a developer's edits since the last
publish (a raw row, notebooks whose checked outputs `make accept` just stored) stay as they are, so the copy is what the
next publish would be, and the run re-runs only the notebooks those edits reach. (Taking edited inputs back from the last
commit would pair accepted outputs with the data before the edit.) It is committed to a fresh git repository, so `git
status` shows exactly what a run changed."""

from __future__ import annotations

import csv
import html
import io as _io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.execution import CHECKED_ENV, NOTEBOOK_ENV, STAGE_ENV
from helpers.paths import ROOT
from helpers.pipeline.check import WAIT_ENV
from helpers.pipeline.stage import working_copy

SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT} {IMG}"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@localhost", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


def pipeline(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m helpers.pipeline ARGS`` in ``repo``: its own helpers, this interpreter, nothing inherited from a
    run or a check under way."""
    env = {k: v for k, v in os.environ.items() if k not in (STAGE_ENV, NOTEBOOK_ENV, CHECKED_ENV, WAIT_ENV)}
    env["PYTHONPATH"] = str(repo / "src")
    return subprocess.run([sys.executable, "-m", "helpers.pipeline", *args], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=900)


def status(repo: Path) -> list[str]:
    return sorted(git(repo, "status", "--porcelain").splitlines())


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> Path:
    """An up-to-date copy of the working tree, committed (see the module's docstring)."""
    copy = working_copy(ROOT, tmp_path_factory.mktemp("e2e") / "repo")
    first = pipeline(copy, "run")  # re-runs what the developer's edits reach; nothing when there are none
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "before")
    return copy


@pytest.fixture
def repo(base, tmp_path) -> Path:
    """A fresh clone of ``base`` for one test."""
    shutil.copytree(base, tmp_path / "repo", symlinks=True)
    return tmp_path / "repo"


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def edit_rows(path: Path, edit) -> int:
    """Apply ``edit(rows)`` to a CSV's rows (dicts); returns the physical line of the row ``edit`` returns."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    target = edit(rows)
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=reader.fieldnames or [], lineterminator="\n")
    writer.writeheader()
    line = None
    for r in rows:
        if r is target:
            line = buf.getvalue().count("\n") + 1
        writer.writerow(r)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return line


def _set(rows, key, wanted, /, **changes):
    target = next(r for r in rows if r[key] == wanted)
    target.update(changes)
    return target


def assert_only_escaped(repo: Path, must_reach: set[str]) -> None:
    """No HTML page of ``repo`` holds the payload's markup; the escaped payload reached at least ``must_reach``
    (so the check can fail)."""
    pages = sorted((repo / "reports").rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for raw in (SCRIPT, IMG):
            assert raw not in text, f"{page.relative_to(repo)} holds an unescaped {raw}"
    escaped = html.escape(PAYLOAD, quote=False)
    reached = {p.relative_to(repo).as_posix() for p in pages if escaped in p.read_text(encoding="utf-8")}
    assert must_reach <= reached, reached


def add_fact(rows):
    """A new, valid fact behind claim c07 (like f20), its description and notes carrying script payloads; its id is
    one no row has yet (a developer part-way through the same loop may have added f99)."""
    taken = {r["fact_id"] for r in rows}
    new = dict(next(r for r in rows if r["fact_id"] == "f20"), fact_id=next(f"f{i}" for i in range(99, 10_000) if f"f{i}" not in taken),
               description=f"a second reading of the 18 proposals {PAYLOAD}", notes=f"added by the loop test {PAYLOAD}")
    rows.append(new)
    return new


def lace(rows, key, value, columns):
    """Append the payload to ``columns`` of the row whose ``key`` is ``value``; returns {original text: laced text}."""
    row = next(r for r in rows if r[key] == value)
    laced = {row[c]: f"{row[c]} {PAYLOAD}" for c in columns if row[c]}
    row.update({c: laced[row[c]] for c in columns if row[c]})
    return laced


def test_the_add_a_row_loop_of_the_readme_reaches_green(repo):
    """README, "Add or correct a row": edit a raw table -> `make test` fails, showing old and new -> accept ->
    `make test` passes and publishes. (Its check loop, on the notebooks the edit reaches; lint and the unit tests are
    `make test`'s own.) The edit adds a fact and corrects a quote; both carry script payloads, which reach the pages
    only escaped: the raw boundary of the injection test."""
    facts = len(read_rows(repo / "data" / "raw" / "claim_facts.csv"))  # the copy's own count: a developer may have added one
    edit_rows(repo / "data" / "raw" / "claim_facts.csv", add_fact)
    edit_rows(repo / "data" / "raw" / "claims.csv", lambda rows: lace(rows, "claim_id", "c01", ["quote", "notes"]) and None)
    first = pipeline(repo, "test", "--stale-only", "--no-lint", "--no-unit")
    assert first.returncode == 1, first.stdout[-3000:] + first.stderr[-3000:]
    # the provenance table's claim_facts.csv line: rows and cited values, old against new
    moved = re.search(rf"expected {facts} (\d+)[ ,].*got {facts + 1} (\d+)", first.stdout)
    assert "A checked output changed" in first.stdout and moved and int(moved[2]) > int(moved[1]), first.stdout[-3000:]
    assert "nothing was published" in first.stdout
    assert status(repo) == [" M data/raw/claim_facts.csv", " M data/raw/claims.csv"]

    accepted = pipeline(repo, "accept")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "notebooks/08_report.ipynb: checked outputs stored" in accepted.stdout
    assert " M notebooks/08_report.ipynb" in status(repo)

    second = pipeline(repo, "test", "--stale-only", "--no-lint", "--no-unit")
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "is still current" in second.stdout  # only accept changed the notebooks: nothing re-runs
    assert "make test passed. Published" in second.stdout
    assert {" M reports/index.html", " M README.md", " M reports/tables/claims_ledger.csv"} <= set(status(repo))
    assert "nothing to do" in pipeline(repo, "status").stdout.splitlines()
    assert_only_escaped(repo, {"reports/index.html", "reports/notebooks/07_claims_ledger.html"})


@pytest.mark.parametrize("file,key,value,changes,column,message,notebook", [
    ("negotiations.csv", "negotiation_id", "us-chile-fta", {"signed": "2003-06-31"}, "signed", "not a date of the form",
     "01_clean_negotiations.ipynb"),
    ("claim_facts.csv", "fact_id", "f10", {"value": "about 125"}, "value", "not a number", "07_claims_ledger.ipynb"),
], ids=["a bad date in notebook 01's input", "a non-numeric fact in notebook 07's input"])
def test_bad_raw_data_stops_the_pipeline_and_publishes_nothing(repo, file, key, value, changes, column, message, notebook):
    """`make all`, limited to the notebook that reads the broken table (the others would wait for it or be cancelled:
    the scheduler's tests show that)."""
    line = edit_rows(repo / "data" / "raw" / file, lambda rows: _set(rows, key, value, **changes))
    run = pipeline(repo, "run", notebook)
    assert run.returncode != 0
    assert f"{file}, line {line}, column '{column}': " in run.stderr and message in run.stderr, run.stderr[-3000:]
    assert "Nothing was published" in run.stderr
    assert status(repo) == [f" M data/raw/{file}"]


# Free-text columns of every raw file that has one: names, titles, quotes, notes, resolutions.
FREE_TEXT = {
    "negotiations.csv": ("negotiation_id", "us-chile-fta", ["agreement", "notes"]),
    "claims.csv": ("claim_id", "c01", ["quote", "unit", "notes"]),
    "claim_facts.csv": ("fact_id", "f10", ["description", "unit", "notes"]),
    "source_conflicts.csv": ("subject", "us-bahrain-fta", ["other_dataset", "resolution"]),
    "duration_studies.csv": ("statistic", "sample_size", ["study", "sample", "unit", "notes"]),
    "deal_documents_2025_2026.csv": ("document_id", "argentina-2026-02-05-art", ["title", "document", "notes"]),
    "deal_partners_2025.csv": ("partner", "China", ["notes"]),
    "tariff_actions.csv": ("action_id", "eo14266-pause-china-125", ["legal_authority", "instrument", "title", "notes"]),
    "tariff_rates.csv": ("action_id", "eo14266-pause-china-125", ["product_scope", "notes"]),
    "trade_promotion_authority.csv": ("tpa_id", "tpa-1988", ["act", "notes"]),
    "published_durations.csv": ("partner", "Jordan", ["table_row_label", "notes"]),
    "wto_rta.csv": ("RTA ID", "950", ["RTA Name"]),
}


def test_script_payloads_reach_the_pages_only_escaped(repo):
    """The pages are built by notebooks 08 (the report) and 09 (the explorer), from validated processed tables, the
    report tables and the raw tables. Every free-text column of every raw table gets script payloads, and so does every
    cell of a processed or report table that repeats one of those texts (as notebooks 01-07 pass them on); 08 and 09
    run on that. (A payload crossing the raw boundary through 01-07 is the add-a-row loop's.)"""
    laced: dict[str, str] = {}
    for file, (key, value, columns) in FREE_TEXT.items():
        edit_rows(repo / "data" / "raw" / file, lambda rows, k=key, v=value, c=columns: laced.update(lace(rows, k, v, c)))
    passed_on = {old: new for old, new in laced.items() if len(old) > 12}  # names, titles, quotes; not units like "months"
    for table in sorted((repo / "data" / "processed").glob("*.csv")) + sorted((repo / "reports" / "tables").glob("*.csv")):
        edit_rows(table, lambda rows: [r.update({c: passed_on.get(v, v) for c, v in r.items()}) for r in rows] and None)
    run = pipeline(repo, "run", "--force", "08_report.ipynb", "09_explorer.ipynb")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "08_report.ipynb: done" in run.stdout and "09_explorer.ipynb: done" in run.stdout
    assert_only_escaped(repo, {"reports/index.html"})
    assert "alert(1)" in (repo / "reports" / "explorer.html").read_text(encoding="utf-8")  # reached it, as JSON data


def test_the_claim_can_be_set_to_24_months(repo):
    """params.yaml's promise, "change a value here, never in a notebook": with the claim at 24 months every notebook
    that reads it completes (the estimates, the figures, the report), every result key and headline sentence about the claim's
    horizon says 2 years, and no key, and no headline sentence of the README or the report, still says 18 months
    (params.claim_horizon builds both; the quotes of the claim itself keep their words)."""
    before = pd.read_csv(repo / "reports" / "tables" / "results.csv", dtype=str)
    params = repo / "params.yaml"
    text = params.read_text(encoding="utf-8")
    assert "claim_months_to_sign: 18 " in text
    params.write_text(text.replace("claim_months_to_sign: 18 ", "claim_months_to_sign: 24 "), encoding="utf-8")
    run = pipeline(repo, "run", *CLAIM_NOTEBOOKS)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    after = pd.read_csv(repo / "reports" / "tables" / "results.csv", dtype=str)
    ran = before["notebook"].isin([n.removesuffix(".ipynb") for n in CLAIM_NOTEBOOKS])
    expected = {k.replace("18m", "2y") for k in before.loc[ran, "key"]}
    assert any("18m" in k for k in before["key"]) and any("2y" in k for k in expected), "the check must be able to fail"
    assert not [k for k in after["key"] if "18m" in k]
    assert expected == set(after.loc[after["notebook"].isin(before.loc[ran, "notebook"]), "key"])
    headline = (repo / "README.md").read_text(encoding="utf-8").split("<!-- headline:start -->")[1].split("<!-- headline:end -->")[0]
    assert "within 2 years of the first round" in headline and "18 months of the first round" not in headline
    page = (repo / "reports" / "index.html").read_text(encoding="utf-8")  # the report's own headline and sections
    assert "within 2 years of the first round" in page and "within 18 months of the first round" not in page


# The notebooks that read the claim from params (03-06 estimate or draw against it; 08 writes the prose); the others'
# keys do not carry its horizon, and a test that re-ran them would only cost time.
CLAIM_NOTEBOOKS = ("03_replicate_18_months.ipynb", "04_survival.ipynb", "05_deals_2025.ipynb", "06_world_rta.ipynb",
                   "08_report.ipynb")
