"""The pipeline runner behind `make all`: run every stale notebook, in order, as one transaction.

Usage:
  python scripts/pipeline.py            run what is stale, publish only if every notebook succeeds
  python scripts/pipeline.py --dry-run  say what would run and why, run nothing
  python scripts/pipeline.py --force    run every notebook

A notebook is stale when its source, `params.yaml`, `src/helpers/`, or any file it read last time (raw
tables, processed tables, results) differs from what it saw then (content hashes recorded at read time, in
`build/stamps.json`), or when its executed copy is missing. So an input edited while a run is under way makes
the next run re-run its readers.

Every notebook of a run writes into one staging folder (`build/stage/`); later notebooks of the same run read
the staged copies (helpers.io.input_path). Only when the last notebook succeeds is the stage published to
`data/processed/`, `reports/` and the README block, with `reports/manifest.csv` (which notebook wrote which
output). A failure or a kill leaves every published file as it was.

One process imports papermill and nbconvert once for all notebooks; each notebook runs on a fresh kernel
with the study parameters from `params.yaml` passed as the papermill parameter `params`.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

KERNEL = "deal-clock"
CELL_TIMEOUT_S = 600
BUILD = ROOT / "build"
STAGE = BUILD / "stage"
STAMPS = BUILD / "stamps.json"
EXECUTED = "reports/notebooks"
MANIFEST = "reports/manifest.csv"
COMMON_INPUTS = ["params.yaml", "scripts/pipeline.py"]


def _interrupt(*_):
    raise KeyboardInterrupt


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


def run_one(name: str, params: dict, exporter) -> None:
    import nbformat
    import papermill as pm

    from helpers.io import NOTEBOOK_ENV, STAGE_ENV

    os.environ[STAGE_ENV] = str(STAGE)
    os.environ[NOTEBOOK_ENV] = name
    reads = STAGE / ".reads" / f"{name}.tsv"
    reads.unlink(missing_ok=True)
    out = STAGE / EXECUTED / name
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(ROOT / "notebooks" / name), str(out), parameters={"params": params},
                        kernel_name=KERNEL, cwd=str(ROOT / "notebooks"), progress_bar=False,
                        request_save_on_cell_execute=False, execution_timeout=CELL_TIMEOUT_S)
    nb = nbformat.read(out, as_version=4)
    clean_notebook(nb)
    nbformat.write(nb, out)
    html, _ = exporter.from_notebook_node(nb)
    out.with_suffix(".html").write_text(html, encoding="utf-8")


def outputs_of(name: str) -> list[str]:
    """What a notebook wrote (logged by helpers.io.write_bytes), and its executed copy and HTML."""
    log = STAGE / ".writes" / f"{name}.tsv"
    written = set(log.read_text(encoding="utf-8").splitlines()) if log.is_file() else set()
    stem = f"{EXECUTED}/{name}"
    return sorted(written | {stem, stem.removesuffix(".ipynb") + ".html"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="say what would run and why; run nothing")
    parser.add_argument("--force", action="store_true", help="run every notebook")
    parser.add_argument("notebooks", nargs="*", help="limit to these notebooks (names like 04_survival.ipynb)")
    args = parser.parse_args(argv)

    names = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    stamps = json.loads(STAMPS.read_text()) if STAMPS.is_file() else {}
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
    shutil.rmtree(STAGE, ignore_errors=True)  # whatever a killed run left behind

    from helpers.params import load_params

    params = load_params()
    STAGE.mkdir(parents=True)
    exporter = None
    ran: dict[str, dict] = {}
    produced: dict[str, list[str]] = {}
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for name in names:
            if args.notebooks and name not in args.notebooks:
                continue
            reason = "forced" if args.force else why_stale(name, stamps.get(name), common)
            if reason is None:
                continue
            if exporter is None:
                import papermill  # noqa: F401  (imported once for the whole run)
                from nbconvert import HTMLExporter

                exporter = HTMLExporter()
            print(f"{name}: running ({reason})", flush=True)
            source_hash = sha(ROOT / "notebooks" / name)
            started = time.perf_counter()
            try:
                run_one(name, params, exporter)
            except Exception as exc:  # papermill's error names the cell; keep the message short
                import papermill as pm

                if isinstance(exc, pm.PapermillExecutionError):
                    print(f"\nFAILED: notebooks/{name} - cell {exc.cell_index} (execution count {exc.exec_count}): "
                          f"{exc.ename}: {exc.evalue}", file=sys.stderr)
                else:
                    print(f"\nFAILED: notebooks/{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                print("Nothing was published: every output is as it was before this run.", file=sys.stderr)
                return 1
            reads_log = STAGE / ".reads" / f"{name}.tsv"
            reads = {}
            if reads_log.is_file():
                for line in reads_log.read_text(encoding="utf-8").splitlines():
                    rel, digest = line.split("\t")
                    reads.setdefault(rel, digest)  # the first read is what the notebook saw
            ran[name] = {"source": source_hash, "common": common, "reads": reads}
            produced[name] = outputs_of(name)
            print(f"{name}: done in {time.perf_counter() - started:.1f} s", flush=True)
            write_manifest(produced)  # later notebooks of this run (the report) read it
        if not ran:
            print("Nothing to do: every notebook is up to date (python scripts/pipeline.py --dry-run says why).")
            return 0
        changed = publish()
    except KeyboardInterrupt:
        print("\nInterrupted: nothing was published.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(STAGE, ignore_errors=True)
    for name in ran:
        ran[name]["outputs"] = produced[name]
    stamps.update(ran)
    for stamp in stamps.values():  # what each notebook published, as it now stands (shared files included)
        stamp["outputs"] = {rel: sha(ROOT / rel) for rel in stamp.get("outputs", [])}
    BUILD.mkdir(exist_ok=True)
    STAMPS.write_text(json.dumps(stamps, indent=1, sort_keys=True) + "\n")
    print(f"Published: {len(ran)} notebook(s) run, {len(changed)} output file(s) changed.")
    for rel in changed:
        print(f"  {rel}")
    return 0


def write_manifest(produced: dict[str, list[str]]) -> None:
    """Stage `reports/manifest.csv`: every published output and the notebook that writes it."""
    import csv
    import io as _io

    published = ROOT / MANIFEST
    rows = []
    if published.is_file():
        rows = [r for r in csv.DictReader(published.open(encoding="utf-8")) if r["notebook"] not in produced]
    for name, outs in produced.items():
        rows += [{"output": o, "notebook": name} for o in outs if o != MANIFEST]
    rows.sort(key=lambda r: (r["output"], r["notebook"]))
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["output", "notebook"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (STAGE / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (STAGE / MANIFEST).write_text(buf.getvalue(), encoding="utf-8")


def publish() -> list[str]:
    """Move the stage into place. Returns the paths whose bytes changed."""
    from helpers.io import commit_stage

    shutil.rmtree(STAGE / ".reads", ignore_errors=True)
    shutil.rmtree(STAGE / ".writes", ignore_errors=True)
    return commit_stage(STAGE)


if __name__ == "__main__":
    sys.exit(main())
