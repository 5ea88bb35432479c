"""List the official documents published since each table's as-of date: `make watch` (needs internet).

Asks the Federal Register API, the Census international trade API and the White House's RSS feeds (helpers.watch)
and writes reports/source_watch.csv: one row per document and raw table it may concern, with whether that table
already cites it. It never edits data/raw/: a person reads the list, compiles what belongs and cites it (README,
"Keeping it current"). Offline, or when a feed fails, it stops with one sentence naming the feed and the HTTP status
and leaves the previous list as it was.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from helpers import paths, watch, web
from helpers.params import load_params

DEFAULT_OUT = paths.REPORTS / "source_watch.csv"


def main(argv: list[str] | None = None, client: web.Client | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the list (default: %(default)s)")
    parser.add_argument("--raw", type=Path, default=paths.RAW, help="the raw tables to compare with (read only)")
    parser.add_argument("--max-pages", type=int, default=watch.FR_MAX_PAGES, help="pages per Federal Register query")
    parser.add_argument("--record", type=Path, help="also save every HTTP exchange here (to refresh the test fixtures)")
    args = parser.parse_args(argv)
    recorder = None
    if client is None:
        recorder = web.Recorder(note="recorded by scripts/watch_sources.py --record") if args.record else None
        client = web.Client(recorder)
    params = load_params()
    try:
        table = watch.run(client, params, args.raw, datetime.now(UTC).date(), args.max_pages)
    except web.FeedError as exc:
        print(f"make watch stopped: {exc}; {paths.relative(args.out)} was left as it was.", file=sys.stderr)
        return 2
    finally:
        if recorder is not None:
            recorder.save(args.record)
    watch.write(table, args.out)
    pending = table[~table["already_cited"].astype(bool)]
    print(f"wrote {len(table)} rows to {paths.relative(args.out)}: {len(pending)} not yet cited in the table they may concern")
    for name, group in pending.groupby("raw_table"):
        print(f"  {name}: {len(group)}")
    for notice in table.attrs.get("notices", []):
        print(f"note: {notice}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
