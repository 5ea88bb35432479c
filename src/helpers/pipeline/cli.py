"""The command line behind `make all`, `make status`, `make test` and `make accept`: ``python -m helpers.pipeline``.

  run [--force] [--jobs N] [NOTEBOOK ...]   run what is stale and publish it if every notebook succeeds (make all)
  status                                     which notebooks `run` would run and why, and the graph (runs nothing)
  test [--jobs N] [--stale-only]             lint, nbval's checked run, unit tests; publish if all pass (make test)
  accept [NOTEBOOK ...]                      store the last `make test`'s checked outputs in notebooks/ (make accept)

`run`, `test` and `accept` hold one lock (``build/.lock``) for their whole duration, so that no two of them change
``build/`` or the published files at once; `status` only reads. Errors are one line naming the file, with paths
relative to the repository root.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
from pathlib import Path

from .. import paths
from .graph import GraphError, read_graph
from .schedule import Failed

LOCK = "build/.lock"


def _names(values: list[str]) -> list[str]:
    return [Path(v).name for v in values]  # notebooks/04_survival.ipynb or 04_survival.ipynb


def status(root: Path, say=print) -> int:
    """Say which notebooks `make all` would run and why, and print the graph; runs nothing."""
    from . import stamps as stamping
    from .graph import describe, order

    graph = read_graph(root / "notebooks")
    stamps, common = stamping.load(root), stamping.common_hashes(root)
    stale = False
    for name in order(graph):
        reason = stamping.why_stale(root, name, stamps.get(name), common)
        say(f"{name}: {'run (' + reason + ')' if reason else 'up to date'}")
        stale = stale or bool(reason)
    say("(a notebook downstream of one that runs re-runs too if what it reads changes)" if stale else "nothing to do")
    say("\nWhich notebooks' outputs each notebook reads (its metadata deal_clock.upstream):")
    for line in describe(graph):
        say(f"  {line}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run what is stale and publish it if every notebook succeeds (make all)")
    run.add_argument("--force", action="store_true", help="run every notebook")
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks side by side (default: CPU cores)")
    run.add_argument("notebooks", nargs="*", help="limit to these notebooks (names like 04_survival.ipynb)")
    commands.add_parser("status", help="which notebooks `run` would run, and why; the graph (runs nothing)")
    test = commands.add_parser("test", help="lint, nbval's checked run and the unit tests; publish if all pass")
    test.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks side by side (default: CPU cores)")
    test.add_argument("--stale-only", action="store_true", help="check only the stale notebooks (CI checks all)")
    test.add_argument("--no-lint", action="store_true", help="skip ruff")
    test.add_argument("--no-unit", action="store_true", help="skip the unit tests")
    accept = commands.add_parser("accept", help="store the last `make test`'s checked outputs in notebooks/")
    accept.add_argument("notebooks", nargs="*", help="these notebooks (default: every one whose checked output changed)")
    args = parser.parse_args(argv)

    from . import skip_slow_imports

    skip_slow_imports()
    root = paths.ROOT
    if args.command == "status":
        return _guarded(lambda: status(root))
    (root / "build").mkdir(exist_ok=True)
    with open(root / LOCK, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("Another `make all`, `make test` or `make accept` is running in this folder; wait for it to finish.",
                  file=sys.stderr)
            return 1
        if args.command == "run":
            from .run import run_all

            return _guarded(lambda: run_all(root, max(1, args.jobs), args.force, set(_names(args.notebooks))))
        if args.command == "test":
            from .check import test as run_test

            return _guarded(lambda: run_test(root, max(1, args.jobs), args.stale_only, not args.no_lint, not args.no_unit))
        from .check import accept as run_accept

        return _guarded(lambda: run_accept(root, _names(args.notebooks) or None))


def _guarded(action) -> int:
    """Run ``action``; any failure becomes one line on stderr (and nothing is published: see run and check)."""
    try:
        return action()
    except KeyboardInterrupt:
        print("\nInterrupted: nothing was published.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `make status | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (Failed, GraphError, ValueError) as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        print("Nothing was published: every output is as it was before this run.", file=sys.stderr)
        return 1
    except Exception as exc:  # a kernel that would not start, a full disk: one line, the file named by the error
        where = f"{paths.relative(Path(exc.filename))}: " if isinstance(exc, OSError) and exc.filename else ""
        print(f"\nFAILED: {where}{type(exc).__name__}: {exc.strerror if where else exc}", file=sys.stderr)
        print("Nothing was published unless the message says publishing stopped part-way.", file=sys.stderr)
        return 1
