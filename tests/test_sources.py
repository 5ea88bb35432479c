"""No raw fact (nor any note) may cite a blocked host (mirrors of leaked documents, scraped copies, content farms, staging hosts,
encyclopedias), and a blocked citation stops validation with the file, line and column."""

import glob

import pytest
from conftest import write_rows

from helpers import schemas, source_blocklist
from helpers.io import RawDataError, read_raw_csv
from helpers.paths import RAW


def test_no_raw_file_cites_a_blocked_host():
    domains = source_blocklist.blocklist()
    offenders = []
    for path in sorted(glob.glob(str(RAW / "*.csv"))):
        df = read_raw_csv(path)
        offenders += [f"{path.rsplit('/', 1)[-1]}: {p}" for p in source_blocklist.blocked_sources(df, domains, all_columns=True)]
    assert not offenders, "\n".join(offenders)


def test_blocklist_matches_subdomains_only():
    domains = ("wikipedia.org", "blogspot.com")
    assert source_blocklist.blocked_host("http://en.wikipedia.org/wiki/X", domains) == "wikipedia.org"
    assert source_blocklist.blocked_host("https://textilesandtrade.blogspot.com/2017/01/x.html", domains) == "blogspot.com"
    assert source_blocklist.blocked_host("https://notwikipedia.org/x", domains) is None
    assert source_blocklist.blocked_host("https://ustr.gov/x", domains) is None


def test_a_blocked_citation_names_file_line_and_column(tmp_path, good_rows):
    good_rows[1]["source_announced"] = "https://en.wikipedia.org/wiki/Kenya"
    path = write_rows(tmp_path / "negotiations.csv", good_rows)
    with pytest.raises(RawDataError, match=r"line 3, column 'source_announced': cites wikipedia.org"):
        schemas.load_raw(schemas.NEGOTIATIONS, path)
