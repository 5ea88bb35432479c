"""The pipeline runner behind `make all`: run every stale notebook, independent ones in parallel, as one transaction.

Usage:
  python scripts/pipeline.py            run what is stale, publish only if every notebook succeeds
  python scripts/pipeline.py --dry-run  say what would run and why, run nothing
  python scripts/pipeline.py --force    run every notebook
  python scripts/pipeline.py --jobs 1   one notebook at a time (default: one per CPU core)
  python scripts/pipeline.py --check    run what is stale but hold the outputs in `build/checked/` (make test)
  python scripts/pipeline.py --publish-checked   publish what --check held, if its inputs are unchanged

A notebook is stale when its source, `params.yaml`, `src/helpers/`, or any file it read last time (raw
tables, processed tables, results) differs from what it saw then (content hashes recorded at read time, in
`build/stamps.json`), or when its executed copy is missing. So an input edited while a run is under way makes
the next run re-run its readers. Whether a notebook is stale is decided once the notebooks it depends on
(UPSTREAM) have finished, so a change upstream reaches it in the same run.

Every notebook of a run writes into one staging folder (`build/stage/`); later notebooks of the same run read
the staged copies (helpers.io.input_path). Only when every notebook has succeeded is the stage published to
`data/processed/`, `reports/` and the README block, with `reports/manifest.csv` (which notebook wrote which
output). A failure or a kill leaves every published file as it was. `make test` runs with --check, runs nbval
on notebooks that read the held outputs first (helpers.io.CHECKED_ENV), and publishes only if every test
passes: a failing `make test` changes no tracked file.

Speed: one process drives every kernel (nbclient), so papermill and nbconvert are imported once; each notebook
runs on a fresh kernel with the study parameters from `params.yaml` injected by papermill as the parameter
`params`. Kernels of notebooks known to be stale start at once and run their notebook's import statements while
earlier notebooks compute; notebooks whose inputs are ready run side by side. After the run, every file a
notebook read that another notebook of the same run wrote must come from a declared upstream notebook, or the
run fails (so a missing UPSTREAM entry cannot give a result computed from old data).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import fcntl
import hashlib
import heapq
import itertools
import json
import os
import queue
import shutil
import signal
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

KERNEL = "deal-clock"
CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120
BUILD = ROOT / "build"
STAGE = BUILD / "stage"
CHECKED = BUILD / "checked"  # a --check run's outputs, held until `make test` passes
KERNELS = BUILD / "kernels"  # connection files and IPC sockets of this run's kernels
STAMPS = BUILD / "stamps.json"
EXECUTED = "reports/notebooks"
MANIFEST = "reports/manifest.csv"
COMMON_INPUTS = ["params.yaml", "scripts/pipeline.py"]

# Which notebooks' outputs each notebook reads (by number). A notebook not listed reads every lower-numbered one.
# Checked after every run against what each notebook actually read (undeclared_reads).
UPSTREAM = {
    "01": [],
    "02": ["01"],
    "03": ["01"],
    "04": ["01"],
    "05": ["01", "02"],
    "06": [],
    # 07 and 08 read results that 10, 11 and 12 publish; 08 also carries their sections.
    "07": ["01", "02", "03", "04", "05", "06", "10", "11", "12"],
    "08": ["01", "02", "03", "04", "05", "06", "07", "10", "11", "12"],
    "09": ["01"],
    "10": ["01"],
    # The clock now (issue 23; provisional number): reads notebook 01's tables.
    "11": ["01"],
    # The tariff record by partner (issue 22; provisional number): reads notebook 02's trade_annual.csv.
    "12": ["01", "02"],
}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def common_hashes() -> dict[str, str]:
    files = ([ROOT / p for p in COMMON_INPUTS] + sorted((ROOT / "src" / "helpers").glob("*.py"))
             + sorted((ROOT / "src" / "helpers" / "templates").glob("*")))
    return {p.relative_to(ROOT).as_posix(): sha(p) for p in files}


def current(rel: str) -> str:
    """Hash of a file as this run sees it: the staged copy if an earlier notebook rewrote it."""
    staged = STAGE / rel
    return sha(staged if staged.is_file() else ROOT / rel)


def why_stale(name: str, stamp: dict | None, common: dict[str, str]) -> str | None:
    """Why notebook ``name`` must run, or None when it is up to date."""
    if stamp is None:
        return "never run here"
    if not (ROOT / EXECUTED / name).is_file():
        return "no executed copy"
    if stamp.get("source") != sha(ROOT / "notebooks" / name):
        return "notebook changed"
    for rel, digest in stamp.get("outputs", {}).items():
        if sha(ROOT / rel) != digest:
            return f"{rel} was changed outside the pipeline"
    changed = [p for p, h in common.items() if stamp.get("common", {}).get(p) != h]
    if changed:
        return f"{changed[0]} changed"
    for rel, digest in stamp.get("reads", {}).items():
        if current(rel) != digest:
            return f"{rel} changed"
    return None


def upstream(names: list[str]) -> dict[str, list[str]]:
    """Each notebook's direct upstream notebooks (full names), from UPSTREAM or, if unlisted, every earlier one."""
    by_number = {n[:2]: n for n in names}
    graph = {}
    for i, name in enumerate(names):
        numbers = UPSTREAM.get(name[:2])
        graph[name] = names[:i] if numbers is None else [by_number[k] for k in numbers if k in by_number]
    return graph


def ancestors(graph: dict[str, list[str]], name: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[name])
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo += graph[n]
    return seen


def undeclared_reads(graph: dict[str, list[str]], reads: dict[str, dict[str, str]],
                     produced: dict[str, list[str]]) -> list[str]:
    """Files a notebook read that another notebook of the same run wrote without being declared upstream of it."""
    writers: dict[str, set[str]] = {}
    for name, outs in produced.items():
        for rel in outs:
            writers.setdefault(rel, set()).add(name)
    problems = []
    for name, read in sorted(reads.items()):
        for rel in sorted(read):
            for writer in sorted(writers.get(rel, set()) - {name} - ancestors(graph, name)):
                problems.append(f"notebooks/{name} read {rel}, which notebooks/{writer} wrote in the same run, "
                                f"but {writer[:2]} is not declared upstream of {name[:2]} (UPSTREAM in scripts/pipeline.py)")
    return problems


def import_statements(nb) -> str:
    """The top-level import statements of a notebook's code cells (what a kernel can run before the notebook)."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: not needed for warming
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(lines))


def clean_notebook(nb) -> None:
    """Drop run-specific metadata (times, absolute paths) so executed copies are byte-identical across runs."""
    pm_meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path", "environment_variables"):
        pm_meta.pop(key, None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # papermill gives its injected cell a random id
        cell.metadata.pop("execution", None)
        meta = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration", "exception", "status"):
            meta.pop(key, None)


def outputs_of(name: str) -> list[str]:
    """What a notebook wrote (logged by helpers.io.write_bytes), and its executed copy and HTML."""
    log = STAGE / ".writes" / f"{name}.tsv"
    written = set(log.read_text(encoding="utf-8").splitlines()) if log.is_file() else set()
    stem = f"{EXECUTED}/{name}"
    return sorted(written | {stem, stem.removesuffix(".ipynb") + ".html"})


def reads_of(name: str) -> dict[str, str]:
    """What a notebook read (logged by helpers.io.record_read): path -> hash of the first read."""
    log = STAGE / ".reads" / f"{name}.tsv"
    reads: dict[str, str] = {}
    if log.is_file():
        for line in log.read_text(encoding="utf-8").splitlines():
            rel, digest = line.split("\t")
            reads.setdefault(rel, digest)  # the first read is what the notebook saw
    return reads


class NotebookFailed(Exception):
    """A notebook raised; the message names the notebook and the cell."""


class Kernel:
    """One notebook's kernel: started early, warmed with the notebook's imports, shut down after the notebook."""

    def __init__(self, name: str, folder: Path):
        from jupyter_client.manager import AsyncKernelManager

        from helpers.io import NOTEBOOK_ENV, STAGE_ENV

        self.name = name
        # IPC sockets in the run's folder: no open TCP ports, and no "unencrypted TCP" warning from every kernel
        self.km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc",
                                     connection_file=str(folder / f"{name[:2]}.json"))
        self.env = {**os.environ, STAGE_ENV: str(STAGE), NOTEBOOK_ENV: name,
                    # one thread per kernel: kernels run side by side, and results don't depend on thread counts
                    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.kc = None
        self.starting = False  # set once a core has begun starting it

    async def start(self, imports: str) -> None:
        await self.km.start_kernel(cwd=str(ROOT / "notebooks"), env=self.env)
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT_S)
        if imports:  # silent: no output, no execution count; an import that fails will fail in the notebook
            msg_id = self.kc.execute(imports, silent=True, store_history=False)
            while True:
                try:
                    reply = await self.kc.get_shell_msg(timeout=5)
                except queue.Empty:
                    if not await self.km.is_alive():
                        raise NotebookFailed(f"notebooks/{self.name}: its kernel died while importing") from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    break

    async def stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km.has_kernel:
            await self.km.shutdown_kernel(now=True)  # also removes its connection file and sockets


def notebook_client(nb, kernel: Kernel):
    """An nbclient client that runs ``nb`` on an already started kernel (the runner owns kernels and signals)."""
    from nbclient import NotebookClient

    class _Client(NotebookClient):
        @asynccontextmanager
        async def async_setup_kernel(self, **kwargs):
            yield

    client = _Client(nb, km=kernel.km, timeout=CELL_TIMEOUT_S, kernel_name=KERNEL,
                     resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.kc = kernel.kc
    return client


def failing_cell(nb) -> str:
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i} (execution count {cell.get('execution_count')}): {out['ename']}: {out['evalue']}"
    return "a cell"


class Slots:
    """At most ``n`` holders at a time (one per CPU core); a freed slot goes to the waiting request with the lowest key."""

    def __init__(self, n: int):
        self.free, self.waiting, self.order = n, [], itertools.count()

    async def acquire(self, key: tuple) -> None:
        if self.free and not self.waiting:
            self.free -= 1
            return
        granted = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiting, (key, next(self.order), granted))
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():  # handed over just as we were cancelled: pass it on
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
    async def held(self, key: tuple):
        await self.acquire(key)
        try:
            yield
        finally:
            self.release()


EXECUTE, WARM = 0, 1  # a notebook ready to run goes before warming another notebook's kernel


class Run:
    """One pipeline run: decides, runs and records every notebook; publishes nothing itself.

    CPU time is the limit (the floor is one Python start plus imports per notebook), so at most ``jobs`` kernels
    work at once: notebooks whose inputs are ready first, the one with the most notebooks downstream first; a free
    core meanwhile starts the kernel of a stale notebook still waiting for its inputs and runs its imports.
    """

    def __init__(self, names, stamps, common, params, force, only, jobs):
        self.names, self.stamps, self.common, self.params = names, stamps, common, params
        self.force, self.only = force, only
        self.graph = upstream(names)
        downstream = {n: sum(n in ancestors(self.graph, m) for m in names) for n in names}
        self.priority = {n: (-downstream[n], n) for n in names}
        self.slots = Slots(jobs)
        self.ran: dict[str, dict] = {}
        self.produced: dict[str, list[str]] = {}
        self.kernels: dict[str, Kernel] = {}
        self.warming: dict[str, asyncio.Task] = {}
        self.source_hashes: dict[str, str] = {}
        self.folder = KERNELS if len(str(KERNELS)) < 80 else Path(tempfile.mkdtemp(prefix="deal-clock-"))

    def reason(self, name: str) -> str | None:
        if self.only and name not in self.only:
            return None
        return "forced" if self.force else why_stale(name, self.stamps.get(name), self.common)

    def warm(self, name: str, nb) -> None:
        """Queue the start of ``name``'s kernel and its imports for a free core."""
        kernel = self.kernels[name] = Kernel(name, self.folder)

        async def start():
            async with self.slots.held((WARM, self.priority[name])):
                kernel.starting = True
                await kernel.start(import_statements(nb))

        self.warming[name] = asyncio.ensure_future(start())

    async def execute(self, name: str, nb, reason: str) -> None:
        import nbformat
        from nbclient.exceptions import CellExecutionError, DeadKernelError
        from papermill.parameterize import parameterize_notebook

        warming = self.warming.pop(name, None)
        if warming is not None and self.kernels[name].starting:
            await warming  # already starting on a core: let it finish
            kernel = self.kernels[name]
        else:
            if warming is not None:
                warming.cancel()  # still queued: start it on this notebook's own core instead
            kernel = self.kernels[name] = Kernel(name, self.folder)
        nb = parameterize_notebook(nb, {"params": self.params}, kernel_name=KERNEL)
        async with self.slots.held((EXECUTE, self.priority[name])):
            print(f"{name}: running ({reason})", flush=True)
            started = time.perf_counter()
            try:
                if kernel.kc is None:
                    await kernel.start("")
                await notebook_client(nb, kernel).async_execute()
            except CellExecutionError:
                raise NotebookFailed(f"notebooks/{name} - {failing_cell(nb)}") from None
            except (DeadKernelError, TimeoutError) as exc:
                raise NotebookFailed(f"notebooks/{name}: {type(exc).__name__}: {exc}") from None
            finally:
                await kernel.stop()
            clean_notebook(nb)
            out = STAGE / EXECUTED / name
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, out)
            html, _ = self.exporter.from_notebook_node(nb)
            out.with_suffix(".html").write_text(html, encoding="utf-8")
            self.ran[name] = {"source": self.source_hashes[name], "common": self.common, "reads": reads_of(name)}
            self.produced[name] = outputs_of(name)
            write_manifest(self.produced)  # later notebooks of this run (the report) read it
            print(f"{name}: done in {time.perf_counter() - started:.1f} s", flush=True)

    async def run(self) -> None:
        from nbconvert import HTMLExporter
        from papermill.iorw import load_notebook_node

        self.folder.mkdir(parents=True, exist_ok=True)
        sources = {}
        for n in self.names:  # read once: the stamp records the hash of exactly the bytes that run
            data = (ROOT / "notebooks" / n).read_bytes()
            self.source_hashes[n] = hashlib.sha256(data).hexdigest()
            sources[n] = load_notebook_node(str(ROOT / "notebooks" / n))
            if hashlib.sha256((ROOT / "notebooks" / n).read_bytes()).hexdigest() != self.source_hashes[n]:
                raise NotebookFailed(f"notebooks/{n} changed while the run was starting; run `make all` again")
        for name in self.names:  # notebooks already known to be stale: their kernels may start early
            if self.reason(name):
                self.warm(name, sources[name])
        self.exporter = HTMLExporter()
        done: dict[str, asyncio.Future] = {}

        async def one(name):
            await asyncio.gather(*(done[u] for u in self.graph[name]))
            reason = self.reason(name)  # decided now: upstream notebooks of this run have written their outputs
            if reason:
                await self.execute(name, sources[name], reason)

        for name in self.names:
            done[name] = asyncio.ensure_future(one(name))
        try:
            await asyncio.gather(*done.values())
        finally:
            for task in [*done.values(), *self.warming.values()]:
                task.cancel()
            await asyncio.gather(*done.values(), *self.warming.values(), return_exceptions=True)
            await asyncio.gather(*(k.stop() for k in self.kernels.values()), return_exceptions=True)
            shutil.rmtree(self.folder, ignore_errors=True)
        problems = undeclared_reads(self.graph, {n: s["reads"] for n, s in self.ran.items()}, self.produced)
        for name in self.names:  # one judged up to date before an undeclared writer finished would publish stale outputs
            if name not in self.ran and self.reason(name):
                problems.append(f"notebooks/{name} was judged up to date but is stale after this run: "
                                "a notebook it reads is not declared upstream of it (UPSTREAM in scripts/pipeline.py)")
        if problems:
            raise NotebookFailed("; ".join(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="say what would run and why; run nothing")
    parser.add_argument("--force", action="store_true", help="run every notebook")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks run side by side at most (default: the number of CPU cores)")
    parser.add_argument("--check", action="store_true", help="hold the outputs in build/checked instead of publishing")
    parser.add_argument("--publish-checked", action="store_true", help="publish the outputs held by --check")
    parser.add_argument("notebooks", nargs="*", help="limit to these notebooks (names like 04_survival.ipynb)")
    args = parser.parse_args(argv)

    names = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    try:
        stamps = json.loads(STAMPS.read_text()) if STAMPS.is_file() else {}
    except ValueError:
        stamps = {}  # unreadable: every notebook counts as never run here
    common = common_hashes()
    if args.dry_run:  # reads only: never touches the stage of a run that may be under way
        stale = False
        for name in names:
            reason = "forced" if args.force else why_stale(name, stamps.get(name), common)
            print(f"{name}: {'run (' + reason + ')' if reason else 'up to date'}")
            stale = stale or bool(reason)
        print("(a notebook downstream of one that runs re-runs too if what it reads changes)" if stale else "nothing to do")
        return 0

    BUILD.mkdir(exist_ok=True)
    lock = open(BUILD / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("Another `make all` is running in this folder; wait for it to finish.", file=sys.stderr)
        return 1
    if args.publish_checked:
        return publish_checked(stamps, common)
    for leftover in (STAGE, KERNELS, CHECKED):  # whatever a killed run or an unfinished check left behind
        shutil.rmtree(leftover, ignore_errors=True)

    from helpers.params import load_params

    try:
        params = load_params()
    except Exception as exc:
        print(f"FAILED: params.yaml: {exc}", file=sys.stderr)
        return 1
    run = Run(names, stamps, common, params, args.force, set(args.notebooks), max(1, args.jobs))
    if not any(run.reason(n) for n in names) and all(n in stamps for n in names):
        print("Nothing to do: every notebook is up to date (python scripts/pipeline.py --dry-run says why).")
        return 0
    STAGE.mkdir(parents=True)
    publishing = False
    loop = asyncio.new_event_loop()
    task = loop.create_task(run.run())
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        loop.run_until_complete(task)
        if not run.ran:
            print("Nothing to do: every notebook is up to date (python scripts/pipeline.py --dry-run says why).")
            return 0
        if args.check:
            (STAGE / RUN_RECORD).write_text(json.dumps({"ran": run.ran, "produced": run.produced}, sort_keys=True))
            STAGE.rename(CHECKED)
            print(f"Checked: {len(run.ran)} notebook(s) run; their outputs wait in build/checked until the tests pass.")
            return 0
        publishing = True
        changed = publish(STAGE)
    except NotebookFailed as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        print("Nothing was published: every output is as it was before this run.", file=sys.stderr)
        return 1
    except asyncio.CancelledError:
        print("\nInterrupted: nothing was published.", file=sys.stderr)
        return 130
    except Exception as exc:  # a kernel that would not start, a disk error: say so in one line
        print(f"\nFAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("Publishing stopped part-way: run `make all` again (nothing is recorded as up to date)." if publishing
              else "Nothing was published: every output is as it was before this run.", file=sys.stderr)
        return 1
    finally:
        loop.close()
        shutil.rmtree(STAGE, ignore_errors=True)
    record(stamps, run.ran, run.produced, changed)
    return 0


RUN_RECORD = ".run.json"  # in a held (--check) stage: what ran, what it read and wrote


def record(stamps: dict, ran: dict, produced: dict, changed: list[str]) -> None:
    """Save what each notebook of a published run saw and wrote (build/stamps.json), and say what changed."""
    for name in ran:
        ran[name]["outputs"] = produced[name]
    stamps.update(ran)
    for stamp in stamps.values():  # what each notebook published, as it now stands (shared files included)
        stamp["outputs"] = {rel: sha(ROOT / rel) for rel in stamp.get("outputs", [])}
    from helpers.io import atomic_write

    atomic_write(STAMPS, (json.dumps(stamps, indent=1, sort_keys=True) + "\n").encode())
    print(f"Published: {len(ran)} notebook(s) run, {len(changed)} output file(s) changed.")
    for rel in changed:
        print(f"  {rel}")


def publish_checked(stamps: dict, common: dict[str, str]) -> int:
    """Publish the outputs a --check run held, if nothing it read or ran has changed since."""
    if not (CHECKED / RUN_RECORD).is_file():
        shutil.rmtree(CHECKED, ignore_errors=True)
        print("Nothing to publish: the checked run re-ran no notebook.")
        return 0
    held = json.loads((CHECKED / RUN_RECORD).read_text())
    for name, stamp in held["ran"].items():
        moved = [rel for rel, digest in stamp["reads"].items()
                 if not (CHECKED / rel).is_file() and sha(ROOT / rel) != digest]
        if stamp["source"] != sha(ROOT / "notebooks" / name) or stamp["common"] != common or moved:
            shutil.rmtree(CHECKED, ignore_errors=True)
            print(f"Not published: {(moved or ['notebooks/' + name])[0]} changed after the check; run `make test` again.",
                  file=sys.stderr)
            return 1
    changed = publish(CHECKED)
    shutil.rmtree(CHECKED, ignore_errors=True)
    record(stamps, held["ran"], held["produced"], changed)
    return 0


def write_manifest(produced: dict[str, list[str]]) -> None:
    """Stage `reports/manifest.csv`: every published output and the notebook that writes it."""
    import csv
    import io as _io

    published = ROOT / MANIFEST
    rows = []
    if published.is_file():
        alive = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}  # a renamed notebook's rows go
        rows = [r for r in csv.DictReader(published.open(encoding="utf-8"))
                if r["notebook"] not in produced and r["notebook"] in alive]
    for name, outs in produced.items():
        rows += [{"output": o, "notebook": name} for o in outs if o != MANIFEST]
    rows.sort(key=lambda r: (r["output"], r["notebook"]))
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["output", "notebook"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (STAGE / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (STAGE / MANIFEST).write_text(buf.getvalue(), encoding="utf-8")


def publish(stage: Path) -> list[str]:
    """Move a stage into place. Returns the paths whose bytes changed."""
    from helpers.io import commit_stage

    for bookkeeping in stage.glob(".*"):  # the run's logs and locks (.reads, .writes, .results.lock)
        shutil.rmtree(bookkeeping) if bookkeeping.is_dir() else bookkeeping.unlink()
    return commit_stage(stage)


if __name__ == "__main__":
    sys.exit(main())
