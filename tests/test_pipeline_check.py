"""The check loop (helpers.pipeline.check and nbval_plugin): a changed headline reads "expected X, got Y", nbval's
execution is the run that is published, and accept stores the checked outputs without running anything."""

import json
import os

import nbformat
import pytest

from helpers.execution import CHECKED, CHECKED_ENV
from helpers.pipeline import check, nbval_plugin
from helpers.pipeline.stage import save_record


def test_a_changed_number_reads_expected_then_got():
    stored = "claim_id  verdict\nc01  mean 17.9 months; 22.3 once\nc02  ok"
    now = "claim_id  verdict\nc01  mean 18.1 months; 22.7 once\nc02  ok"
    lines = nbval_plugin.explain(stored, now)
    assert lines[1] == "  line 2: expected 17.9, got 18.1; expected 22.3, got 22.7"
    assert lines[2].endswith("c01  mean 17.9 months; 22.3 once") and lines[3].endswith("c01  mean 18.1 months; 22.7 once")
    assert len(lines) == 4  # unchanged lines are not repeated


def test_added_and_removed_lines_are_shown():
    assert nbval_plugin.changed_tokens("", "new row 5") == ["expected (nothing), got new row 5"]
    assert nbval_plugin.pytest_assertrepr_compare(None, "==", "a", "a") is None
    assert nbval_plugin.pytest_assertrepr_compare(None, "==", 1, 2) is None


def test_a_notebook_whose_only_failures_are_changed_outputs_ran_and_differs():
    assert nbval_plugin.outcome([]) == "ok"
    assert nbval_plugin.outcome(["Cell 3: Cell outputs differ", "Cell 5: Cell outputs differ"]) == "differs"
    assert nbval_plugin.outcome(["Cell 3: Cell outputs differ", "Cell 4: Cell execution caused an exception"]) == "failed"


class Item:
    """What the plugin reads of an nbval cell item."""

    def __init__(self, parent, cell_num, outputs):
        self.parent, self.cell_num, self.test_outputs = parent, cell_num, outputs


def test_the_executed_notebook_holds_what_nbval_received_in_each_code_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("print(1)"),
                                         nbformat.v4.new_code_cell("2")])
    parent = type("File", (), {"nb": nb})()
    printed = nbformat.v4.new_output("stream", name="stdout", text="1\n")
    executed = nbval_plugin.executed_notebook([Item(parent, 0, [printed]), Item(parent, 1, [])])
    assert executed.cells[1].outputs == [printed] and executed.cells[1].execution_count == 1
    assert executed.cells[2].execution_count == 2 and nb.cells[1].outputs == []  # the collected notebook is left alone


def test_ansi_colour_codes_are_removed_from_logs():
    assert nbval_plugin.plain("\x1b[91mNotebook cell execution failed\x1b[0m") == "Notebook cell execution failed"


@pytest.fixture
def checked(tmp_path):
    """A repository with one notebook and a `make test` that found its checked headline changed (a stored 17.9, 18.1 now)."""
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    cells = [nbformat.v4.new_markdown_cell("# 04"),
             nbformat.v4.new_code_cell("params = load_params()", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(x)", execution_count=3,
                                       outputs=[nbformat.v4.new_output("stream", name="stdout", text="17.9\n")]),
             nbformat.v4.new_code_cell("plot()")]
    stored = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(stored, root / "notebooks" / "04_x.ipynb")
    executed = nbformat.v4.new_notebook(cells=[nbformat.from_dict(c) for c in json.loads(json.dumps(cells))])
    executed.cells.insert(2, nbformat.v4.new_code_cell("params = {}", metadata={"tags": ["injected-parameters"]}))
    executed.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="18.1\n")]
    executed.cells[3].execution_count = 4
    executed.cells[4].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AAAA"})]
    stage = root / CHECKED
    (stage / "reports/notebooks").mkdir(parents=True)
    nbformat.write(executed, stage / "reports/notebooks/04_x.ipynb")
    (stage / nbval_plugin.OUTCOMES).mkdir()
    (stage / nbval_plugin.OUTCOMES / "04_x.ipynb.json").write_text(json.dumps({"outcome": "differs", "failures": ["Cell 2: Cell outputs differ"]}))
    import hashlib

    save_record(stage, {"common": {}, "sources": {"04_x.ipynb": hashlib.sha256((root / "notebooks/04_x.ipynb").read_bytes()).hexdigest()},
                        "ran": {}, "produced": {}})
    return root


def test_accept_stores_the_checked_runs_outputs_of_the_checked_cells_only(checked, capsys):
    assert check.accept(checked) == 0
    nb = nbformat.read(checked / "notebooks/04_x.ipynb", as_version=4)
    assert nb.cells[2].outputs[0]["text"] == "18.1\n" and nb.cells[2].execution_count == 4  # nbval compares a counted cell
    assert nb.cells[3].outputs == [] and nb.cells[3].execution_count is None
    assert "notebooks/04_x.ipynb: checked outputs stored from the last `make test`" in capsys.readouterr().out
    assert check.accept(checked) == 0  # again: already stored, nothing changes
    assert nbformat.read(checked / "notebooks/04_x.ipynb", as_version=4) == nb


def test_accept_refuses_a_notebook_changed_since_the_check(checked, capsys):
    path = checked / "notebooks/04_x.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.metadata["deal_clock"] = {"upstream": []}
    nbformat.write(nb, path)
    before = path.read_bytes()
    assert check.accept(checked) == 1
    assert path.read_bytes() == before and "changed since the last `make test`" in capsys.readouterr().out
    nb.cells[3].source = "plot(1)"
    nbformat.write(nb, path)
    assert check.accept(checked) == 1 and "its cells differ from the checked run's" in capsys.readouterr().out


def test_accept_refuses_a_notebook_that_failed_or_was_not_checked(checked, capsys):
    (checked / CHECKED / nbval_plugin.OUTCOMES / "04_x.ipynb.json").write_text(
        json.dumps({"outcome": "failed", "failures": ["Cell 2: Cell execution caused an exception"]}))
    assert check.accept(checked) == 0  # nothing differs: nothing to accept
    assert check.accept(checked, ["04_x.ipynb"]) == 1 and "fix it first" in capsys.readouterr().out
    assert check.accept(checked, ["05_y.ipynb"]) == 1 and "not checked in the last `make test`" in capsys.readouterr().out


def test_accept_without_a_checked_run_says_to_run_make_test(tmp_path, capsys):
    assert check.accept(tmp_path) == 1 and "Run `make test` first" in capsys.readouterr().out


def test_the_output_tests_wait_for_the_checked_run_then_read_its_outputs(tmp_path, monkeypatch):
    monkeypatch.delenv(CHECKED_ENV, raising=False)
    monkeypatch.delenv(check.WAIT_ENV, raising=False)
    assert check.wait_for_checked_run() is None and CHECKED_ENV not in os.environ  # plain `make unit`: published
    monkeypatch.setenv(check.WAIT_ENV, str(tmp_path))
    assert check.wait_for_checked_run(timeout_s=0.3) == "the checked run did not finish"
    (tmp_path / check.DONE).write_text(json.dumps({"complete": False, "problems": ["x"]}))
    assert "the checked run failed" in check.wait_for_checked_run()
    (tmp_path / check.DONE).write_text(json.dumps({"complete": True, "problems": []}))
    assert check.wait_for_checked_run() is None and os.environ[CHECKED_ENV] == str(tmp_path)


def test_a_failed_notebooks_report_is_cut_to_its_first_failing_cell():
    report = ("..FF\n=== FAILURES ===\n____ notebooks/07.ipynb::Cell 4 ____\nCell 4: Cell execution caused an exception\n"
              "KeyError: 'x'\n____ notebooks/07.ipynb::Cell 5 ____\nNameError: ledger\n=== short test summary info ===\n"
              "2 failed, 2 passed in 1.0s")
    assert check.first_failure(report) == ("____ notebooks/07.ipynb::Cell 4 ____\nCell 4: Cell execution caused an exception\n"
                                           "KeyError: 'x'\n(and 1 later cell(s) failed after it)\n2 failed, 2 passed in 1.0s")


def held_run(root):
    """Complete the fixture's checked run as `make test` leaves it when only a checked output changed."""
    import hashlib

    stage = root / CHECKED
    (stage / check.DONE).write_text(json.dumps({"complete": True, "problems": []}))
    stored = nbformat.read(root / "notebooks/04_x.ipynb", as_version=4)
    source = hashlib.sha256((root / "notebooks/04_x.ipynb").read_bytes()).hexdigest()
    save_record(stage, {"common": {"params.yaml": "p"}, "sources": {"04_x.ipynb": source},
                        "code": {"04_x.ipynb": check.code_hash(stored)},
                        "ran": {"04_x.ipynb": {"source": source, "common": {"params.yaml": "p"}, "reads": {}}},
                        "produced": {"04_x.ipynb": ["reports/notebooks/04_x.ipynb"]}})
    return stage


def test_after_accept_the_held_checked_run_is_checked_again_without_re_running(checked):
    stage = held_run(checked)
    assert check.still_current(checked, stage, {"04_x.ipynb"}, {"params.yaml": "p"}) is None  # not accepted yet
    assert check.accept(checked) == 0
    held = check.still_current(checked, stage, {"04_x.ipynb"}, {"params.yaml": "p"})
    assert held is not None and held["04_x.ipynb"]["source"] != json.loads((stage / ".run.json").read_text())["sources"]["04_x.ipynb"]
    assert check.still_current(checked, stage, {"04_x.ipynb"}, {"params.yaml": "changed"}) is None
    assert check.still_current(checked, stage, {"04_x.ipynb", "05_y.ipynb"}, {"params.yaml": "p"}) is None


def test_a_notebook_edited_beyond_its_accepted_outputs_is_re_run(checked):
    stage = held_run(checked)
    assert check.accept(checked) == 0
    path = checked / "notebooks/04_x.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "# 04, retitled"
    nbformat.write(nb, path)
    assert check.still_current(checked, stage, {"04_x.ipynb"}, {"params.yaml": "p"}) is None


def test_both_readmes_give_the_same_add_a_row_loop():
    import re

    from helpers.paths import ROOT

    def loop(path, heading):
        section = path.read_text(encoding="utf-8").split(heading, 1)[1].split("\n## ", 1)[0]
        steps = [line for line in section.splitlines() if re.match(r"\d+\. ", line)]
        return [m.group(1) for line in steps if (m := re.search(r"`make (\w+)", line))]

    readme = loop(ROOT / "README.md", "## Add or correct a row")
    assert readme == loop(ROOT / "data" / "raw" / "README.md", "## How to add or correct a row")
    assert readme == ["test", "accept", "test"]


def test_a_cancelled_make_test_kills_what_its_subprocesses_started(tmp_path):
    import asyncio
    import time
    from pathlib import Path

    async def scenario():
        started = asyncio.ensure_future(check._subprocess(
            ["sh", "-c", f"sleep 60 & echo $! > {tmp_path}/child; wait"], tmp_path, dict(os.environ)))
        while not (tmp_path / "child").is_file() or not (tmp_path / "child").read_text().strip():
            await asyncio.sleep(0.02)
        started.cancel()
        await asyncio.gather(started, return_exceptions=True)
        return int((tmp_path / "child").read_text())

    child = Path(f"/proc/{asyncio.run(scenario())}/status")
    time.sleep(0.2)
    assert not child.exists() or "State:\tZ" in child.read_text()  # gone, or dead and not yet reaped
