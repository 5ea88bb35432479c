"""`make all`: run every stale notebook into one stage and publish the stage only if every notebook succeeded."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import time
from pathlib import Path

from ..execution import STAGE, keep_params, parameterize, reads_of
from . import stamps as stamping
from .graph import order, read_graph, undeclared_reads
from .schedule import KERNEL, Failed, execute, kernel_folder, run_graph
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
    ran: dict[str, dict] = {}
    produced: dict[str, list[str]] = {}
    kernels = kernel_folder(stage)

    async def step(name: str) -> str:
        why = reason(name, stage)  # decided now: the notebooks it reads from have written their outputs
        if not why:
            return "up to date"
        say(f"{name}: running ({why})")
        started = time.perf_counter()
        nb = parameterize(nbformat.reads(sources[name].decode("utf-8"), as_version=4), params, KERNEL)
        await execute(nb, name, root, stage, kernels)
        write_executed(stage, name, nb)
        export_html(stage, name)
        ran[name] = {"source": hashlib.sha256(sources[name]).hexdigest(), "common": common,
                     "reads": reads_of(stage, name)}
        produced[name] = outputs_of(stage, name)
        say(f"{name}: done in {time.perf_counter() - started:.1f} s")
        return "ran"

    try:
        asyncio.run(run_graph(graph, jobs, step))
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
        except OSError as exc:
            raise OSError(f"publishing stopped part-way ({exc}); run `make all` again: nothing is recorded as up to "
                          "date") from None
        stamping.save(root, stamps, ran, produced)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if kernels.parent != stage:
            shutil.rmtree(kernels, ignore_errors=True)
    say(f"Published: {len(ran)} notebook(s) run, {len(changed)} output file(s) changed.")
    for rel in changed:
        say(f"  {rel}")
    return 0
