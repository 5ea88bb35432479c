"""The forecast ledger: each forecast set written once, never rewritten, and scored when its horizon has passed.

A forecast set is ``reports/forecasts/forecasts_<as_of>.csv``. ``write_once`` writes it only if no published file of
that name exists; an existing one is left exactly as it is (its bytes are staged again unchanged, so the run's list
of outputs still names it and the publish step, which skips identical bytes, never touches it). A new as-of date
writes a new file. ``score`` reads every ledger and, for each forecast whose horizon date the current data have
passed, records what happened and the Brier score. ``tests/test_ledger.py`` fails if a committed ledger changes.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from . import paths
from .io import input_path, output_path, write_bytes, write_csv

FOLDER = paths.REPORTS / "forecasts"
NAME = re.compile(r"^forecasts_(\d{4}-\d{2}-\d{2})\.csv$")
COLUMNS = ["negotiation_id", "negotiation", "partner_code", "population", "model", "headline", "as_of", "months_open",
           "horizon_months", "horizon_date", "probability", "ci_low", "ci_high", "interval", "sample", "data_version"]


def path_for(as_of: str, folder: Path | None = None) -> Path:
    """The ledger file of a forecast set made on ``as_of`` (YYYY-MM-DD)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(as_of)):
        raise ValueError(f"a ledger's as-of date must be YYYY-MM-DD, got '{as_of}'")
    return (folder or FOLDER) / f"forecasts_{as_of}.csv"


def write_once(forecasts: pd.DataFrame, path: Path) -> tuple[bool, str]:
    """Write ``forecasts`` (``COLUMNS``) to the ledger file ``path`` unless it already exists; never change an existing one.

    Returns (written, message). Where the published file exists its bytes are staged again unchanged and nothing
    else happens; where it does not, the set is written (sorted by negotiation, model, horizon).
    """
    path = Path(path)
    missing = [c for c in COLUMNS if c not in forecasts]
    if missing:
        raise ValueError(f"forecast set lacks column(s) {missing}")
    if path.is_file():
        existing = path.read_bytes()
        write_bytes(path, existing)  # the same bytes: the publish step leaves the file untouched
        return False, (f"{paths.relative(path)} already exists: a published forecast set is never rewritten, so it was "
                       "left exactly as it is; this run's forecasts are in the current table only")
    write_csv(forecasts[COLUMNS], path, sort_by=["negotiation_id", "model", "horizon_months"])
    return True, f"{paths.relative(path)} written: the forecast set of {forecasts['as_of'].iloc[0] if len(forecasts) else '?'}"


def ledger_files(folder: Path | None = None, extra: list[Path] | tuple = ()) -> list[Path]:
    """Every ledger file: the published ones in ``folder`` and any written by this run (``extra``), by as-of date."""
    folder = folder or FOLDER
    names = {p.name for p in folder.glob("forecasts_*.csv") if NAME.match(p.name)} if folder.is_dir() else set()
    names |= {Path(p).name for p in extra}
    return [folder / n for n in sorted(names)]


def read_ledgers(files: list[Path]) -> pd.DataFrame:
    """All forecasts of the given ledger files in one table, with ``ledger`` (the file name). Each file is read from this
    run's copy where it wrote one (``helpers.io.input_path``) and must carry ``COLUMNS``."""
    frames = []
    for f in files:
        where = input_path(f)
        if not Path(where).is_file():
            where = output_path(f)  # written by this run outside the pipeline (scratch)
        table = pd.read_csv(where, dtype={"negotiation_id": str, "as_of": str, "horizon_date": str})
        missing = [c for c in COLUMNS if c not in table]
        if missing:
            raise ValueError(f"{paths.relative(f)}: missing column(s) {missing}")
        frames.append(table.assign(ledger=Path(f).name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*COLUMNS, "ledger"])


SCORE_COLUMNS = ["ledger", "negotiation_id", "model", "as_of", "horizon_months", "horizon_date", "probability", "status",
                 "outcome", "brier"]


def score(forecasts: pd.DataFrame, outcomes: pd.DataFrame, data_as_of: dict[str, str]) -> pd.DataFrame:
    """Score every forecast whose horizon date the current data have reached.

    ``outcomes``: one row per negotiation_id with ``success`` (date of the success, or empty), ``ended`` (date it ended
    without success, or empty) and ``known_through`` (the last date its status is confirmed). ``data_as_of``: the
    as-of date of the current data for each ``population``. A forecast is scored when its horizon date is on or before
    that date: 'void' if the negotiation was no longer open on the forecast's as-of date (the forecast's condition
    failed); outcome 1 if the success fell after the as-of date and on or before the horizon date; 0 if it ended
    unsigned by then, or succeeded or ended only after it, or its status is confirmed open through the horizon date;
    'unknown' otherwise. Brier = (p − y)².
    Forecasts without a probability, or about a negotiation missing from ``outcomes``, are listed as 'unknown'.
    """
    out = pd.DataFrame(columns=SCORE_COLUMNS)
    if forecasts.empty:
        return out
    known = outcomes.set_index("negotiation_id")
    rows = []
    for _, f in forecasts.iterrows():
        limit = data_as_of.get(f["population"])
        if limit is None or str(f["horizon_date"]) > limit:
            continue
        row = {c: f[c] for c in SCORE_COLUMNS if c in f}
        prob = f["probability"]
        status, outcome = "unknown: no forecast probability", math.nan
        if pd.notna(prob) and f["negotiation_id"] in known.index:
            o = known.loc[f["negotiation_id"]]
            success, ended, through = (o[c] if isinstance(o[c], str) and o[c] else None for c in ("success", "ended", "known_through"))
            as_of, horizon = str(f["as_of"]), str(f["horizon_date"])
            if (success and success <= as_of) or (ended and ended <= as_of):
                status = "void: not open on the forecast date"
            elif success and success <= horizon:
                status, outcome = "scored", 1.0
            elif (ended and ended <= horizon) or any(d and d > horizon for d in (success, ended)) or (through and through >= horizon):
                status, outcome = "scored", 0.0
            else:
                status = "unknown: status not confirmed through the horizon date"
        elif pd.notna(prob):
            status = "unknown: negotiation not in the current data"
        row.update(status=status, outcome=outcome, brier=(float(prob) - outcome) ** 2 if status == "scored" else math.nan)
        rows.append(row)
    if rows:
        out = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    return out.sort_values(["ledger", "negotiation_id", "model", "horizon_months"], kind="mergesort").reset_index(drop=True)


def changed_since_commit(root: Path, folder: str = "reports/forecasts") -> list[str] | None:
    """Ledger files committed in git's HEAD of the repository at ``root`` that the working tree no longer holds byte for
    byte (changed or deleted), each as a sentence; an empty list if none. None if ``root`` is not a git checkout with a
    commit (nothing to compare against)."""
    import shutil
    import subprocess

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)

    if shutil.which("git") is None or git("rev-parse", "--verify", "HEAD").returncode != 0:
        return None
    listed = git("ls-tree", "-r", "--name-only", "HEAD", "--", f"{folder}/")
    if listed.returncode != 0:
        raise RuntimeError(f"git ls-tree failed: {listed.stderr.decode().strip()}")
    problems = []
    for rel in listed.stdout.decode().splitlines():
        if not NAME.match(rel.rsplit("/", 1)[-1]):
            continue
        here = Path(root) / rel
        if not here.is_file():
            problems.append(f"{rel} was deleted")
        elif here.read_bytes() != git("show", f"HEAD:{rel}").stdout:
            problems.append(f"{rel} differs from its committed copy")
    return problems
