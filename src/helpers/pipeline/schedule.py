"""Scheduling: every notebook runs once the notebooks it reads from have finished, at most ``jobs`` at a time.

One bounded pool (``run_graph``) serves both ways of running: ``make all`` executes each notebook with nbclient
(``execute``), ``make test`` with nbval (``helpers.pipeline.check``). A notebook downstream of one that failed is not
run. Unless told to keep going, the first failure cancels every notebook still running or waiting; nbclient then
shuts its kernel down, so nothing is left behind and nothing is published.

Two things keep two cores busy, each measured in `make bench` (A/B alternated; without either, a cold `make all`
took about a tenth longer): when several notebooks are ready, a free slot goes to the one with the most notebooks
downstream (``Slots``, ``rank``); and in `make all`, a slot that no ready notebook needs starts the kernel of a
notebook still waiting for its inputs and runs its imports (``warm``), on a kernel manager that nbclient then uses
as it is.
"""

from __future__ import annotations

import ast
import asyncio
import heapq
import itertools
import queue
import tempfile
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from .graph import ancestors, order

KERNEL = "deal-clock"  # the project's Jupyter kernel (make setup registers it)
CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120
EXECUTE, WARM = 0, 1  # a ready notebook gets a free slot before another notebook's kernel is warmed


class Failed(Exception):
    """A notebook failed; the message names it and says where and what, in one line."""


class Slots:
    """At most ``n`` holders at a time; a freed slot goes to the waiting request with the lowest key."""

    def __init__(self, n: int):
        self.free, self.waiting, self.arrival = n, [], itertools.count()

    async def acquire(self, key) -> None:
        if self.free and not self.waiting:
            self.free -= 1
            return
        granted = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiting, (key, next(self.arrival), granted))
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():  # handed the slot just as it was cancelled: pass it on
                self.release()
            raise

    def release(self) -> None:
        while self.waiting:
            granted = heapq.heappop(self.waiting)[2]
            if not granted.done():
                granted.set_result(None)
                return
        self.free += 1

    @asynccontextmanager
    async def held(self, key):
        await self.acquire(key)
        try:
            yield
        finally:
            self.release()


def rank(graph: dict[str, list[str]]) -> dict[str, int]:
    """Each notebook's priority for a free slot: minus the number of notebooks downstream of it (lower goes first)."""
    return {n: -sum(n in ancestors(graph, m) for m in graph) for n in graph}


async def run_graph(graph: dict[str, list[str]], slots: Slots, step: Callable[[str], Awaitable[str]],
                    keep_going: bool = False) -> dict[str, str]:
    """Run ``step(name)`` for every notebook of ``graph`` after its upstream notebooks, one per slot of ``slots``,
    the ready notebook with the most notebooks downstream first.

    Returns each notebook's outcome: what ``step`` returned, ``'failed: <message>'`` when it raised ``Failed``, or
    ``'not run: <upstream> failed'``. Unless ``keep_going``, the first ``Failed`` cancels every other step and is
    raised.
    """
    priority = rank(graph)
    outcomes: dict[str, str] = {}
    tasks: dict[str, asyncio.Task] = {}

    async def one(name: str) -> None:
        for upstream in graph[name]:
            await tasks[upstream]
        blocked = [u for u in graph[name] if outcomes[u].startswith(("failed", "not run"))]
        if blocked:
            outcomes[name] = f"not run: {blocked[0]} failed"
            return
        async with slots.held((EXECUTE, priority[name], name)):
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


def kernel_manager(name: str, kernels: Path):
    """A kernel manager for notebook ``name`` over IPC sockets in ``kernels`` (no open TCP port, and no "unencrypted
    TCP" warning from each kernel)."""
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(kernel_name=KERNEL, transport="ipc", connection_file=str(kernels / f"{name[:2]}.json"))


def import_statements(nb) -> str:
    """The top-level import statements of a notebook's code cells: what its kernel can run before the notebook."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: nothing to warm
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(lines))


async def warm(km, name: str, env: dict[str, str], cwd: Path, imports: str) -> None:
    """Start notebook ``name``'s kernel and run its import statements there, silently (no output, no execution
    count: the notebook runs as on a fresh kernel). An import that fails will fail in the notebook, with its cell."""
    await km.start_kernel(env=env, cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT_S)
        msg_id = kc.execute(imports, silent=True, store_history=False)
        while True:
            try:
                reply = await kc.get_shell_msg(timeout=5)
            except queue.Empty:
                if not await km.is_alive():
                    raise Failed(f"notebooks/{name}: its kernel died while importing") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return
    finally:
        kc.stop_channels()


async def execute(nb, name: str, km, env: dict[str, str], cwd: Path) -> None:
    """Execute ``nb`` (notebook ``name``, parameterised) with nbclient on the kernel of ``km`` (started here unless
    warmed), then shut the kernel down. Raises ``Failed`` naming the notebook and the cell."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    client = NotebookClient(nb, km=km, kernel_name=KERNEL, timeout=CELL_TIMEOUT_S, startup_timeout=KERNEL_START_TIMEOUT_S,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        await client.async_execute(cleanup_kc=True, env=env)
    except CellExecutionError:
        raise Failed(f"notebooks/{name}, {failing_cell(nb)}") from None
    except (DeadKernelError, TimeoutError, RuntimeError) as exc:
        raise Failed(f"notebooks/{name}: {type(exc).__name__}: {exc}") from None
