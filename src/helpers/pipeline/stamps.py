"""Staleness: what each notebook saw when it last ran, and whether anything has changed since.

``build/stamps.json`` holds, for each notebook of the last published run: the hash of its source, the hashes of
the inputs every notebook shares (``common_hashes``), the hash of every file it read (taken at read time by
``helpers.execution.record_read``) and the hash of every file it published. A notebook is stale when any of them
differs now, or when its executed copy is missing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..execution import sha

STAMPS = "build/stamps.json"
EXECUTED = "reports/notebooks"  # executed copies (ipynb and HTML), gitignored
# Inputs of every notebook: the parameters, the installed packages, the helpers (and their templates). Not the runner
# (src/helpers/pipeline): no notebook imports it, and it passes them nothing but what is hashed here and in their reads.
COMMON_FILES = ("params.yaml", "requirements.lock", "pyproject.toml")
COMMON_TREES = ("src/helpers",)
RUNNER = "src/helpers/pipeline"
RAW = "data/raw"  # a new file here counts as a change for every notebook (a notebook may list the folder)


def common_hashes(root: Path) -> dict[str, str]:
    """Hash of each input every notebook shares, and of the list of raw files (``data/raw/ (files)``)."""
    root = Path(root)
    files = [root / p for p in COMMON_FILES]
    for tree in COMMON_TREES:
        files += sorted(p for p in (root / tree).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                        and not p.is_relative_to(root / RUNNER))
    hashes = {p.relative_to(root).as_posix(): sha(p) for p in files}
    raw = sorted(p.relative_to(root).as_posix() for p in (root / RAW).rglob("*") if p.is_file())
    hashes[f"{RAW}/ (files)"] = hashlib.sha256("\n".join(raw).encode()).hexdigest()
    return hashes


def why_stale(root: Path, name: str, stamp: dict | None, common: dict[str, str], stage: Path | None = None) -> str | None:
    """Why notebook ``name`` must run, or None when it is up to date. ``stage``: a run under way, whose copy of a
    file is what the notebook would read now."""
    root = Path(root)
    if stamp is None:
        return "never run here"
    if not (root / EXECUTED / name).is_file():
        return "no executed copy"
    if stamp.get("source") != sha(root / "notebooks" / name):
        return "notebook changed"
    for rel, digest in stamp.get("outputs", {}).items():
        if sha(root / rel) != digest:
            return f"{rel} was changed outside the pipeline"
    seen = stamp.get("common", {})
    changed = [p for p in sorted(set(common) | set(seen)) if seen.get(p) != common.get(p)]
    if changed:
        return f"{changed[0]} changed" if changed[0] in common else f"{changed[0]} was removed"
    for rel, digest in stamp.get("reads", {}).items():
        staged = stage / rel if stage is not None else None
        if sha(staged if staged is not None and staged.is_file() else root / rel) != digest:
            return f"{rel} changed"
    return None


def load(root: Path) -> dict:
    """The stamps of the last published run ({} if none, or if the file is unreadable: then everything runs)."""
    path = Path(root) / STAMPS
    try:
        stamps = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def save(root: Path, stamps: dict, ran: dict[str, dict], produced: dict[str, list[str]]) -> None:
    """Record a published run: what each notebook that ran saw (``ran``: source, common, reads) and wrote, and the
    hash of every published output as it now stands (a file two notebooks write gets the last one's bytes)."""
    from ..io import atomic_write  # pandas: imported only where needed (the nbval plugin imports this module)

    root = Path(root)
    for name, seen in ran.items():
        stamps[name] = {**seen, "outputs": produced.get(name, [])}
    for gone in [n for n in stamps if not (root / "notebooks" / n).is_file()]:  # renamed or removed notebooks
        del stamps[gone]
    for stamp in stamps.values():
        outputs = stamp.get("outputs", [])
        stamp["outputs"] = {rel: sha(root / rel) for rel in outputs}
    atomic_write(root / STAMPS, (json.dumps(stamps, indent=1, sort_keys=True) + "\n").encode())
