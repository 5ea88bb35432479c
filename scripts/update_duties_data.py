"""Rebuild data/raw/census_duties_by_partner.csv from the Census Bureau's international trade API (needs internet).

For users with internet access (`make update-duties-data`); the pipeline and tests never download anything. One
request per month from January 2017 until the first month the API has not yet published; the rebuilt table cites
the API request of each month. Review the diff before committing.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from datetime import date

import pandas as pd

from helpers import duties, paths, schemas

FIRST_YEAR = 2017


def main() -> int:
    frames, today = [], date.today()
    year, month = FIRST_YEAR, 1
    while (year, month) < (today.year, today.month):
        url = duties.CENSUS_API.format(year=year, month=month)
        try:
            with urllib.request.urlopen(url, timeout=60) as answer:
                text = answer.read().decode("utf-8")
        except urllib.error.HTTPError:
            break  # the first month not yet published
        except OSError as exc:
            print(f"Could not reach the Census API ({getattr(exc, 'reason', exc)}); this target needs internet access. "
                  "Nothing was changed.", file=sys.stderr)
            return 2
        if not text.strip():
            break
        frames.append(duties.read_census_api(text, year, month).assign(source=url))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not frames:
        print("The Census API returned no month; nothing was changed.", file=sys.stderr)
        return 2
    table = pd.concat(frames, ignore_index=True)
    out = paths.RAW / schemas.CENSUS_DUTIES.file
    # Raw data is written here by a person's command, never by the pipeline; write_csv goes to scratch outside a run.
    out.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    print(f"wrote {len(table)} rows to {paths.relative(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
