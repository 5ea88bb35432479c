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


def test_a_blocklist_entry_with_a_path_blocks_that_account_only():
    domains = ("github.com/someone",)
    assert source_blocklist.blocked_host("https://github.com/SomeOne/tracker/blob/x/rates.md", domains) == "github.com/someone"
    assert source_blocklist.blocked_host("https://github.com/someone", domains) == "github.com/someone"
    assert source_blocklist.blocked_host("https://github.com/someone-else/data/blob/x.json", domains) is None
    assert source_blocklist.blocked_host("https://github.com/public/copy/blob/abc/2024.json", domains) is None


def test_a_blocked_citation_names_file_line_and_column(tmp_path, good_rows):
    good_rows[1]["source_announced"] = "https://en.wikipedia.org/wiki/Kenya"
    path = write_rows(tmp_path / "negotiations.csv", good_rows)
    with pytest.raises(RawDataError, match=r"line 3, column 'source_announced': cites wikipedia.org"):
        schemas.load_raw(schemas.NEGOTIATIONS, path)


def test_a_trailing_dot_does_not_escape_the_blocklist():
    """'en.wikipedia.org.' is the same host written as an absolute name (before, it was not matched)."""
    assert source_blocklist.blocked_host("https://en.wikipedia.org./wiki/X", ("wikipedia.org",)) == "wikipedia.org"


@pytest.mark.parametrize("source,kind", [
    ("https://ustr.gov./about-us/x", "primary"),  # an absolute host name is the same host
    ("https://webarchive.library.unt.edu/eot2008/20090116/ustr.gov/x.html", "primary"),
    ("https://content.govdelivery.com/accounts/USDHSCBP/bulletins/3d5b1c2", "primary"),
    ("https://content.govdelivery.com/accounts/SOMEVENDOR/bulletins/1", "secondary"),
    ("Presidential Memorandum for the United States Trade Representative, 2017-01-23", "primary"),
    ("WTO document WT/MIN(96)/16, Ministerial Declaration on Trade in Information Technology Products", "primary"),
    ("President Reagan, statement, 1985-06-11 (text read in a reproduction)", "secondary"),
    ("https://www.reuters.com/x", "secondary"),
])
def test_official_sources_are_recognised_and_copies_are_not(source, kind):
    from helpers.provenance import source_kind

    assert source_kind(source) == kind


# --- official sources and whether a source is about its row's event (issue 22) ------------------------------------------

def test_cbp_messages_on_its_govdelivery_channel_count_as_official():
    from helpers.provenance import source_kind

    assert source_kind("https://content.govdelivery.com/accounts/USDHSCBP/bulletins/4126a9c") == "primary"
    assert source_kind("https://content.govdelivery.com/bulletins/gd/USDHSCBP-40b11c9 (CSMS #67834313)") == "primary"
    assert source_kind("https://content.govdelivery.com/accounts/SOMECITY/bulletins/1") == "secondary"


def test_a_source_names_its_event_by_number_partner_or_title():
    from helpers.provenance import event_tokens, names_event

    tokens = event_tokens("EO 14257", "90 FR 15041 (FR Doc. 2025-06063)")
    assert tokens == {"14257", "15041", "2025-06063"}
    assert names_event("https://www.federalregister.gov/d/2025-06063", tokens)
    assert not names_event("https://www.federalregister.gov/d/2025-06064", tokens)
    title = "Imposing Duties to Address the Flow of Illicit Drugs Across Our Northern Border"
    page = "https://www.whitehouse.gov/presidential-actions/2025/02/imposing-duties-to-address-the-flow-of-illicit-drugs-across-our-national-border/"
    assert names_event(page, set(), title)
    assert not names_event("https://www.whitehouse.gov/presidential-actions/2025/02/adjusting-imports-of-steel-into-the-united-states/", set(), title)
    assert names_event("https://example.gov/news/canada-tariffs", {"canada"})


def test_a_page_about_another_country_is_found():
    from helpers.provenance import other_country_named

    assert other_country_named("https://aimnews.org/2025/04/03/trump-imposes-ten-per-cent-tariff-on-mozambique/", ["Myanmar"]) == "Mozambique"
    assert other_country_named("https://aimnews.org/2025/04/03/trump-imposes-ten-per-cent-tariff-on-mozambique/", ["Mozambique"]) is None
    # a partner named by a word derived from it, and the United States (in every title) never counts as another country
    canada = "https://www.whitehouse.gov/x/imposing-duties-to-offset-canadian-discrimination-against-the-united-states/"
    assert other_country_named(canada, ["Canada"]) is None
    trilateral = "https://www.whitehouse.gov/x/joint-statement-on-a-united-states-switzerland-liechtenstein-framework/"
    assert other_country_named(trilateral, ["Liechtenstein"]) is None
    assert other_country_named("https://www.federalregister.gov/d/2025-06063", ["Japan"]) is None


def _tariff_record():
    from helpers import tariffs

    return tariffs.load_record()


def _urls(cell) -> set[str]:
    import re

    return {u.rstrip("./").lower().replace("://www.", "://") for u in re.findall(r"https?://[^\s,;)\]\"']+", str(cell))}


def test_every_official_tariff_source_names_its_action():
    """Each action's document, where it is an official page whose address carries words or a document number, names
    the action: its instrument, FR document or docket number, its partner, or its title (an official page's address
    is made from its title). A page about another event fails."""
    from helpers.provenance import event_tokens, names_event, slug, source_kind

    actions, _ = _tariff_record()
    wrong = []
    for _, a in actions.iterrows():
        source = a["source_document"]
        if source_kind(source) != "primary":
            continue
        partners = [] if a["partners"] == "all" else [p.strip() for p in a["partners"].split(";")]
        tokens = event_tokens(a["instrument"], a["fr_citation"]) | {slug(p) for p in partners}
        title = a["title"] if isinstance(a["title"], str) else None
        numbers = event_tokens(a["instrument"], a["fr_citation"])
        if (numbers or title) and not names_event(source, tokens, title):  # else nothing identifies the event in text
            wrong.append(f"{a['action_id']}: {source[:100]}")
    assert not wrong, "\n".join(wrong)
    checked = [a for _, a in actions.iterrows() if source_kind(a["source_document"]) == "primary"
               and (event_tokens(a["instrument"], a["fr_citation"]) or isinstance(a["title"], str))]
    assert len(checked) > 75  # the check reaches most rows


def test_every_rate_cites_its_own_action():
    """A rate row's source is one of its action's documents, or names the action's instrument (its number, FR
    document or title): a rate read from another order fails."""
    from helpers.provenance import event_tokens, names_event

    actions, rates = _tariff_record()
    by_id = actions.set_index("action_id")
    wrong = []
    for _, r in rates.iterrows():
        a = by_id.loc[r["action_id"]]
        cited = set().union(*(_urls(a[c]) for c in ("source_document", "source_signed", "source_announced", "source_effective", "source_ended")))
        tokens = event_tokens(a["instrument"], a["fr_citation"])
        if _urls(r["source"]) & cited or names_event(r["source"], tokens, a["title"] if isinstance(a["title"], str) else None):
            continue
        wrong.append(f"{r['action_id']} {r['partner']} {r['layer']}: {r['source'][:100]}")
    assert not wrong, "\n".join(wrong)


def test_no_tariff_source_is_a_page_about_another_country():
    from helpers.provenance import other_country_named

    actions, _ = _tariff_record()
    wrong = []
    for _, a in actions[actions["partners"] != "all"].iterrows():
        partners = [p.strip() for p in a["partners"].split(";")]
        for column in [c for c in actions.columns if c.startswith("source")]:
            other = other_country_named(a[column], partners) if isinstance(a[column], str) else None
            if other:
                wrong.append(f"{a['action_id']} {column}: names {other}, not {partners}")
    assert not wrong, "\n".join(wrong)
