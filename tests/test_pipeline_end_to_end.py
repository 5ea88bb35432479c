"""Through the real pipeline, in a throwaway copy of the repository: bad raw data stops `make all` with the file, line
and column and publishes nothing; script payloads in free-text raw columns reach every HTML output only escaped.

The copy is the working tree as it stands (tracked and untracked files, the pipeline's stamps and executed notebooks),
committed to a fresh git repository so that `git status` shows exactly what a run changed. It starts up to date, so a
run re-runs only the notebooks that read the edited file."""

from __future__ import annotations

import csv
import html
import io as _io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.io import CHECKED_ENV, NOTEBOOK_ENV, STAGE_ENV
from helpers.paths import ROOT

SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT} {IMG}"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@localhost", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


def pipeline(repo: Path) -> subprocess.CompletedProcess:
    """`make all` in ``repo``: its own helpers (PYTHONPATH), this interpreter, no stage inherited from a caller."""
    env = {k: v for k, v in os.environ.items() if k not in (STAGE_ENV, NOTEBOOK_ENV, CHECKED_ENV)}
    env["PYTHONPATH"] = str(repo / "src")
    return subprocess.run([sys.executable, "scripts/pipeline.py"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def repo(tmp_path) -> Path:
    """An up-to-date copy of the working tree in its own git repository (one commit: the state before the edit)."""
    copy = tmp_path / "repo"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, copy / rel)
    shutil.copytree(ROOT / "reports" / "notebooks", copy / "reports" / "notebooks")  # executed copies: gitignored
    (copy / "build").mkdir()
    if (ROOT / "build" / "stamps.json").is_file():
        shutil.copy2(ROOT / "build" / "stamps.json", copy / "build" / "stamps.json")
    first = pipeline(copy)  # nothing to do when the working tree is up to date (as `make test` makes it)
    assert first.returncode == 0, first.stderr[-3000:]
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "before")
    return copy


def edit_rows(path: Path, edit) -> int:
    """Apply ``edit(rows)`` to a CSV's rows (dicts); returns the physical line of the row ``edit`` returns."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    target = edit(rows)
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
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


@pytest.mark.parametrize("file,key,value,changes,column,message", [
    ("negotiations.csv", "negotiation_id", "us-chile-fta", {"signed": "2003-06-31"}, "signed", "not a date of the form"),
    ("claim_facts.csv", "fact_id", "f10", {"value": "about 125"}, "value", "not a number"),
], ids=["a bad date in notebook 01's input", "a non-numeric fact in notebook 07's input"])
def test_bad_raw_data_stops_the_pipeline_and_publishes_nothing(repo, file, key, value, changes, column, message):
    line = edit_rows(repo / "data" / "raw" / file, lambda rows: _set(rows, key, value, **changes))
    run = pipeline(repo)
    assert run.returncode != 0
    assert f"data/raw/{file}" in run.stderr or f"{file}: " in run.stderr, run.stderr[-3000:]
    assert f"{file}, line {line}, column '{column}': " in run.stderr and message in run.stderr, run.stderr[-3000:]
    assert "Nothing was published" in run.stderr
    assert git(repo, "status", "--porcelain").splitlines() == [f" M data/raw/{file}"]


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


def test_script_payloads_reach_every_html_output_only_escaped(repo):
    for file, (key, value, columns) in FREE_TEXT.items():
        edit_rows(repo / "data" / "raw" / file,
                  lambda rows, key=key, value=value, columns=columns: _set(
                      rows, key, value, **{c: f"{next(r for r in rows if r[key] == value)[c]} {PAYLOAD}" for c in columns}))
    run = pipeline(repo)
    assert run.returncode == 0, run.stderr[-3000:]
    pages = sorted((repo / "reports").rglob("*.html"))
    assert repo / "reports" / "index.html" in pages and len(pages) >= 9
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for raw in (SCRIPT, IMG):
            assert raw not in text, f"{page.relative_to(repo)} holds an unescaped {raw}"
    escaped = html.escape(PAYLOAD, quote=False)
    reached = {p.relative_to(repo).as_posix() for p in pages if escaped in p.read_text(encoding="utf-8")}
    # the payloads did reach the pages that show these columns (so the test can fail)
    assert {"reports/index.html", "reports/notebooks/07_claims_ledger.html", "reports/notebooks/06_world_rta.html"} <= reached, reached
