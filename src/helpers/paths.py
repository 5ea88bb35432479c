"""Project folders, found from the repository root so notebooks run from any working directory."""

from __future__ import annotations

from pathlib import Path


def find_root(start: Path | None = None) -> Path:
    """Return the repository root: the nearest folder at or above ``start`` holding ``pyproject.toml`` and ``data/``.

    Raises ``FileNotFoundError`` when no such folder exists (e.g. the package was installed elsewhere).
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
            return folder
    # Fall back on the package's own location (editable install inside the repo).
    pkg = Path(__file__).resolve()
    for folder in pkg.parents:
        if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
            return folder
    raise FileNotFoundError(f"no Deal Clock repository (pyproject.toml + data/) at or above {here}")


ROOT = find_root()
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
REPORTS = ROOT / "reports"
FIGURES = REPORTS / "figures"
TABLES = REPORTS / "tables"
NOTEBOOKS = ROOT / "notebooks"


def relative(path: Path) -> str:
    """Return ``path`` relative to the repository root, with forward slashes (for messages and reports)."""
    import sys

    root = sys.modules[__name__].ROOT  # looked up at call time, so tests can point ROOT elsewhere
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).name
