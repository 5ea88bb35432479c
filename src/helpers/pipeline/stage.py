"""Staging and publishing: every notebook of a run writes into one folder, published whole or not at all.

A stage mirrors the repository (``data/processed/…``, ``reports/…``) and keeps its bookkeeping in dot-entries that
are never published: the protocol's logs (``helpers.execution``), the run's parameters, the parameterised notebooks
and the run record (``.run.json``: what ran, from which source, what it read and wrote). ``make all`` stages in
``build/stage`` and publishes at once; ``make test`` stages in ``build/checked`` and publishes only after every test
passed and only if nothing the run read has changed since (``changed_since``).
"""

from __future__ import annotations

import csv
import io as _io
import json
import shutil
import subprocess
from pathlib import Path

from ..execution import sha, writes_of
from .stamps import EXECUTED, STAMPS

RUN_RECORD = ".run.json"
MANIFEST = "reports/manifest.csv"  # every published output and the notebook that writes it


def fresh(stage: Path) -> Path:
    """An empty stage at ``stage`` (whatever a killed run left there is removed)."""
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def clean_notebook(nb) -> None:
    """Drop what differs between runs (times, paths, papermill's random cell id) so executed copies are reproducible."""
    pm_meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path", "environment_variables"):
        pm_meta.pop(key, None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        cell.metadata.pop("execution", None)
        meta = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration", "exception", "status"):
            meta.pop(key, None)


_exporter = None


def write_executed(stage: Path, name: str, nb) -> None:
    """Stage the executed copy of notebook ``name`` (``reports/notebooks/``, run-specific metadata dropped)."""
    import nbformat

    clean_notebook(nb)
    out = stage / EXECUTED / name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)


def export_html(stage: Path, name: str, nb=None) -> None:
    """Stage the HTML of notebook ``name``'s executed copy (``nb``, or the staged file)."""
    global _exporter
    import nbformat

    if _exporter is None:
        from nbconvert import HTMLExporter

        _exporter = HTMLExporter()
    out = stage / EXECUTED / name
    html, _ = _exporter.from_notebook_node(nb if nb is not None else nbformat.read(out, as_version=4))
    out.with_suffix(".html").write_text(html, encoding="utf-8")


def outputs_of(stage: Path, name: str) -> list[str]:
    """What notebook ``name`` wrote in the run staged at ``stage``, its executed copy and HTML included."""
    stem = f"{EXECUTED}/{name}"
    return sorted(set(writes_of(stage, name)) | {stem, stem.removesuffix(".ipynb") + ".html"})


def write_manifest(root: Path, stage: Path, produced: dict[str, list[str]]) -> None:
    """Stage ``reports/manifest.csv``: the published rows of notebooks that did not run (and still exist), and the
    outputs of those that did."""
    names = {p.name for p in (root / "notebooks").glob("*.ipynb")}
    rows = []
    if (root / MANIFEST).is_file():
        with open(root / MANIFEST, encoding="utf-8", newline="") as fh:
            table = list(csv.DictReader(fh))
        if table and not {"output", "notebook"} <= set(table[0]):
            raise ValueError(f"{MANIFEST}: expected the columns output,notebook; delete the file and run again")
        rows = [r for r in table if r["notebook"] not in produced and r["notebook"] in names]
    for name, outs in produced.items():
        rows += [{"output": o, "notebook": name} for o in outs if o != MANIFEST]
    rows.sort(key=lambda r: (r["output"], r["notebook"]))
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["output", "notebook"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (stage / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (stage / MANIFEST).write_text(buf.getvalue(), encoding="utf-8")


def save_record(stage: Path, record: dict) -> None:
    """Keep the run record in the stage: ``common`` (hashes at the start), ``ran`` (per notebook: source, common,
    reads) and ``produced`` (per notebook: outputs)."""
    (stage / RUN_RECORD).write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")


def load_record(stage: Path) -> dict | None:
    """The run record kept in ``stage``, or None (also when a killed run left it unreadable)."""
    try:
        return json.loads((stage / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def changed_since(root: Path, stage: Path, record: dict, common: dict[str, str]) -> str | None:
    """The first input of a staged run that differs now from what the run saw (so its outputs may not be
    published), or None."""
    moved = [p for p in sorted(set(common) | set(record["common"])) if common.get(p) != record["common"].get(p)]
    if moved:
        return moved[0]
    for name, seen in sorted(record["ran"].items()):
        if seen["source"] != sha(root / "notebooks" / name):
            return f"notebooks/{name}"
        for rel, digest in sorted(seen["reads"].items()):
            if not (stage / rel).is_file() and sha(root / rel) != digest:
                return rel
    return None


# Published once, never rewritten (the forecast ledger): a run may add such a file, never change one.
APPEND_ONLY = ("reports/forecasts/forecasts_*.csv",)


class RewriteRefused(ValueError):
    """A run would change a file that is published once and never rewritten."""


def rewrites(root: Path, stage: Path) -> list[str]:
    """Staged files of ``APPEND_ONLY`` whose published copy exists with other bytes (one line each)."""
    found = []
    for pattern in APPEND_ONLY:
        for staged in sorted(stage.glob(pattern)):
            published = root / staged.relative_to(stage)
            if published.is_file() and published.read_bytes() != staged.read_bytes():
                found.append(f"{staged.relative_to(stage).as_posix()} is published once and never rewritten, but this "
                             "run would change it: set a new as_of_forecasts in params.yaml for a new forecast set")
    return found


def publish(root: Path, stage: Path) -> list[str]:
    """Move every staged file into place (unchanged bytes left alone); the bookkeeping is dropped. Returns the
    repository-relative paths that changed. Raises ``RewriteRefused``, publishing nothing, if a file of
    ``APPEND_ONLY`` would change."""
    from ..io import atomic_write

    refused = rewrites(root, stage)
    if refused:
        raise RewriteRefused("; ".join(refused))
    for bookkeeping in stage.glob(".*"):
        shutil.rmtree(bookkeeping) if bookkeeping.is_dir() else bookkeeping.unlink()
    changed = []
    for staged in sorted(p for p in stage.rglob("*") if p.is_file()):
        rel = staged.relative_to(stage)
        if atomic_write(root / rel, staged.read_bytes()):
            changed.append(rel.as_posix())
    return changed


def working_copy(root: Path, dest: Path) -> Path:
    """Copy the working tree of ``root`` to ``dest`` as a run would see it: every file git tracks or would track (edits
    and new files included, ignored ones not), plus the executed copies and the stamps (gitignored), so the copy is as
    up to date as ``root``. For the end-to-end tests and the benchmark, which then run the pipeline in the copy."""
    root, dest = Path(root), Path(dest)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        if (root / rel).is_file():  # a tracked file deleted in the working tree stays deleted
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, dest / rel)
    if (root / EXECUTED).is_dir():
        shutil.copytree(root / EXECUTED, dest / EXECUTED)
    (dest / "build").mkdir(parents=True, exist_ok=True)
    if (root / STAMPS).is_file():
        shutil.copy2(root / STAMPS, dest / STAMPS)
    return dest
