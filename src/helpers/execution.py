"""The execution protocol: how any run of a notebook reads, writes, logs, locks and gets its parameters.

Every way of running a notebook goes through this module: the runner (`make all`), nbval's checked run
(`make test`), the unit tests that look at the checked outputs, `accept`, and JupyterLab. Whoever starts the
kernel chooses the mode with environment variables:

============  =========================================  ==============================  ===============  ========
mode          who                                        reads                           writes           logs
============  =========================================  ==============================  ===============  ========
``run``       the runner (stage ``build/stage``) and     the stage's copy if this run    the stage        each read
              nbval's checked run (``build/checked``):   wrote it, else the published                     (hash at
              ``STAGE_ENV`` and ``NOTEBOOK_ENV``         file                                             read time)
                                                                                                          and write
``view``      the unit tests of `make test`, `accept`:   the checked run's copy if it    ``build/         nothing
              ``CHECKED_ENV``                            has one, else the published     scratch/``
                                                         file
``scratch``   anything else (JupyterLab, a script, a     the published file              ``build/         nothing
              test)                                                                      scratch/``
============  =========================================  ==============================  ===============  ========

Parameters: the run injects its ``params`` with papermill after the notebook's cell tagged ``parameters``
(``parameterize``) and keeps the same values in the stage, where ``helpers.params.load_params`` finds them, so a
helper that reads a parameter sees what the notebook was given. Without a run, the ``parameters`` cell's
``load_params()`` reads ``params.yaml``.

Notebooks of one run rewrite ``reports/tables/results.csv`` one at a time (``exclusive``). JupyterLab saves
through ``pre_save_hook``, which keeps what is stored on disk in place of the session's outputs, so exploring
never changes a tracked file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path

from . import paths

STAGE_ENV = "DEAL_CLOCK_STAGE_DIR"  # run: the folder this run writes into
NOTEBOOK_ENV = "DEAL_CLOCK_NOTEBOOK"  # run: the notebook the kernel runs (names its logs)
CHECKED_ENV = "DEAL_CLOCK_CHECKED_DIR"  # view: the checked run's outputs, read before the published ones

STAGE = "build/stage"  # `make all`: published when every notebook has succeeded
CHECKED = "build/checked"  # `make test`: nbval's run, published when every test has passed
SCRATCH = "build/scratch"  # writes outside a run

READS_DIR = ".reads"  # in a stage: what each notebook read (path, hash), one file per notebook
WRITES_DIR = ".writes"  # in a stage: what each notebook wrote
PARAMS_FILE = ".params.json"  # in a stage: the parameters the run injected
RESULTS_LOCK = ".results.lock"  # in a stage: one notebook at a time rewrites results.csv
PROJECT_METADATA = "deal_clock"  # a notebook's own metadata: {"upstream": [notebooks whose outputs it reads]}

# One thread per kernel: notebooks run side by side, and results must not depend on thread counts.
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def mode() -> str:
    """``'run'``, ``'view'`` or ``'scratch'`` (see the table above)."""
    if os.environ.get(STAGE_ENV):
        return "run"
    return "view" if os.environ.get(CHECKED_ENV) else "scratch"


def _stage() -> Path | None:
    stage = os.environ.get(STAGE_ENV)
    return Path(stage) if stage else None


def _inside_repository(path: Path) -> bool:
    return path.resolve().is_relative_to(paths.ROOT)


def sha(path: Path | str) -> str:
    """SHA-256 of a file's bytes, or ``'missing'``."""
    path = Path(path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def input_path(path: Path | str, record: bool = True) -> Path:
    """Where to read ``path`` (a file of the repository) from in the current mode.

    In a run, the read is logged with the hash of the bytes found (``record=False`` for a file the notebook rewrites
    wholly, such as its own rows of results.csv), so the runner re-runs the notebook when that input changes.
    """
    path = Path(path)
    if not _inside_repository(path):
        return path
    rel = paths.relative(path)
    stage = _stage()
    if stage is not None:
        where = stage / rel if (stage / rel).is_file() else path
        if record:
            record_read(path, where)
        return where
    checked = os.environ.get(CHECKED_ENV)
    if checked and (Path(checked) / rel).is_file():
        return Path(checked) / rel
    return path


def listing(folder: Path | str, pattern: str = "*") -> list[Path]:
    """The files matching ``pattern`` in ``folder`` as the current mode sees them (published, plus the stage's or
    the checked run's new ones), each at the place ``input_path`` reads it from; sorted by name."""
    folder = Path(folder)
    names = {p.name for p in folder.glob(pattern) if p.is_file()}
    held = _stage() or (Path(os.environ[CHECKED_ENV]) if os.environ.get(CHECKED_ENV) else None)
    if held is not None and _inside_repository(folder):
        names |= {p.name for p in (held / paths.relative(folder)).glob(pattern) if p.is_file()}
    return [input_path(folder / name, record=False) for name in sorted(names)]


def listed(folder: Path | str, pattern: str = "*") -> list[Path]:
    """The files of ``listing`` at their repository paths (``folder / name``), for code that names them or reads them
    through ``input_path`` itself: a table this run has just written is included, as on the run after."""
    return [Path(folder) / p.name for p in listing(folder, pattern)]


def output_path(path: Path | str) -> Path:
    """Where a write of ``path`` lands: the stage in a run, ``build/scratch/`` otherwise (never a published file).
    A path outside the repository (a test's temporary folder) is written where asked."""
    path = Path(path)
    if not _inside_repository(path):
        return path
    stage = _stage()
    return (stage if stage is not None else paths.ROOT / SCRATCH) / paths.relative(path)


def _log(kind: str, line: str) -> None:
    stage, notebook = _stage(), os.environ.get(NOTEBOOK_ENV)
    if stage is None or not notebook:
        return
    log = stage / kind / f"{notebook}.tsv"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def record_read(path: Path | str, where: Path | str | None = None) -> None:
    """In a run, log that the running notebook read ``path`` (found at ``where``) and the hash of what it saw."""
    if _stage() is not None:
        _log(READS_DIR, f"{paths.relative(Path(path))}\t{sha(where or path)}")


def record_write(path: Path | str) -> None:
    """In a run, log that the running notebook wrote ``path`` (for the manifest of who writes what)."""
    if _stage() is not None and _inside_repository(Path(path)):
        _log(WRITES_DIR, paths.relative(Path(path)))


def reads_of(stage: Path | str, notebook: str) -> dict[str, str]:
    """What ``notebook`` read in the run staged at ``stage``: path -> hash of its first read (what it saw)."""
    log = Path(stage) / READS_DIR / f"{notebook}.tsv"
    reads: dict[str, str] = {}
    if log.is_file():
        for line in log.read_text(encoding="utf-8").splitlines():
            rel, digest = line.split("\t")
            reads.setdefault(rel, digest)
    return reads


def writes_of(stage: Path | str, notebook: str) -> list[str]:
    """What ``notebook`` wrote in the run staged at ``stage`` (repository-relative paths, sorted)."""
    log = Path(stage) / WRITES_DIR / f"{notebook}.tsv"
    return sorted(set(log.read_text(encoding="utf-8").splitlines())) if log.is_file() else []


@contextmanager
def exclusive(name: str = RESULTS_LOCK):
    """In a run, hold the run's lock ``name`` (notebooks of one run rewrite results.csv one at a time)."""
    stage = _stage()
    if stage is None:
        yield
        return
    stage.mkdir(parents=True, exist_ok=True)
    with open(stage / name, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def notebook_env(stage: Path | str, notebook: str) -> dict[str, str]:
    """The environment variables of a kernel that runs ``notebook`` in the run staged at ``stage``."""
    return {STAGE_ENV: str(stage), NOTEBOOK_ENV: notebook, **THREAD_ENV}


def keep_params(stage: Path | str, params: dict) -> None:
    """Keep the run's parameters in its stage, where ``run_params`` finds them (see ``parameterize``)."""
    Path(stage).mkdir(parents=True, exist_ok=True)
    (Path(stage) / PARAMS_FILE).write_text(json.dumps(params, sort_keys=True, default=str), encoding="utf-8")


def run_params() -> dict | None:
    """In a run, the parameters it injected into its notebooks; None outside a run (or before ``keep_params``)."""
    stage = _stage()
    if stage is None or not (stage / PARAMS_FILE).is_file():
        return None
    return json.loads((stage / PARAMS_FILE).read_text(encoding="utf-8"))


def parameterize(nb, params: dict, kernel_name: str):
    """``nb`` with the run's parameters injected by papermill (a cell tagged ``injected-parameters`` setting
    ``params``, after the cell tagged ``parameters``). Every cell gets the metadata papermill expects."""
    import copy

    from papermill.parameterize import parameterize_notebook

    nb = copy.deepcopy(nb)
    nb.metadata.setdefault("papermill", {})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    return parameterize_notebook(nb, {"params": params}, kernel_name=kernel_name)


def pre_save_hook(model: dict, path: str, contents_manager, **kwargs) -> None:
    """JupyterLab's save hook (``make lab``): a pipeline notebook is saved with what is stored on disk in place of
    the session's outputs, execution counts and metadata, so only edited code, text, cell tags and the notebook's
    own ``deal_clock`` metadata reach the file.

    A code cell keeps the outputs stored for the cell with the same id (none for a new cell), so the checked outputs
    in ``notebooks/`` change only through ``make test`` and ``accept``. Other files are saved as they are.
    """
    if model.get("type") != "notebook" or not _is_pipeline_notebook(path):
        return
    on_disk = Path(contents_manager.root_dir) / path
    stored = json.loads(on_disk.read_text(encoding="utf-8")) if on_disk.is_file() else {"metadata": {}, "cells": []}
    by_id = {cell.get("id"): cell for cell in stored["cells"]}
    nb = model["content"]
    metadata = dict(stored["metadata"] or nb.get("metadata", {}))
    metadata.pop(PROJECT_METADATA, None)
    if nb.get("metadata", {}).get(PROJECT_METADATA) is not None:
        metadata[PROJECT_METADATA] = nb["metadata"][PROJECT_METADATA]
    nb["metadata"] = metadata
    for cell in nb["cells"]:
        kept = by_id.get(cell.get("id"), {})
        tags = cell.get("metadata", {}).get("tags")
        cell["metadata"] = {k: v for k, v in kept.get("metadata", {}).items() if k != "tags"} | ({"tags": tags} if tags else {})
        if cell["cell_type"] == "code":
            same = kept.get("cell_type") == "code"
            cell["outputs"] = kept.get("outputs", []) if same else []
            cell["execution_count"] = kept.get("execution_count") if same else None


def _is_pipeline_notebook(path: str) -> bool:
    parts = Path(path).parts
    return len(parts) == 2 and parts[0] == "notebooks" and parts[1].endswith(".ipynb")
