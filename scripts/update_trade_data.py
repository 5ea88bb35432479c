"""Download the current Census "U.S. Trade in Goods by Country" file and rebuild data/raw/census_trade_by_partner.csv.

For users with internet access (`make update-trade-data`); the pipeline and tests never download anything.
The rebuilt table cites the Census file itself. Review the diff before committing: raw data changes
change the results (and nbval will ask you to look).
"""

from __future__ import annotations

import sys
import tempfile
import urllib.request
from pathlib import Path

from helpers import countries, paths, schemas, trade


def partners_needed() -> list[str]:
    """Every country code in the negotiations and deals tables (bloc members included), every partner already
    in the trade table, the EU and the world."""
    names = list(schemas.load_raw(schemas.NEGOTIATIONS)["partner"]) + list(schemas.load_raw(schemas.DEAL_PARTNERS)["partner"])
    codes = {m for n in names for m in countries.members(countries.partner_code(n))}
    codes |= set(schemas.load_raw(schemas.CENSUS_TRADE)["partner_code"])
    return sorted(codes | {"EUU", "WLD"})


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "country.xlsx"
        print(f"downloading {trade.CENSUS_URL}")
        try:
            urllib.request.urlretrieve(trade.CENSUS_URL, target)
        except OSError as exc:  # URLError is an OSError: no network, DNS, refused, timeout
            print(f"Could not download the Census file ({getattr(exc, 'reason', exc)}); this target needs internet access. "
                  "Nothing was changed.", file=sys.stderr)
            return 2
        table = trade.rebuild_raw_table(target, paths.RAW / schemas.CENSUS_TRADE.file, partners_needed(), ["CHN"])
    print(f"wrote {len(table)} rows to {paths.relative(paths.RAW / schemas.CENSUS_TRADE.file)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
