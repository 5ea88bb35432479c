"""Check every URL cited in data/raw/: `make check-links` (needs internet).

HEAD, falling back to GET, a few hosts at a time with a delay between two requests to one host (helpers.links);
writes reports/link_check.csv (file, line, column, URL, status, final URL after redirects, verdict) with, for each
dead link, the closest copy the Internet Archive holds. It never edits data/raw/: a person decides whether to cite an
archived copy. Offline, or when the archive's API fails, it stops with one sentence naming it and the HTTP status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import links, paths, web
from helpers.params import load_params

DEFAULT_OUT = paths.REPORTS / "link_check.csv"


def main(argv: list[str] | None = None, client: web.Client | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the check (default: %(default)s)")
    parser.add_argument("--raw", type=Path, default=paths.RAW, help="the folder whose cited URLs are checked (read only)")
    parser.add_argument("--workers", type=int, default=4, help="hosts checked at a time (default: %(default)s)")
    parser.add_argument("--host-delay", type=float, default=1.0, help="seconds between two requests to one host")
    parser.add_argument("--record", type=Path, help="also save every HTTP exchange here")
    args = parser.parse_args(argv)
    recorder = None
    if client is None:
        recorder = web.Recorder(note="recorded by scripts/check_links.py --record") if args.record else None
        client = web.Client(recorder, timeout=20.0, max_retries=2, backoff=2.0, host_delay=args.host_delay)
    occurrences = links.cited_urls(args.raw)
    print(f"{len(occurrences)} citations of {occurrences['url'].nunique()} URLs on "
          f"{occurrences['url'].map(lambda u: web.urlsplit(u).netloc).nunique()} hosts in {paths.relative(args.raw)}")
    try:
        table = links.check_all(client, occurrences, load_params(), workers=args.workers)
    except web.FeedError as exc:
        print(f"make check-links stopped: {exc}; {paths.relative(args.out)} was left as it was.", file=sys.stderr)
        return 2
    finally:
        if recorder is not None:
            recorder.save(args.record)
    links.write(table, args.out)
    by_url = table.drop_duplicates("url")["verdict"].value_counts()
    print(f"wrote {len(table)} rows to {paths.relative(args.out)}; distinct URLs: "
          + ", ".join(f"{n} {verdict}" for verdict, n in by_url.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
