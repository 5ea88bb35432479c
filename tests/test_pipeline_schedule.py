"""Scheduling (helpers.pipeline.schedule): upstream first, at most `jobs` at once, the first failure cancels the rest."""

import asyncio
import os

import nbformat
import pytest

from helpers.pipeline.schedule import Failed, Slots, execute, failing_cell, import_statements, kernel_folder, kernel_manager, run_graph, warm

GRAPH = {"01_a.ipynb": [], "02_b.ipynb": ["01_a.ipynb"], "03_c.ipynb": ["01_a.ipynb"], "04_d.ipynb": [],
         "05_e.ipynb": ["02_b.ipynb"]}


def steps(fail=(), seconds=None):
    """A fake notebook step: sleeps (``seconds[name]``, default 0.05 s), fails for ``fail``; logs start, end, cancel."""
    log, running, most = [], set(), [0]

    async def step(name):
        running.add(name)
        most[0] = max(most[0], len(running))
        log.append(("start", name))
        try:
            await asyncio.sleep((seconds or {}).get(name, 0.05))
            if name in fail:
                raise Failed(f"notebooks/{name}, cell 3: ValueError: bad")
            return "ran"
        except asyncio.CancelledError:
            log.append(("cancelled", name))
            raise
        finally:
            running.discard(name)
            log.append(("end", name))

    return step, log, most


def test_each_notebook_starts_after_its_upstream_and_at_most_jobs_run_at_once():
    step, log, most = steps()
    outcomes = asyncio.run(run_graph(GRAPH, Slots(2), step))
    assert outcomes == dict.fromkeys(GRAPH, "ran") and most[0] == 2
    for name, upstream in GRAPH.items():
        for u in upstream:
            assert log.index(("end", u)) < log.index(("start", name))


def test_the_first_failure_cancels_every_notebook_running_or_waiting():
    step, log, _ = steps(fail={"04_d.ipynb"}, seconds={"01_a.ipynb": 5.0})  # 01 still runs when 04 fails
    with pytest.raises(Failed, match="notebooks/04_d.ipynb, cell 3"):
        asyncio.run(run_graph(GRAPH, Slots(2), step))
    assert ("cancelled", "01_a.ipynb") in log
    assert not [n for kind, n in log if kind == "start" and n in ("02_b.ipynb", "03_c.ipynb", "05_e.ipynb")]


def test_keep_going_runs_everything_not_downstream_of_a_failure():
    step, log, _ = steps(fail={"02_b.ipynb"})
    outcomes = asyncio.run(run_graph(GRAPH, Slots(2), step, keep_going=True))
    assert outcomes["02_b.ipynb"].startswith("failed: notebooks/02_b.ipynb, cell 3")
    assert outcomes["05_e.ipynb"] == "not run: 02_b.ipynb failed"
    assert outcomes["03_c.ipynb"] == outcomes["04_d.ipynb"] == "ran"


def test_a_failing_cell_is_named_with_its_exception():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("x", execution_count=2, outputs=[
        nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined", traceback=[])])])
    assert failing_cell(nb) == "cell 1 (execution count 2): NameError: name 'x' is not defined"


def test_a_free_slot_goes_to_the_ready_notebook_with_the_most_notebooks_downstream():
    # one slot: while 01 runs, 02 (nothing downstream) and 03 (04 downstream) wait; 03 goes first
    graph = {"01_a.ipynb": [], "02_b.ipynb": [], "03_c.ipynb": [], "04_d.ipynb": ["03_c.ipynb"]}
    step, log, _ = steps()
    asyncio.run(run_graph(graph, Slots(1), step))
    assert [n for kind, n in log if kind == "start"] == ["01_a.ipynb", "03_c.ipynb", "02_b.ipynb", "04_d.ipynb"]


def test_a_slot_handed_to_a_cancelled_request_passes_on():
    async def scenario():
        slots = Slots(1)
        await slots.acquire((0,))
        first = asyncio.ensure_future(slots.acquire((1,)))
        second = asyncio.ensure_future(slots.acquire((2,)))
        await asyncio.sleep(0)
        slots.release()  # hands the slot to `first`...
        first.cancel()  # ...which is cancelled before it runs
        await asyncio.gather(first, return_exceptions=True)
        await asyncio.wait_for(second, 1)  # the slot reached the next request
        return slots.free

    assert asyncio.run(scenario()) == 0


def test_warming_runs_only_the_notebooks_import_statements():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import pandas as pd\nfrom helpers import report\nx = 1\n"),
        nbformat.v4.new_code_cell("%matplotlib inline"),
        nbformat.v4.new_code_cell("import pandas as pd\nif x:\n    import os\n"),
    ])
    assert import_statements(nb) == "import pandas as pd\nfrom helpers import report"


def test_a_warmed_kernel_runs_the_notebook_as_a_fresh_one(tmp_path):
    """nbclient takes the warmed kernel as it is: the imports ran silently, the notebook counts from 1."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import json\nprint(json.dumps([1]))"),
                                         nbformat.v4.new_code_cell("'json' in dir()")])

    async def scenario():
        km = kernel_manager("01_tiny.ipynb", kernel_folder(tmp_path))
        env = {**os.environ, "DEAL_CLOCK_TEST": "1"}
        await warm(km, "01_tiny.ipynb", env, tmp_path, import_statements(nb))
        assert km.has_kernel
        await execute(nb, "01_tiny.ipynb", km, env, tmp_path)
        return km.has_kernel

    assert asyncio.run(scenario()) is False  # shut down after the notebook
    assert [c.execution_count for c in nb.cells] == [1, 2]
    assert nb.cells[0].outputs[0]["text"] == "[1]\n" and nb.cells[1].outputs[0]["data"]["text/plain"] == "True"


def test_a_failing_notebook_is_one_line_naming_the_cell(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("raise ValueError('bad row')")])
    with pytest.raises(Failed, match=r"notebooks/01_tiny.ipynb, cell 1 \(execution count 2\): ValueError: bad row"):
        asyncio.run(execute(nb, "01_tiny.ipynb", kernel_manager("01_tiny.ipynb", kernel_folder(tmp_path)), dict(os.environ), tmp_path))
