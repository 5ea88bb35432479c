"""Scheduling (helpers.pipeline.schedule): upstream first, at most `jobs` at once, the first failure cancels the rest."""

import asyncio

import nbformat
import pytest

from helpers.pipeline.schedule import Failed, failing_cell, run_graph

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
    outcomes = asyncio.run(run_graph(GRAPH, 2, step))
    assert outcomes == dict.fromkeys(GRAPH, "ran") and most[0] == 2
    for name, upstream in GRAPH.items():
        for u in upstream:
            assert log.index(("end", u)) < log.index(("start", name))


def test_the_first_failure_cancels_every_notebook_running_or_waiting():
    step, log, _ = steps(fail={"04_d.ipynb"}, seconds={"01_a.ipynb": 5.0})  # 01 still runs when 04 fails
    with pytest.raises(Failed, match="notebooks/04_d.ipynb, cell 3"):
        asyncio.run(run_graph(GRAPH, 2, step))
    assert ("cancelled", "01_a.ipynb") in log
    assert not [n for kind, n in log if kind == "start" and n in ("02_b.ipynb", "03_c.ipynb", "05_e.ipynb")]


def test_keep_going_runs_everything_not_downstream_of_a_failure():
    step, log, _ = steps(fail={"02_b.ipynb"})
    outcomes = asyncio.run(run_graph(GRAPH, 2, step, keep_going=True))
    assert outcomes["02_b.ipynb"].startswith("failed: notebooks/02_b.ipynb, cell 3")
    assert outcomes["05_e.ipynb"] == "not run: 02_b.ipynb failed"
    assert outcomes["03_c.ipynb"] == outcomes["04_d.ipynb"] == "ran"


def test_a_failing_cell_is_named_with_its_exception():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("x", execution_count=2, outputs=[
        nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined", traceback=[])])])
    assert failing_cell(nb) == "cell 1 (execution count 2): NameError: name 'x' is not defined"
