"""Benchmark of the pipeline and of the check loop (run with `make bench`; a benchmark, not a test: it asserts nothing).

Times whole processes on this machine. Each round measures every item once, in the same order, so that items next
to each other see the same load (A/B alternated); each figure is the median of the rounds, with its ratio to the
floor and to a cold `make all`:
- floor: one Python start plus `import pandas, matplotlib, seaborn, statsmodels.api`, once per notebook, in a row;
- cold make all: every notebook re-run (`python -m helpers.pipeline run --force`), side by side as `make all` runs them;
- no-op make all, and make all with one notebook stale (its executed copy removed);
- make test with everything up to date: lint, nbval re-executing every notebook as the checked run, the unit tests;
- the add-a-row loop of the README, in a throwaway copy of the repository: add a row to a raw table, `make test`
  (fails: a checked output changed), `make accept`, `make test` (passes and publishes).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.pipeline.stage import working_copy  # make bench runs this file with .venv's Python

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
FLOOR_IMPORTS = "import pandas, matplotlib, seaborn, statsmodels.api"
RUNNER = [PY, "-m", "helpers.pipeline"]


def seconds(cmd: list[str], cwd: Path = ROOT, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode} in {cwd}:\n{done.stdout[-3000:]}")
    return time.perf_counter() - start


def pristine_copy(folder: Path) -> Path:
    """The repository as it stands (up to date), with its stamps and executed copies, in its own git repository."""
    copy = working_copy(ROOT, folder / "repo")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", *args], cwd=copy, check=True)
    return copy


def add_a_row(copy: Path) -> None:
    """A new, valid fact in data/raw/claim_facts.csv (as the add-a-row test adds)."""
    path = copy / "data" / "raw" / "claim_facts.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    rows.append(dict(next(r for r in rows if r["fact_id"] == "f20"), fact_id="f99", notes="added by the benchmark"))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def the_loop(pristine: Path, work: Path) -> float:
    """Add a row, make test (fails), accept, make test (passes): seconds, in a fresh copy of ``pristine``."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(pristine, work, symlinks=True)
    env = {**os.environ, "PYTHONPATH": str(work / "src")}
    jobs = str(os.cpu_count() or 1)
    add_a_row(work)
    return (seconds(RUNNER + ["test", "--jobs", jobs], work, env, ok=(1,)) + seconds(RUNNER + ["accept"], work, env)
            + seconds(RUNNER + ["test", "--jobs", jobs], work, env))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-loop", action="store_true", help="leave out the add-a-row loop (the longest item)")
    args = parser.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    jobs = str(os.cpu_count() or 1)
    subprocess.run(["make", "all"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # start up to date
    stale_one = ROOT / "reports/notebooks/05_deals_2025.ipynb"
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="deal-clock-bench-") as tmp:
        pristine = pristine_copy(Path(tmp)) if not args.no_loop else None
        for _ in range(args.rounds):
            items = {
                "floor": lambda: sum(seconds([PY, "-c", FLOOR_IMPORTS]) for _ in notebooks),
                f"cold make all ({jobs} side by side)": lambda: seconds(RUNNER + ["run", "--force", "--jobs", jobs]),
                "no-op make all": lambda: seconds(["make", "all"]),
                "make all with one notebook stale (05)": lambda: (stale_one.unlink(), seconds(["make", "all"]))[1],
                "make test (everything up to date)": lambda: seconds(["make", "test"]),
            }
            if pristine is not None:
                items["add-a-row loop (test, accept, test)"] = lambda: the_loop(pristine, Path(tmp) / "loop")
            for name, measure in items.items():
                times.setdefault(name, []).append(measure())
                print(f"  {name}: {times[name][-1]:.1f} s", file=sys.stderr, flush=True)
    floor = statistics.median(times["floor"])
    cold = statistics.median(times[f"cold make all ({jobs} side by side)"])
    print(f"floor: {len(notebooks)} x (python -c '{FLOOR_IMPORTS}'); {os.cpu_count()} CPU core(s); "
          f"load average at the end {os.getloadavg()[0]:.1f}\n")
    print(f"{'what':<40} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} {'x floor':>8} {'x cold':>7}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<40} {len(values):>4} {med:>9.1f} {min(values):>7.1f} {max(values):>7.1f} {med / floor:>8.2f} "
              f"{med / cold:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
