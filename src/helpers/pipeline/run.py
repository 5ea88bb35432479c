"""`make all`: run every stale notebook into one stage and publish the stage only if every notebook succeeded."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import time
from pathlib import Path

from ..execution import STAGE, keep_params, notebook_env, parameterize, reads_of
from . import stamps as stamping
from .graph import order, read_graph, undeclared_reads
from .schedule import KERNEL, WARM, Failed, Slots, execute, import_statements, kernel_folder, kernel_manager, rank, run_graph, warm
from .stage import export_html, fresh, outputs_of, publish, write_executed, write_manifest


def run_all(root: Path, jobs: int, force: bool = False, only: set[str] = frozenset(), say=print) -> int:
    """Run what is stale (``force``: everything; ``only``: these notebooks at most) and publish; returns the exit
    status. Raises ``Failed`` (a notebook, or the graph it left behind) and lets other errors through: the caller
    reports them in one line. Nothing is published unless every notebook succeeded."""
    import nbformat

    from ..params import load_params

    params = load_params(root / "params.yaml")
    graph = read_graph(root / "notebooks")
    stamps = stamping.load(root)
    common = stamping.common_hashes(root)
    unknown = sorted(set(only) - set(graph))
    if unknown:
        raise Failed(f"no notebook {', '.join(unknown)} in notebooks/")

    def reason(name: str, stage: Path | None = None) -> str | None:
        if only and name not in only:
            return None
        return "forced" if force else stamping.why_stale(root, name, stamps.get(name), common, stage)

    if not any(reason(n) for n in graph):
        say("Nothing to do: every notebook is up to date (`make status` says why).")
        return 0
    stage = fresh(root / STAGE)
    keep_params(stage, params)
    sources = {n: (root / "notebooks" / n).read_bytes() for n in graph}  # the bytes that run are the bytes stamped
    nbs = {n: parameterize(nbformat.reads(sources[n].decode("utf-8"), as_version=4), params, KERNEL) for n in graph}
    ran: dict[str, dict] = {}
    produced: dict[str, list[str]] = {}
    kernels = kernel_folder(stage)
    kms = {n: kernel_manager(n, kernels) for n in graph}
    slots, priority, warming, started = Slots(jobs), rank(graph), {}, set()
    cwd = root / "notebooks"

    def env(name: str) -> dict[str, str]:
        return {**os.environ, **notebook_env(stage, name)}

    async def warm_up(name: str) -> None:  # on a slot no ready notebook needs
        async with slots.held((WARM, priority[name], name)):
            started.add(name)
            await warm(kms[name], name, env(name), cwd, import_statements(nbs[name]))

    async def step(name: str) -> str:
        warming_up = warming.pop(name, None)
        if warming_up is not None and name not in started:
            warming_up.cancel()  # still waiting for a slot: this notebook's own slot starts its kernel
        elif warming_up is not None:
            await warming_up
        why = reason(name, stage)  # decided now: the notebooks it reads from have written their outputs
        if not why:
            return "up to date"
        say(f"{name}: running ({why})")
        started_at = time.perf_counter()
        await execute(nbs[name], name, kms[name], env(name), cwd)
        write_executed(stage, name, nbs[name])
        export_html(stage, name, nbs[name])
        ran[name] = {"source": hashlib.sha256(sources[name]).hexdigest(), "common": common,
                     "reads": reads_of(stage, name)}
        produced[name] = outputs_of(stage, name)
        say(f"{name}: done in {time.perf_counter() - started_at:.1f} s")
        return "ran"

    async def everything() -> None:
        warming.update({n: asyncio.ensure_future(warm_up(n)) for n in order(graph) if reason(n)})
        try:
            await run_graph(graph, slots, step)
        finally:
            for task in warming.values():
                task.cancel()
            await asyncio.gather(*warming.values(), return_exceptions=True)
            await asyncio.gather(*(km.shutdown_kernel(now=True) for km in kms.values() if km.has_kernel),
                                 return_exceptions=True)

    try:
        asyncio.run(everything())
        if not ran:
            say("Nothing to do: every notebook is up to date (`make status` says why).")
            return 0
        problems = undeclared_reads(graph, {n: r["reads"] for n, r in ran.items()}, produced)
        problems += [f"notebooks/{n} was judged up to date but is stale after this run ({reason(n, stage)}): a notebook "
                     "it reads is not declared upstream of it" for n in order(graph) if n not in ran and reason(n, stage)]
        if problems:
            raise Failed("; ".join(problems))
        write_manifest(root, stage, produced)
        try:
            changed = publish(root, stage)
        except OSError as exc:  # reported in one line by the command line, with the file
            raise OSError(exc.errno, f"{exc.strerror}: publishing stopped part-way; run `make all` again (nothing is "
                          "recorded as up to date)", exc.filename) from None
        stamping.save(root, stamps, ran, produced)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if kernels.parent != stage:
            shutil.rmtree(kernels, ignore_errors=True)
    say(f"Published: {len(ran)} notebook(s) run, {len(changed)} output file(s) changed.")
    for rel in changed:
        say(f"  {rel}")
    return 0
