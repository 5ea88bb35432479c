"""Benchmark of the pipeline (run with `make bench`; a benchmark, not a test: it asserts nothing).

Times, as whole processes on this machine, A and B alternating within each round so that both see the same load:
- floor: one Python start plus `import pandas, matplotlib, seaborn, statsmodels.api`, once per notebook, in a row;
- cold: every notebook re-run (`scripts/pipeline.py --force`: kernels, notebooks, HTML export, publishing),
  side by side as `make all` runs them, and one at a time (`--jobs 1`) for comparison;
- no-op: `make all` with everything up to date;
- one notebook stale: `make all` after removing one executed copy (only that notebook re-runs);
- make test: pipeline up to date, lint, unit tests, nbval.
Each figure is the median of the rounds, with its ratio to the floor's median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
FLOOR_IMPORTS = "import pandas, matplotlib, seaborn, statsmodels.api"


def seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    jobs = str(os.cpu_count() or 1)
    subprocess.run(["make", "all"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # start up to date
    pipeline = [PY, "scripts/pipeline.py"]
    stale_one = ROOT / "reports/notebooks/05_deals_2025.ipynb"
    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        rounds = {
            "floor": lambda: sum(seconds([PY, "-c", FLOOR_IMPORTS]) for _ in notebooks),
            f"cold pipeline, {jobs} side by side (make all)": lambda: seconds(pipeline + ["--force", "--jobs", jobs]),
            "cold pipeline, one at a time (--jobs 1)": lambda: seconds(pipeline + ["--force", "--jobs", "1"]),
            "no-op make all": lambda: seconds(["make", "all"]),
            "make all with one notebook stale (05)": lambda: (stale_one.unlink(), seconds(["make", "all"]))[1],
        }
        for name, measure in rounds.items():
            times.setdefault(name, []).append(measure())
    times["make test (pipeline up to date)"] = [seconds(["make", "test"])]
    floor = statistics.median(times["floor"])
    print(f"floor: {len(notebooks)} x (python -c '{FLOOR_IMPORTS}'); {os.cpu_count()} CPU core(s)\n")
    print(f"{'what':<44} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} {'x floor':>8}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<44} {len(values):>4} {med:>9.2f} {min(values):>7.2f} {max(values):>7.2f} {med / floor:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
