"""The pipeline runner: one transaction per run, staleness from content hashes, nothing published on failure."""

import subprocess
import sys

import nbformat
import pytest

from helpers import io
from helpers.paths import PROCESSED, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import pipeline  # noqa: E402


def test_why_stale_detects_changed_inputs(tmp_path, monkeypatch):
    nb = "01_clean_negotiations.ipynb"
    common = pipeline.common_hashes()
    stamp = {"source": pipeline.sha(ROOT / "notebooks" / nb), "common": common,
             "reads": {"data/raw/negotiations.csv": pipeline.sha(ROOT / "data/raw/negotiations.csv")}}
    monkeypatch.setattr(pipeline, "EXECUTED", "tests")  # any existing folder stands in for the executed copies
    monkeypatch.setattr(pipeline, "ROOT", ROOT)
    (ROOT / "tests" / nb).write_text("{}")
    try:
        assert pipeline.why_stale(nb, stamp, common) is None
        assert pipeline.why_stale(nb, None, common) == "never run here"
        changed = dict(stamp, reads={"data/raw/negotiations.csv": "0" * 64})
        assert pipeline.why_stale(nb, changed, common) == "data/raw/negotiations.csv changed"
        assert pipeline.why_stale(nb, dict(stamp, source="x"), common) == "notebook changed"
    finally:
        (ROOT / "tests" / nb).unlink()


def test_writes_outside_a_run_go_to_scratch_never_to_published_paths(monkeypatch):
    monkeypatch.delenv(io.STAGE_ENV, raising=False)
    target = PROCESSED / "_pipeline_test.txt"
    assert io.output_path(target) == ROOT / "build" / "scratch" / "data" / "processed" / "_pipeline_test.txt"
    io.write_text(target, "exploring")
    assert not target.exists()
    (ROOT / "build" / "scratch" / "data" / "processed" / "_pipeline_test.txt").unlink()


def test_inside_a_run_reads_see_staged_copies_and_are_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv(io.STAGE_ENV, str(tmp_path))
    monkeypatch.setenv(io.NOTEBOOK_ENV, "99_test.ipynb")
    target = PROCESSED / "_pipeline_test.txt"
    io.write_text(target, "staged")
    assert io.input_path(target).read_text() == "staged" and not target.exists()
    log = (tmp_path / io.READS_DIR / "99_test.ipynb.tsv").read_text()
    assert log.startswith("data/processed/_pipeline_test.txt\t")


def test_under_make_test_reads_see_the_checked_runs_copies_first(tmp_path, monkeypatch):
    monkeypatch.delenv(io.STAGE_ENV, raising=False)
    monkeypatch.delenv(io.CHECKED_ENV, raising=False)
    held = PROCESSED / "negotiations.csv"
    assert io.input_path(held) == held
    monkeypatch.setenv(io.CHECKED_ENV, str(tmp_path))
    assert io.input_path(held) == held  # the checked run did not rewrite it: the published copy
    (tmp_path / "data" / "processed").mkdir(parents=True)
    (tmp_path / "data" / "processed" / "negotiations.csv").write_text("new")
    assert io.input_path(held).read_text() == "new"
    outside = tmp_path / "elsewhere.csv"
    assert io.input_path(outside) == outside


def test_clean_notebook_drops_run_specific_metadata():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.metadata["papermill"] = {"input_path": "/tmp/x", "output_path": "/tmp/y", "duration": 1.0, "parameters": {}}
    nb.cells[0].metadata["execution"] = {"a": 1}
    pipeline.clean_notebook(nb)
    assert nb.metadata["papermill"] == {"parameters": {}} and "execution" not in nb.cells[0].metadata


def test_dry_run_runs_nothing_and_says_why(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "pipeline.py"), "--dry-run"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "01_clean_negotiations.ipynb:" in out.stdout


def test_dry_run_leaves_a_running_stage_alone():
    marker = pipeline.STAGE / "_running_marker.txt"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("a run is under way")
    try:
        assert pipeline.main(["--dry-run"]) == 0
        assert marker.read_text() == "a run is under way"
    finally:
        marker.unlink()


def test_an_output_edited_outside_the_pipeline_makes_its_writer_stale(tmp_path, monkeypatch):
    nb = "01_clean_negotiations.ipynb"
    common = pipeline.common_hashes()
    (ROOT / "tests" / nb).write_text("{}")
    monkeypatch.setattr(pipeline, "EXECUTED", "tests")
    output = ROOT / "tests" / "_published_output.txt"
    output.write_text("as published")
    try:
        stamp = {"source": pipeline.sha(ROOT / "notebooks" / nb), "common": common, "reads": {},
                 "outputs": {"tests/_published_output.txt": pipeline.sha(output)}}
        assert pipeline.why_stale(nb, stamp, common) is None
        output.write_text("edited by hand")
        assert pipeline.why_stale(nb, stamp, common) == "tests/_published_output.txt was changed outside the pipeline"
    finally:
        (ROOT / "tests" / nb).unlink()
        output.unlink()


NAMES = ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb", "04_d.ipynb", "05_e.ipynb", "06_f.ipynb", "07_g.ipynb", "08_h.ipynb"]


def test_upstream_uses_the_declared_graph_and_defaults_to_every_earlier_notebook():
    graph = pipeline.upstream(NAMES)
    assert graph["02_b.ipynb"] == ["01_a.ipynb"]
    assert graph["05_e.ipynb"] == ["01_a.ipynb", "02_b.ipynb"]
    assert graph["06_f.ipynb"] == []
    assert graph["08_h.ipynb"] == NAMES[:-1]  # not declared: waits for everything before it
    assert pipeline.ancestors(graph, "05_e.ipynb") == {"01_a.ipynb", "02_b.ipynb"}


def test_a_read_of_a_file_written_by_an_undeclared_notebook_fails_the_run():
    graph = pipeline.upstream(NAMES)
    produced = {"02_b.ipynb": ["data/processed/trade.csv"], "03_c.ipynb": ["reports/tables/x.csv"]}
    ok = {"05_e.ipynb": {"data/processed/trade.csv": "h"}}  # 02 is upstream of 05
    assert pipeline.undeclared_reads(graph, ok, produced) == []
    bad = {"04_d.ipynb": {"data/processed/trade.csv": "h"}}  # 04 runs beside 02: it may have read the old file
    problems = pipeline.undeclared_reads(graph, bad, produced)
    assert len(problems) == 1 and "notebooks/04_d.ipynb read data/processed/trade.csv" in problems[0]
    assert "02 is not declared upstream of 04" in problems[0]


def test_the_declared_graph_covers_what_each_notebook_read_last_time():
    """Against the last run's record (build/stamps.json and the committed manifest): every read is declared."""
    import csv
    import json

    stamps_file = ROOT / "build" / "stamps.json"
    if not stamps_file.is_file():
        pytest.skip("no pipeline run recorded here yet (run `make all` first)")
    stamps = json.loads(stamps_file.read_text())
    names = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    produced: dict[str, list[str]] = {}
    for row in csv.DictReader(open(ROOT / "reports" / "manifest.csv", encoding="utf-8")):
        if row["notebook"] in names:
            produced.setdefault(row["notebook"], []).append(row["output"])
    reads = {n: s.get("reads", {}) for n, s in stamps.items() if n in names}
    assert pipeline.undeclared_reads(pipeline.upstream(names), reads, produced) == []


def test_warming_runs_only_the_notebooks_import_statements():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import pandas as pd\nfrom helpers import report\nx = 1\n"),
        nbformat.v4.new_code_cell("%matplotlib inline"),
        nbformat.v4.new_code_cell("import pandas as pd\nif x:\n    import os\n"),
    ])
    assert pipeline.import_statements(nb) == "import pandas as pd\nfrom helpers import report"
