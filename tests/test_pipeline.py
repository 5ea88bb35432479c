"""The pipeline runner: one transaction per run, staleness from content hashes, nothing published on failure."""

import subprocess
import sys

import nbformat

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
