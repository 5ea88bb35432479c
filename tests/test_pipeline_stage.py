"""Staging and publishing (helpers.pipeline.stage): a run is published whole, only as it was checked."""

import os

import nbformat
import pytest

from helpers.execution import sha
from helpers.pipeline import stage as staging


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "notebooks").mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        (tmp_path / "notebooks" / name).write_text("{}")
    (tmp_path / "data/processed").mkdir(parents=True)
    (tmp_path / "data/processed/same.csv").write_text("same\n")
    return tmp_path


def test_publish_moves_every_staged_file_leaves_unchanged_ones_and_drops_the_bookkeeping(repo, tmp_path_factory):
    stage = staging.fresh(tmp_path_factory.mktemp("run") / "stage")
    for rel, text in {"data/processed/new.csv": "new\n", "data/processed/same.csv": "same\n", ".reads/01_a.ipynb.tsv": "x",
                      ".run.json": "{}", "reports/figures/f.svg": "<svg/>"}.items():
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        (stage / rel).write_text(text)
    os.utime(repo / "data/processed/same.csv", (1, 1))
    old = os.umask(0o022)
    try:
        assert staging.publish(repo, stage) == ["data/processed/new.csv", "reports/figures/f.svg"]
    finally:
        os.umask(old)
    assert (repo / "data/processed/new.csv").read_text() == "new\n"
    assert (repo / "data/processed/new.csv").stat().st_mode & 0o777 == 0o644
    assert (repo / "data/processed/same.csv").stat().st_mtime == 1  # unchanged bytes: not rewritten
    assert not (repo / ".reads").exists() and not (repo / ".run.json").exists()


def test_the_manifest_keeps_other_notebooks_rows_and_drops_removed_notebooks(repo, tmp_path_factory):
    (repo / "reports").mkdir()
    (repo / staging.MANIFEST).write_text("output,notebook\na.csv,01_a.ipynb\nb.csv,02_b.ipynb\nz.csv,09_gone.ipynb\n")
    stage = staging.fresh(tmp_path_factory.mktemp("run") / "stage")
    staging.write_manifest(repo, stage, {"02_b.ipynb": ["b2.csv", staging.MANIFEST]})
    assert (stage / staging.MANIFEST).read_text() == "output,notebook\na.csv,01_a.ipynb\nb2.csv,02_b.ipynb\n"


def test_a_staged_run_may_be_published_only_if_nothing_it_read_has_changed(repo, tmp_path_factory):
    stage = staging.fresh(tmp_path_factory.mktemp("run") / "stage")
    (stage / "data/processed").mkdir(parents=True)
    (stage / "data/processed/staged.csv").write_text("written by the run")
    record = {"common": {"params.yaml": "p"}, "ran": {"01_a.ipynb": {
        "source": sha(repo / "notebooks/01_a.ipynb"),
        "reads": {"data/processed/same.csv": sha(repo / "data/processed/same.csv"), "data/processed/staged.csv": "old"}}}}
    assert staging.changed_since(repo, stage, record, {"params.yaml": "p"}) is None  # a staged file is the run's own
    assert staging.changed_since(repo, stage, record, {"params.yaml": "q"}) == "params.yaml"
    (repo / "data/processed/same.csv").write_text("edited during the check")
    assert staging.changed_since(repo, stage, record, {"params.yaml": "p"}) == "data/processed/same.csv"
    (repo / "notebooks/01_a.ipynb").write_text('{"edited": 1}')
    assert staging.changed_since(repo, stage, record, {"params.yaml": "p"}) == "notebooks/01_a.ipynb"


def test_executed_copies_drop_what_differs_between_runs(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", id="random-id")])
    nb.metadata["papermill"] = {"input_path": "/somewhere", "duration": 1.0, "parameters": {}}
    nb.cells[0].metadata["execution"] = {"a": 1}
    staging.write_executed(tmp_path, "01_a.ipynb", nb)
    written = nbformat.read(tmp_path / "reports/notebooks/01_a.ipynb", as_version=4)
    assert written.metadata["papermill"] == {"parameters": {}} and written.cells[0].id == "cell-00"
    assert "execution" not in written.cells[0].metadata
    staging.export_html(tmp_path, "01_a.ipynb")
    assert "<html" in (tmp_path / "reports/notebooks/01_a.html").read_text()


def test_a_published_forecast_set_is_never_rewritten_but_a_new_one_is_added(repo, tmp_path_factory):
    ledger = repo / "reports/forecasts/forecasts_2026-11-27.csv"
    ledger.parent.mkdir(parents=True)
    ledger.write_text("probability\n0.4\n")
    stage = staging.fresh(tmp_path_factory.mktemp("run") / "stage")
    for rel, text in {"reports/forecasts/forecasts_2026-11-27.csv": "probability\n0.5\n",
                      "data/processed/new.csv": "new\n"}.items():
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        (stage / rel).write_text(text)
    with pytest.raises(staging.RewriteRefused, match="forecasts_2026-11-27.csv is published once and never rewritten"):
        staging.publish(repo, stage)
    assert ledger.read_text() == "probability\n0.4\n" and not (repo / "data/processed/new.csv").exists()  # nothing published
    (stage / "reports/forecasts/forecasts_2026-11-27.csv").write_text("probability\n0.4\n")  # the same bytes: fine
    (stage / "reports/forecasts/forecasts_2027-02-27.csv").write_text("probability\n0.3\n")  # a new set: added
    assert staging.publish(repo, stage) == ["data/processed/new.csv", "reports/forecasts/forecasts_2027-02-27.csv"]


def test_a_working_copy_holds_edits_and_new_files_not_ignored_ones_plus_stamps_and_executed_copies(tmp_path):
    import subprocess

    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    (root / ".gitignore").write_text("build/\nreports/notebooks/\nscratch.txt\n")
    (root / "data/a.csv").write_text("a\n")
    (root / "gone.txt").write_text("x\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run(git + args, cwd=root, check=True)
    (root / "data/a.csv").write_text("edited\n")
    (root / "data/new.csv").write_text("new\n")
    (root / "gone.txt").unlink()
    (root / "scratch.txt").write_text("ignored\n")
    (root / "reports/notebooks").mkdir(parents=True)
    (root / "reports/notebooks/01.ipynb").write_text("{}")
    (root / "build").mkdir()
    (root / "build/stamps.json").write_text("{}")
    copy = staging.working_copy(root, tmp_path / "copy")
    files = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert files == [".gitignore", "build/stamps.json", "data/a.csv", "data/new.csv", "reports/notebooks/01.ipynb"]
    assert (copy / "data/a.csv").read_text() == "edited\n"
