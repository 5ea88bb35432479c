"""Benchmark of the pipeline (run with `make bench`; a benchmark, not a test: it asserts nothing).

Times, as whole processes on this machine:
- cold: every notebook re-run (executed copies removed; the environment already built),
- no-op: `make all` with everything up to date,
- one notebook stale: `make all` after removing one executed copy (re-runs only that notebook; staleness is by content,
  so touching a file without changing it re-runs nothing),
- make test: unit tests + nbval (with the pipeline up to date),
- floor: one Python start plus `import pandas, matplotlib, seaborn, statsmodels`, once per notebook.
Each figure is the median of the runs shown, with its ratio to the floor.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"


def timed(cmd: list[str], runs: int, before=None) -> list[float]:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    subprocess.run(["make", "all"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # start up to date
    floor_one = timed([str(PY), "-c", "import pandas, matplotlib, seaborn, statsmodels"], 5)
    floor = statistics.median(floor_one) * len(notebooks)
    rows = [
        ("cold pipeline (all notebooks)", timed(["make", "all"], 2,
                                                before=lambda: shutil.rmtree(ROOT / "reports" / "notebooks", ignore_errors=True))),
        ("no-op make all", timed(["make", "all"], 5)),
        ("make all with one notebook stale (05)", timed(["make", "all"], 2,
                                                        before=lambda: (ROOT / "reports/notebooks/05_deals_2025.ipynb").unlink())),
        ("make test", timed(["make", "test"], 1)),
    ]
    print(f"floor: {len(notebooks)} x (python + import pandas, matplotlib, seaborn, statsmodels) = {floor:.2f} s "
          f"(one: median {statistics.median(floor_one):.2f} s of {len(floor_one)})\n")
    print(f"{'what':<40} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} {'x floor':>8}")
    for name, times in rows:
        med = statistics.median(times)
        print(f"{name:<40} {len(times):>4} {med:>9.2f} {min(times):>7.2f} {max(times):>7.2f} {med / floor:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
