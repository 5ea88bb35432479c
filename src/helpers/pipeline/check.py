"""The check loop: `make test` checks a run before publishing it, and `accept` stores the checked outputs.

`make test` (``test``):

1. lint (ruff);
2. the checked run: nbval executes every notebook (``stale_only``: only the stale ones) in graph order, at most
   ``jobs`` at a time, each parameterised by papermill as `make all` does and running in the checked stage
   ``build/checked`` (``helpers.execution``); nbval's execution *is* the run, so its outputs are the ones published;
3. meanwhile the unit tests; those marked ``outputs`` wait for the checked run and read its outputs first;
4. only if all of that passed, and nothing the run read has changed since, ``build/checked`` is published.

A failing `make test` publishes nothing and leaves ``build/checked`` in place: ``accept`` copies the checked
outputs of a notebook's ``# NBVAL_CHECK_OUTPUT`` cells from there into ``notebooks/`` (it runs nothing), and the next
`make test` passes and publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..execution import CHECKED, CHECKED_ENV, keep_params, notebook_env, parameterize, reads_of, sha
from . import stamps as stamping
from .graph import read_graph, undeclared_reads
from .nbval_plugin import OUTCOMES, plain
from .schedule import KERNEL, Failed, Slots, run_graph
from .stage import changed_since, export_html, fresh, load_record, outputs_of, publish, save_record, write_manifest
from .stamps import EXECUTED

SANITIZE = "tests/nbval_sanitize.cfg"  # regular expressions applied to stored and new outputs before comparing
LINTED = ("src", "scripts", "tests", "notebooks", "bench")  # as `make lint`
NOTEBOOKS = ".notebooks"  # in the checked stage: the parameterised notebooks nbval runs
DONE = ".done"  # in the checked stage: written when the checked run has finished (for the unit tests waiting)
WAIT_ENV = "DEAL_CLOCK_WAIT_FOR_CHECK"  # set for the unit tests of `make test`: the checked stage to wait for
MARK = "# NBVAL_CHECK_OUTPUT"


def nbval_command(notebook: Path) -> list[str]:
    """nbval on one (parameterised) notebook: only its own plugins, no colour."""
    return [sys.executable, "-m", "pytest", "-p", "helpers.pipeline.nbval_plugin", "-p", "nbval", "--nbval-lax",
            "--nbval-kernel-name", KERNEL, "--nbval-sanitize-with", SANITIZE, "--color=no", "-q", "-p", "no:cacheprovider",
            str(notebook)]


async def _subprocess(cmd: list[str], root: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run ``cmd`` in its own process group (cancelled: the group is killed, with whatever it started)."""
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=root, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = await proc.communicate()
    except asyncio.CancelledError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        raise
    return proc.returncode, plain(out.decode("utf-8", "replace"))


async def check_notebook(root: Path, stage: Path, name: str) -> tuple[str, str, str]:
    """Run nbval on notebook ``name`` as part of the checked run staged at ``stage``: (outcome, its first failure in
    one line, nbval's report)."""
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **notebook_env(stage, name)}
    env.pop(CHECKED_ENV, None)
    code, report = await _subprocess(nbval_command(stage / NOTEBOOKS / name), root, env)
    record = stage / OUTCOMES / f"{name}.json"
    if not record.is_file():  # nbval stopped before the notebook ran (a kernel that would not start, a crash)
        return "failed", (report.strip().splitlines() or ["nbval did not run"])[-1], report
    noted = json.loads(record.read_text(encoding="utf-8"))
    first = noted["failures"][0] if noted["failures"] else (report.strip().splitlines() or [""])[-1]
    return ("failed" if code != 0 and noted["outcome"] == "ok" else noted["outcome"]), first, report


def first_failure(report: str) -> str:
    """nbval's report of a notebook that failed, cut to its first failing cell (the later ones fail because of it)."""
    blocks = re.split(r"(?m)^(?=_{3,} .* _{3,}$)", report.strip())
    failures = [b for b in blocks[1:] if "Cell " in b]
    if len(failures) <= 1:
        return report.strip()
    summary = report.strip().splitlines()[-1]
    return f"{failures[0].rstrip()}\n(and {len(failures) - 1} later cell(s) failed after it)\n{summary}"


def _lint(root: Path, say) -> bool:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", *[p for p in LINTED if (root / p).exists()]],
                          cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        say(plain(done.stdout + done.stderr).rstrip())
        say("make test failed: lint (ruff). Nothing was published.")
    return done.returncode == 0


def _unit_tests(root: Path, stage: Path) -> asyncio.Future:
    """The unit tests, in one process beside the checked run (measured: two workers cost more CPU than they save on
    two cores); those marked ``outputs`` go last and wait for the checked run in ``stage``."""
    env = {**os.environ, WAIT_ENV: str(stage)}
    env.pop(CHECKED_ENV, None)
    return asyncio.ensure_future(_subprocess([sys.executable, "-m", "pytest", "tests", "-q", "--color=no", "-p",
                                              "no:cacheprovider", "-p", "no:nbval"], root, env))


def code_hash(nb) -> str:
    """Hash of a notebook without its outputs and execution counts: what `accept` leaves alone."""
    cells = [{k: v for k, v in c.items() if k not in ("outputs", "execution_count")} for c in nb["cells"]]
    return hashlib.sha256(json.dumps({"metadata": nb["metadata"], "cells": cells}, sort_keys=True).encode()).hexdigest()


def _outcomes(stage: Path) -> dict[str, dict]:
    return {p.name.removesuffix(".json"): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((stage / OUTCOMES).glob("*.json"))}


def still_current(root: Path, stage: Path, wanted: set[str], common: dict[str, str]) -> dict[str, dict] | None:
    """The notebooks of the held checked run (name -> what it saw, its source as it is now), if `make test` may check
    it again without re-running: it completed, it covers ``wanted``, every notebook whose checked output changed has
    since been accepted (its stored outputs are the run's; nothing else in it changed) and nothing else the run read
    or ran has changed. None otherwise."""
    import nbformat

    record, done = load_record(stage), stage / DONE
    if record is None or not done.is_file() or not json.loads(done.read_text(encoding="utf-8"))["complete"]:
        return None
    outcomes = _outcomes(stage)
    if record["common"] != common or not wanted <= set(record["ran"]):
        return None

    def same_code(rel: str) -> bool:  # a notebook that accept changed: its code is what the run read
        name = rel.removeprefix("notebooks/")
        return rel.startswith("notebooks/") and (root / rel).is_file() and \
            code_hash(nbformat.read(root / rel, as_version=4)) == record["code"].get(name)

    ran = {}
    for name, seen in record["ran"].items():
        path = root / "notebooks" / name
        reads = {rel: sha(root / rel) if not (stage / rel).is_file() and sha(root / rel) != digest and same_code(rel)
                 else digest for rel, digest in seen["reads"].items()}
        if not path.is_file() or any(not (stage / rel).is_file() and sha(root / rel) != digest for rel, digest in reads.items()):
            return None
        now = sha(path)
        if now == seen["source"]:
            if outcomes.get(name, {}).get("outcome") != "ok":
                return None
        else:
            stored = nbformat.read(path, as_version=4)
            executed = nbformat.read(stage / EXECUTED / name, as_version=4)
            if (outcomes.get(name, {}).get("outcome") != "differs" or not same_code(f"notebooks/{name}")
                    or accepted_version(stored, executed) != stored):
                return None
        ran[name] = {**seen, "source": now, "reads": reads}
    return ran


def test(root: Path, jobs: int, stale_only: bool = False, lint: bool = True, unit: bool = True, say=print) -> int:
    """`make test`; returns the exit status (0 only when everything passed and the run was published)."""

    from ..params import load_params

    if lint and not _lint(root, say):
        return 1
    params = load_params(root / "params.yaml")
    graph = read_graph(root / "notebooks")
    stamps = stamping.load(root)
    common = stamping.common_hashes(root)
    stage = root / CHECKED
    wanted = set(graph) if not stale_only else {n for n in graph if stamping.why_stale(root, n, stamps.get(n), common)}
    reports: dict[str, str] = {}
    held = still_current(root, stage, wanted, common) if wanted else None
    if held is not None:
        say("The checked run of the last `make test` is still current (since then, only `make accept` has changed the "
            "notebooks): its outputs are checked again without re-running. (A fresh checkout, as in CI, always re-runs.)")
        record = load_record(stage)
        ran, produced = held, {n: record["produced"][n] for n in held}
        outcomes = dict.fromkeys(held, "ok")

        async def units_only():
            return await _unit_tests(root, stage) if unit else None

        tests = asyncio.run(units_only())
    else:
        outcomes, ran, produced, tests = _check(root, stage, graph, params, stamps, common, jobs, stale_only, unit,
                                                reports, say)
    failed = {n: o for n, o in outcomes.items() if o.startswith(("failed", "not run"))}
    differs = [n for n, o in outcomes.items() if o == "differs"]
    for name in [*failed, *differs]:
        if name in reports:
            say(f"\n--- nbval: notebooks/{name} ---\n{first_failure(reports[name]) if name in failed else reports[name].strip()}")
    for name, why in failed.items():
        say(f"{name}: {why}")
    if tests is not None:
        code, report = tests
        lines = report.strip().splitlines()
        say("\n--- unit tests ---\n" + ("\n".join(lines) if code != 0 else (lines[-1] if lines else "")))
    if failed or differs or (tests is not None and tests[0] != 0):
        say("\nmake test failed: nothing was published.")
        if differs and not failed:
            say(f"A checked output changed in {', '.join('notebooks/' + n for n in differs)} (above: expected = stored in "
                "the notebook, got = this run). If the new values are right, `make accept` stores them in the notebook "
                "(from this run, nothing re-runs); `make test` then passes and publishes.")
        return 1
    moved = changed_since(root, stage, {"common": common, "ran": ran}, stamping.common_hashes(root))
    if moved:
        say(f"Not published: {moved} changed during the check; run `make test` again.")
        return 1
    if not ran:
        shutil.rmtree(stage, ignore_errors=True)
        say("make test passed; nothing to publish (no notebook was stale).")
        return 0
    try:
        changed = publish(root, stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    stamping.save(root, stamps, ran, produced)
    say(f"make test passed. Published: {len(ran)} notebook(s) checked, {len(changed)} output file(s) changed.")
    for rel in changed:
        say(f"  {rel}")
    return 0


def _check(root, stage, graph, params, stamps, common, jobs, stale_only, unit, reports, say):
    """The checked run (nbval on each notebook, in graph order) and, meanwhile, the unit tests."""
    import nbformat

    fresh(stage)
    keep_params(stage, params)
    (stage / NOTEBOOKS).mkdir()
    sources, code = {}, {}
    for name in graph:  # the bytes that run are the bytes recorded
        data = (root / "notebooks" / name).read_bytes()
        sources[name] = hashlib.sha256(data).hexdigest()
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        code[name] = code_hash(nb)
        nbformat.write(parameterize(nb, params, KERNEL), stage / NOTEBOOKS / name)
    ran: dict[str, dict] = {}
    produced: dict[str, list[str]] = {}

    async def step(name: str) -> str:
        why = "checked" if not stale_only else stamping.why_stale(root, name, stamps.get(name), common, stage)
        if not why:
            return "up to date"
        started = time.perf_counter()
        outcome, first, reports[name] = await check_notebook(root, stage, name)
        if outcome == "failed":
            say(f"{name}: FAILED ({time.perf_counter() - started:.1f} s)")
            raise Failed(f"notebooks/{name}: {first}")
        export_html(stage, name)
        ran[name] = {"source": sources[name], "common": common, "reads": reads_of(stage, name)}
        produced[name] = outputs_of(stage, name)
        say(f"{name}: {'a checked output changed' if outcome == 'differs' else 'checked'} "
            f"({time.perf_counter() - started:.1f} s)")
        return outcome

    async def everything():
        tests = _unit_tests(root, stage) if unit else None
        try:
            outcomes = await run_graph(graph, Slots(jobs), step, keep_going=True)
            problems = undeclared_reads(graph, {n: r["reads"] for n, r in ran.items()}, produced)
            if stale_only:  # one judged up to date before an undeclared writer finished would publish stale outputs
                problems += [f"notebooks/{n} was judged up to date but is stale after this run: a notebook it reads is "
                             "not declared upstream of it" for n, o in outcomes.items()
                             if o == "up to date" and stamping.why_stale(root, n, stamps.get(n), common, stage)]
            complete = not problems and all(o in ("ok", "differs", "up to date") for o in outcomes.values())
            if ran:
                write_manifest(root, stage, produced)
            save_record(stage, {"common": common, "sources": sources, "code": code, "ran": ran, "produced": produced})
            (stage / DONE).write_text(json.dumps({"complete": complete, "problems": problems}), encoding="utf-8")
            outcomes.update({f"(graph {i})": f"failed: {p}" for i, p in enumerate(problems)})
            return outcomes, (await tests if tests is not None else None)
        finally:
            if not (stage / DONE).is_file():
                (stage / DONE).write_text(json.dumps({"complete": False, "problems": ["interrupted"]}), encoding="utf-8")
            if tests is not None and not tests.done():
                tests.cancel()

    outcomes, tests = asyncio.run(everything())
    return outcomes, ran, produced, tests


def wait_for_checked_run(timeout_s: float = 3600) -> str | None:
    """For the unit tests of `make test` that read outputs: wait until the checked run has finished, then read its
    outputs first (``CHECKED_ENV``). Returns why they cannot run (the checked run failed), or None."""
    folder = os.environ.get(WAIT_ENV)
    if not folder:
        return None
    done, parent, deadline = Path(folder) / DONE, os.getppid(), time.monotonic() + timeout_s
    while not done.is_file():
        if os.getppid() != parent or time.monotonic() > deadline:
            return "the checked run did not finish"
        time.sleep(0.2)
    state = json.loads(done.read_text(encoding="utf-8"))
    if not state["complete"]:
        return "the checked run failed (see its report): these tests need its outputs"
    os.environ[CHECKED_ENV] = folder
    return None


def checked_cells(nb) -> list[int]:
    """Indexes of the code cells nbval compares (marked ``# NBVAL_CHECK_OUTPUT``)."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and MARK in c.source]


def accepted_version(stored, executed):
    """``stored`` (a notebook of notebooks/) with the outputs of its checked cells taken from ``executed`` (its run)
    and no other outputs, or None if their cells differ."""
    import nbformat

    ran = [c for c in executed.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    if [(c.cell_type, c.source) for c in ran] != [(c.cell_type, c.source) for c in stored.cells]:
        return None
    kept = set(checked_cells(stored))
    updated = nbformat.from_dict(json.loads(json.dumps(stored)))
    for i, (cell, new) in enumerate(zip(updated.cells, ran)):
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
            cell.outputs, cell.execution_count = (new.outputs, new.execution_count) if i in kept else ([], None)
    return updated


def accept(root: Path, names: list[str] | None = None, say=print) -> int:
    """Store the checked outputs of the last `make test` in ``notebooks/`` (``names``: these notebooks; default every
    notebook whose checked output changed). Runs nothing; refuses a notebook that failed, was not checked, or has
    changed since the check."""
    import nbformat

    stage = root / CHECKED
    record = load_record(stage)
    outcomes = _outcomes(stage)
    if record is None or not outcomes:
        say("Nothing to accept: no checked run in build/checked. Run `make test` first; accept stores its outputs.")
        return 1
    targets = names or [n for n, o in outcomes.items() if o["outcome"] == "differs"]
    if not targets:
        say("Nothing to accept: no checked output changed in the last `make test`.")
        return 0
    status = 0
    for name in targets:
        path = root / "notebooks" / name
        if name not in outcomes:
            say(f"notebooks/{name}: not checked in the last `make test`; run `make test` first.")
            status = 1
            continue
        if outcomes[name]["outcome"] == "failed":
            say(f"notebooks/{name}: failed in the last `make test` ({outcomes[name]['failures'][0]}); fix it first.")
            status = 1
            continue
        stored = nbformat.read(path, as_version=4)
        updated = accepted_version(stored, nbformat.read(stage / EXECUTED / name, as_version=4))
        if updated is None:
            say(f"notebooks/{name}: its cells differ from the checked run's; run `make test` again, then accept.")
            status = 1
        elif updated == stored:
            say(f"notebooks/{name}: already holds the checked outputs of the last `make test`.")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != record["sources"].get(name):
            say(f"notebooks/{name}: changed since the last `make test`; run `make test` again, then accept.")
            status = 1
        else:
            nbformat.write(updated, path)
            say(f"notebooks/{name}: checked outputs stored from the last `make test` "
                f"({len(checked_cells(updated))} checked cell(s)).")
    return status
