"""Scheduling: every notebook runs once the notebooks it reads from have finished, at most ``jobs`` at a time.

One plain bounded pool (``run_graph``) serves both ways of running: ``make all`` executes each notebook with nbclient
(``execute``), ``make test`` with nbval (``helpers.pipeline.check``). A notebook downstream of one that failed is not
run. Unless told to keep going, the first failure cancels every notebook still running or waiting; nbclient then
shuts its kernel down, so nothing is left behind and nothing is published.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from ..execution import notebook_env
from .graph import order

KERNEL = "deal-clock"  # the project's Jupyter kernel (make setup registers it)
CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120


class Failed(Exception):
    """A notebook failed; the message names it and says where and what, in one line."""


async def run_graph(graph: dict[str, list[str]], jobs: int, step: Callable[[str], Awaitable[str]],
                    keep_going: bool = False) -> dict[str, str]:
    """Run ``step(name)`` for every notebook of ``graph`` after its upstream notebooks, at most ``jobs`` at a time.

    Returns each notebook's outcome: what ``step`` returned, ``'failed: <message>'`` when it raised ``Failed``, or
    ``'not run: <upstream> failed'``. Unless ``keep_going``, the first ``Failed`` cancels every other step and is
    raised.
    """
    slots = asyncio.Semaphore(max(1, jobs))
    outcomes: dict[str, str] = {}
    tasks: dict[str, asyncio.Task] = {}

    async def one(name: str) -> None:
        for upstream in graph[name]:
            await tasks[upstream]
        blocked = [u for u in graph[name] if outcomes[u].startswith(("failed", "not run"))]
        if blocked:
            outcomes[name] = f"not run: {blocked[0]} failed"
            return
        async with slots:
            try:
                outcomes[name] = await step(name)
            except Failed as exc:
                outcomes[name] = f"failed: {exc}"
                if not keep_going:
                    raise

    for name in order(graph):  # upstream tasks exist before the tasks that wait for them
        tasks[name] = asyncio.ensure_future(one(name))
    try:
        await asyncio.gather(*tasks.values())
    finally:
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
    return outcomes


def kernel_folder(stage: Path) -> Path:
    """A folder for the kernels' connection files and IPC sockets: in the stage, unless its path is too long for a
    socket name (about 100 bytes), then a temporary folder."""
    folder = stage / ".kernels"
    if len(str(folder)) > 80:
        folder = Path(tempfile.mkdtemp(prefix="deal-clock-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def failing_cell(nb) -> str:
    """Where an executed notebook failed: the cell, its execution count, the exception and its message."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i} (execution count {cell.get('execution_count')}): {out['ename']}: {out['evalue']}"
    return "a cell"


async def execute(nb, name: str, root: Path, stage: Path, kernels: Path) -> None:
    """Execute ``nb`` (notebook ``name``, already parameterised) on a fresh kernel in the run staged at ``stage``,
    with nbclient. Raises ``Failed`` naming the notebook and the cell."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    # IPC sockets: no open TCP port, and no "unencrypted TCP" warning from each kernel
    km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", connection_file=str(kernels / f"{name[:2]}.json"))
    client = NotebookClient(nb, km=km, kernel_name=KERNEL, timeout=CELL_TIMEOUT_S, startup_timeout=KERNEL_START_TIMEOUT_S,
                            resources={"metadata": {"path": str(root / "notebooks")}})
    try:
        await client.async_execute(cleanup_kc=True, env={**os.environ, **notebook_env(stage, name)})
    except CellExecutionError:
        raise Failed(f"notebooks/{name}, {failing_cell(nb)}") from None
    except (DeadKernelError, TimeoutError, RuntimeError) as exc:
        raise Failed(f"notebooks/{name}: {type(exc).__name__}: {exc}") from None
