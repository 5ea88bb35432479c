"""Read raw tables with clear errors; write outputs atomically and only when their bytes change."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .execution import CHECKED_ENV, NOTEBOOK_ENV, STAGE_ENV, input_path, output_path, record_read, record_write
from .text import hidden_character_problem, printable

# Where a run reads and writes is the execution protocol's (helpers.execution); its names stay importable from here.
__all__ = ["CHECKED_ENV", "NOTEBOOK_ENV", "STAGE_ENV", "Problem", "RawDataError", "atomic_write", "input_path", "line_of",
           "output_path", "read_output_csv", "read_raw_csv", "record_read", "spreadsheet_safe", "write_bytes", "write_csv",
           "write_text"]
from .paths import relative


@dataclass
class Problem:
    """One thing wrong with a raw file: where (line, column) and what."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """'line 4, column 'partner': what is wrong', with any control or invisible character escaped (a cell's terminal
        escape sequence or line break never reaches the terminal raw)."""
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return printable((", ".join(where) + ": " if where else "") + self.message)


class RawDataError(ValueError):
    """A raw file is malformed. The message names the file, then each problem's line, column and what is wrong."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        name = printable(relative(self.path))
        shown = "\n".join(f"  - {name}, {p}" for p in problems[:25])
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        super().__init__(f"{name}: {len(problems)} problem(s)\n{shown}{more}")


def line_of(index: int) -> int:
    """CSV line number of data row ``index`` (0-based), the header being line 1."""
    return int(index) + 2


def _decodes(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _parse_csv(path: Path, text: str) -> tuple[list[list[str]], list[int]]:
    """Rows of a CSV text and the physical line each starts on; blank lines skipped. A row with the wrong number of
    fields, or a quote left open, raises ``RawDataError`` naming the line where the row starts."""
    import csv
    import io as _io

    reader = csv.reader(_io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise RawDataError(path, [Problem(start, None, f"not a readable UTF-8 CSV ({exc}): a quote left open or a "
                                                       "stray quote in the row starting here")]) from None
    if rows:
        width = len(rows[0])
        bad = [Problem(line, None, f"{len(row)} fields where the header has {width} (a missing or extra comma, "
                                   "or a quote left open)") for row, line in zip(rows[1:], lines[1:]) if len(row) != width]
        if bad:
            raise RawDataError(path, bad)
    return rows, lines


def read_raw_csv(path: Path | str, required: list[str] | None = None) -> pd.DataFrame:
    """Read a raw CSV as strings, empty cells as missing, surrounding spaces stripped.

    The file must be UTF-8; a leading byte-order mark (as Excel's "CSV UTF-8" writes) is accepted and dropped.
    Raises ``RawDataError`` for a missing or empty file, a file that is not CSV, a cell holding a control, invisible
    or bidirectional character (``helpers.text``; line breaks inside a quoted cell are allowed), or missing
    ``required`` columns.
    """
    path = Path(path)
    record_read(path)
    if not path.is_file():
        raise RawDataError(path, [Problem(None, None, "file not found")])
    if path.stat().st_size == 0:
        raise RawDataError(path, [Problem(None, None, "file is empty (expected a header row)")])
    raw = path.read_bytes()
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark (Excel's "CSV UTF-8") is not data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        bad = next(i for i, line in enumerate(raw.split(b"\n"), start=1) if not _decodes(line))
        raise RawDataError(path, [Problem(bad, None, "not a readable UTF-8 CSV: this line is not UTF-8 text (save the file as UTF-8)")]) from None
    rows, lines = _parse_csv(path, text)
    if not rows:
        raise RawDataError(path, [Problem(None, None, "file is empty (expected a header row)")])
    header, body = rows[0], rows[1:]
    hidden = [Problem(1, None, f"the header cell {problem}") for cell in header if (problem := hidden_character_problem(cell))]
    hidden += [Problem(line, printable(name.strip()), problem) for row, line in zip(body, lines[1:])
               for name, cell in zip(header, row) if (problem := hidden_character_problem(cell))]
    if hidden:
        raise RawDataError(path, hidden)
    df = pd.DataFrame(body, columns=header, dtype=str).replace({"": None})
    # Index = physical line - 2, so line_of(index) names the line the row starts on even after blank lines or
    # cells that span lines.
    df.index = pd.Index([line - 2 for line in lines[1:]])
    df.columns = [str(c).strip() for c in df.columns]
    df = df.apply(lambda col: col.str.strip()).replace({"": None})
    if required:
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise RawDataError(path, [Problem(1, c, "required column is missing from the header") for c in missing])
    return df


def atomic_write(path: Path | str, data: bytes) -> bool:
    """Write ``data`` to exactly ``path`` (temp file then rename); skip if the file already holds these bytes.

    Returns True when the file was (re)written. An unchanged file keeps its timestamp; a new one gets the
    permissions the umask gives a new file (not the temporary file's owner-only mode). Only the pipeline's publish
    step calls this on published paths; notebooks write through ``write_bytes``.
    """
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (os.umask sets it to read it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(path: Path | str, data: bytes) -> bool:
    """Write an output atomically to where it belongs now (``helpers.execution.output_path``: a run's stage, or
    ``build/scratch/`` outside a run); True if its bytes changed. In a run the write is logged (who writes what)."""
    record_write(path)
    return atomic_write(output_path(path), data)


def read_output_csv(path: Path | str, **kwargs) -> pd.DataFrame:
    """Read a table an earlier notebook wrote (``data/processed/``, ``reports/tables/``), from this run's copy if any."""
    where = input_path(path)
    if not where.is_file():
        raise FileNotFoundError(f"{relative(path)} does not exist yet: run `make all` (the notebook that writes it)")
    return pd.read_csv(where, **kwargs)


def write_text(path: Path | str, text: str) -> bool:
    """Write UTF-8 text atomically (see ``write_bytes``)."""
    return write_bytes(path, text.encode("utf-8"))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula at the start of a cell


def spreadsheet_safe(value):
    """``value`` unchanged, unless it is text a spreadsheet could run as a formula: text starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading apostrophe. Numbers (``-0.5``, ``+3``, ``-inf``, as numbers
    or as text) and dates are data, never changed."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def write_csv(df: pd.DataFrame, path: Path | str, sort_by: list[str] | None = None) -> bool:
    """Write a table as CSV atomically and deterministically: optional stable sort, no index, ``\\n`` line ends.

    Every text cell goes through ``spreadsheet_safe``, so no cell of any CSV output runs as a spreadsheet formula.
    """
    if sort_by:
        df = df.sort_values(sort_by, kind="mergesort")
    text = df.select_dtypes(include=["object", "string"]).columns
    if len(text):
        df = df.assign(**{c: df[c].map(spreadsheet_safe) for c in text})
    return write_text(path, df.to_csv(index=False, lineterminator="\n"))
