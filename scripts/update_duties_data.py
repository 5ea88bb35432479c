"""Rebuild data/raw/census_duties_by_partner.csv from the Census Bureau's international trade API (needs internet).

For users with internet access (`make update-duties-data`); the pipeline and tests never download anything. One
request per month from January 2017 until the first month the API has not yet published (HTTP 204); the rebuilt table
cites the API request of each month. The EU-27 is summed from its members exactly as the committed table was
(helpers.duties.partner_table), and nothing is written unless the rebuilt table keeps every partner of the committed
one in every month. Review the diff before committing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from helpers import duties, paths, schemas, web
from helpers.io import atomic_write, read_raw_csv

FIRST_MONTH = "2017-01"
FEED = "Census international trade API"


def months_from(first: str, until: date):
    """``(year, month)`` from ``first`` (``YYYY-MM``) up to the month before ``until``."""
    year, month = map(int, first.split("-"))
    while (year, month) < (until.year, until.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def main(argv: list[str] | None = None, client: web.Client | None = None, today: date | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=paths.RAW / schemas.CENSUS_DUTIES.file, help="the table to rewrite")
    parser.add_argument("--from", dest="first", default=FIRST_MONTH, help="first month, YYYY-MM (default: %(default)s)")
    args = parser.parse_args(argv)
    client = client or web.Client(host_delay=0.5)
    committed = read_raw_csv(paths.RAW / schemas.CENSUS_DUTIES.file, required=["partner_code"])
    frames, unread = [], set()
    try:
        for year, month in months_from(args.first, today or date.today()):
            url = duties.CENSUS_API.format(year=year, month=month)
            answer = client.fetch(url, FEED, accept="application/json")
            if answer.status == 204 or not answer.body.strip():
                break  # the first month not yet published
            tidy = duties.read_census_api(answer.text(), year, month)
            unread |= set(tidy.attrs.get("unread", []))
            frames.append(tidy.assign(source=url))
    except web.FeedError as exc:
        print(f"make update-duties-data stopped: {exc}; nothing was changed.", file=sys.stderr)
        return 2
    if not frames:
        print("The Census API returned no month; nothing was changed.", file=sys.stderr)
        return 2
    table = duties.partner_table(pd.concat(frames, ignore_index=True))
    problems = duties.coverage_problems(table, committed)
    if problems:
        names = f" Country names the API gave that could not be read: {', '.join(sorted(unread))}." if unread else ""
        print("The rebuilt table would lose partners of the committed one, so nothing was changed:\n  - "
              + "\n  - ".join(problems) + names, file=sys.stderr)
        return 2
    # Raw data is written here by a person's command, never by the pipeline: exactly to --out, atomically.
    atomic_write(args.out, table.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    print(f"wrote {len(table)} rows to {paths.relative(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
