"""Read raw tables with clear errors; write outputs atomically and only when their bytes change."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths
from .paths import relative

# When set (by scripts/run_notebook.py), outputs are written under this folder and moved into the
# repository only after the whole notebook has run: a failed run leaves earlier outputs intact.
STAGE_ENV = "DEAL_CLOCK_STAGE_DIR"


@dataclass
class Problem:
    """One thing wrong with a raw file: where (line, column) and what."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return (", ".join(where) + ": " if where else "") + self.message


class RawDataError(ValueError):
    """A raw file is malformed. The message names the file, then each problem's line, column and what is wrong."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        shown = "\n".join(f"  - {relative(self.path)}, {p}" for p in problems[:25])
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        super().__init__(f"{relative(self.path)}: {len(problems)} problem(s)\n{shown}{more}")


def line_of(index: int) -> int:
    """CSV line number of data row ``index`` (0-based), the header being line 1."""
    return int(index) + 2


def read_raw_csv(path: Path | str, required: list[str] | None = None) -> pd.DataFrame:
    """Read a raw CSV as strings, empty cells as missing, surrounding spaces stripped.

    Raises ``RawDataError`` for a missing or empty file, a file that is not CSV, or missing ``required`` columns.
    """
    path = Path(path)
    if not path.is_file():
        raise RawDataError(path, [Problem(None, None, "file not found")])
    if path.stat().st_size == 0:
        raise RawDataError(path, [Problem(None, None, "file is empty (expected a header row)")])
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise RawDataError(path, [Problem(None, None, f"not a readable UTF-8 CSV ({exc})")]) from None
    df.columns = [str(c).strip() for c in df.columns]
    df = df.apply(lambda col: col.str.strip())
    if required:
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise RawDataError(path, [Problem(1, c, "required column is missing from the header") for c in missing])
    return df


def write_bytes(path: Path | str, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically (temp file then rename); skip if the file already holds these bytes.

    Returns True when the file was (re)written. An unchanged file keeps its timestamp, so make does not
    re-run notebooks downstream of an identical output.
    """
    path = Path(path)
    stage = os.environ.get(STAGE_ENV)
    if stage:  # inside a pipeline run: hold the file until the whole notebook succeeds
        path = Path(stage) / relative(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def commit_stage(stage: Path | str, exclude: set[str] = frozenset()) -> int:
    """Move every file staged under ``stage`` to its place in the repository (see ``STAGE_ENV``).

    Files whose bytes are unchanged are left alone. Returns how many files changed.
    """
    stage = Path(stage)
    changed = 0
    for staged in sorted(p for p in stage.rglob("*") if p.is_file() and p.name not in exclude):
        changed += write_bytes(paths.ROOT / staged.relative_to(stage), staged.read_bytes())
    return changed


def write_text(path: Path | str, text: str) -> bool:
    """Write UTF-8 text atomically (see ``write_bytes``)."""
    return write_bytes(path, text.encode("utf-8"))


def write_csv(df: pd.DataFrame, path: Path | str, sort_by: list[str] | None = None) -> bool:
    """Write a table as CSV atomically and deterministically: optional stable sort, no index, ``\\n`` line ends."""
    if sort_by:
        df = df.sort_values(sort_by, kind="mergesort")
    return write_text(path, df.to_csv(index=False, lineterminator="\n"))
