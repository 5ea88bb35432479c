"""The execution protocol (helpers.execution): where each mode reads and writes, what a run logs, the results lock,
how parameters reach a notebook, and JupyterLab's save hook."""

import fcntl
import json
import shutil

import nbformat
import pytest

from helpers import execution, io, params, results
from helpers.paths import PROCESSED, ROOT, TABLES

TABLE = PROCESSED / "_protocol_test.csv"  # never published: the writes below go to a stage or to scratch
LAB_HOOK = "helpers.execution.pre_save_hook"  # as the Makefile names it for `make lab`


@pytest.fixture
def scratch_mode(monkeypatch):
    for name in (execution.STAGE_ENV, execution.NOTEBOOK_ENV, execution.CHECKED_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def run(tmp_path, monkeypatch, scratch_mode):
    """A run staged in a temporary folder, running notebook 99."""
    monkeypatch.setenv(execution.STAGE_ENV, str(tmp_path))
    monkeypatch.setenv(execution.NOTEBOOK_ENV, "99_test.ipynb")
    return tmp_path


def test_outside_a_run_writes_go_to_scratch_and_reads_to_the_published_file(scratch_mode):
    assert execution.mode() == "scratch"
    scratch = ROOT / execution.SCRATCH / "data" / "processed" / "_protocol_test.csv"
    assert execution.output_path(TABLE) == scratch
    try:
        io.write_text(TABLE, "exploring")
        assert not TABLE.exists() and scratch.read_text() == "exploring"
    finally:
        scratch.unlink(missing_ok=True)
    assert execution.input_path(PROCESSED / "negotiations.csv") == PROCESSED / "negotiations.csv"


def test_a_path_outside_the_repository_is_read_and_written_where_given(tmp_path, run):
    assert execution.output_path(tmp_path / "x.csv") == tmp_path / "x.csv"
    assert execution.input_path(tmp_path / "x.csv") == tmp_path / "x.csv"
    assert not (run / execution.READS_DIR).exists()


def test_in_a_run_writes_are_staged_and_logged_and_reads_see_the_staged_copy(run):
    assert execution.mode() == "run"
    io.write_text(TABLE, "staged")
    assert not TABLE.exists() and (run / "data/processed/_protocol_test.csv").read_text() == "staged"
    assert execution.input_path(TABLE).read_text() == "staged"
    assert execution.writes_of(run, "99_test.ipynb") == ["data/processed/_protocol_test.csv"]
    assert execution.reads_of(run, "99_test.ipynb") == {"data/processed/_protocol_test.csv": execution.sha(run / "data/processed/_protocol_test.csv")}


def test_a_read_is_logged_with_the_hash_of_what_was_read_then_and_the_first_read_counts(run):
    raw = ROOT / "data" / "raw" / "negotiations.csv"
    execution.input_path(raw)
    seen = execution.sha(raw)
    (run / execution.READS_DIR / "99_test.ipynb.tsv").open("a").write("data/raw/negotiations.csv\tlater\n")
    assert execution.reads_of(run, "99_test.ipynb") == {"data/raw/negotiations.csv": seen}
    execution.input_path(PROCESSED / "negotiations.csv", record=False)
    assert "data/processed/negotiations.csv" not in execution.reads_of(run, "99_test.ipynb")


def test_a_view_reads_the_checked_runs_copy_first_and_writes_to_scratch(tmp_path, monkeypatch, scratch_mode):
    monkeypatch.setenv(execution.CHECKED_ENV, str(tmp_path))
    held = PROCESSED / "negotiations.csv"
    assert execution.mode() == "view" and execution.input_path(held) == held  # not rewritten: the published copy
    (tmp_path / "data" / "processed").mkdir(parents=True)
    (tmp_path / "data" / "processed" / "negotiations.csv").write_text("new")
    (tmp_path / "data" / "processed" / "zz_new_table.csv").write_text("new table")
    assert execution.input_path(held).read_text() == "new"
    listed = execution.listing(PROCESSED, "*.csv")
    assert [p.name for p in listed] == sorted({p.name for p in PROCESSED.glob("*.csv")} | {"zz_new_table.csv"})
    assert tmp_path / "data" / "processed" / "negotiations.csv" in listed and PROCESSED / "trade_annual.csv" in listed
    assert execution.output_path(TABLE).is_relative_to(ROOT / execution.SCRATCH)


def test_results_are_rewritten_under_the_runs_lock(run, monkeypatch):
    held = []
    original = results._replace_rows

    def replace_rows(*args):
        with open(run / execution.RESULTS_LOCK) as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another notebook of the run must wait
        held.append(True)
        return original(*args)

    monkeypatch.setattr(results, "_replace_rows", replace_rows)
    results.publish([results.Result("protocol_test_key", 0.5, "fraction", "x")], "99_test")
    assert held and "protocol_test_key" in (run / "reports/tables/results.csv").read_text()
    assert not (TABLES / "results.csv").read_text().count("protocol_test_key")


def test_in_a_run_every_helper_sees_the_parameters_the_run_injected(run, scratch_mode):
    on_disk = params.load_params()
    given = dict(on_disk, claim_months_to_sign=24)
    execution.keep_params(run, given)
    assert params.load_params() == json.loads(json.dumps(given, default=str))
    assert params.load_params(ROOT / "params.yaml") == on_disk  # an explicit file is read as asked


def test_outside_a_run_parameters_come_from_params_yaml(scratch_mode):
    assert execution.run_params() is None
    assert params.load_params()["claim_months_to_sign"] == params.load_params(ROOT / "params.yaml")["claim_months_to_sign"]


def test_a_broken_params_file_is_one_line_naming_the_file_and_line(tmp_path):
    (tmp_path / "params.yaml").write_text("claim_months_to_sign: 18\npledge_deals: [90\n")
    with pytest.raises(ValueError, match=r"params.yaml, line \d+: not valid YAML"):
        params.load_params(tmp_path / "params.yaml")


def test_parameters_are_injected_by_papermill_after_the_parameters_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"),
                                         nbformat.v4.new_code_cell("params = {}", metadata={"tags": ["parameters"]}),
                                         nbformat.v4.new_code_cell("x = params['a']")])
    nb.metadata["kernelspec"] = {"name": "deal-clock", "display_name": "x", "language": "python"}
    out = execution.parameterize(nb, {"a": 1}, "deal-clock")
    assert [c.metadata.get("tags") for c in out.cells] == [[], ["parameters"], ["injected-parameters"], []]
    assert "params = {\"a\": 1}" in out.cells[2].source or "params = {'a': 1}" in out.cells[2].source


def test_the_notebooks_own_environment_names_the_stage_the_notebook_and_one_thread():
    env = execution.notebook_env("build/stage", "04_survival.ipynb")
    assert env[execution.STAGE_ENV] == "build/stage" and env[execution.NOTEBOOK_ENV] == "04_survival.ipynb"
    assert env["OMP_NUM_THREADS"] == "1"


@pytest.fixture
def lab_root(tmp_path):
    """A folder holding a copy of notebook 01, as JupyterLab serves the repository."""
    (tmp_path / "notebooks").mkdir()
    shutil.copy2(ROOT / "notebooks" / "01_clean_negotiations.ipynb", tmp_path / "notebooks")
    return tmp_path


def contents_manager(root):
    """The Jupyter server's contents manager configured as `make lab` configures it."""
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config import Config

    return FileContentsManager(root_dir=str(root), config=Config({"ContentsManager": {"pre_save_hook": LAB_HOOK}}))


def test_saving_a_run_notebook_in_jupyterlab_leaves_the_file_as_it_was(lab_root):
    path = "notebooks/01_clean_negotiations.ipynb"
    before = (lab_root / path).read_bytes()
    cm = contents_manager(lab_root)
    model = cm.get(path)
    nb = model["content"]
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):  # as a session leaves it
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"session output {count}")]
        cell.execution_count = count + 100
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.99"}
    cm.save({"type": "notebook", "format": "json", "content": nb}, path)
    assert (lab_root / path).read_bytes() == before


def test_an_edit_saved_in_jupyterlab_keeps_the_stored_checked_outputs(lab_root):
    path = "notebooks/01_clean_negotiations.ipynb"
    stored = nbformat.read(lab_root / path, as_version=4)
    checked = next(i for i, c in enumerate(stored.cells) if "NBVAL_CHECK_OUTPUT" in c.source)
    cm = contents_manager(lab_root)
    nb = cm.get(path)["content"]
    nb.cells[checked].outputs = [nbformat.v4.new_output("stream", name="stdout", text="a number from the session")]
    nb.cells[-1].source += "\n# edited on purpose"
    nb.cells.append(nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", name="stdout", text="1")]))
    nb.metadata["deal_clock"] = {"upstream": []}
    cm.save({"type": "notebook", "format": "json", "content": nb}, path)
    saved = nbformat.read(lab_root / path, as_version=4)
    assert saved.cells[checked].outputs == stored.cells[checked].outputs  # only make test / accept change them
    assert saved.cells[-2].source.endswith("# edited on purpose")
    assert saved.cells[-1].outputs == [] and saved.cells[-1].execution_count is None
    assert saved.metadata["deal_clock"] == {"upstream": []} and saved.metadata["kernelspec"] == stored.metadata["kernelspec"]


def test_make_lab_installs_the_save_hook():
    assert f"--ContentsManager.pre_save_hook={LAB_HOOK}" in (ROOT / "Makefile").read_text()


def test_other_files_are_saved_as_they_are(lab_root):
    cm = contents_manager(lab_root)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", outputs=[nbformat.v4.new_output("stream", name="stdout", text="1")])])
    cm.save({"type": "notebook", "format": "json", "content": nb}, "scratch.ipynb")
    assert nbformat.read(lab_root / "scratch.ipynb", as_version=4).cells[0].outputs
