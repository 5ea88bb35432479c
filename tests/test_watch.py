"""The source watch (helpers.watch, scripts/watch_sources.py) on recorded answers: what each feed yields, which raw
table a document may concern, whether it is already cited, how failures stop, and that data/raw/ is never touched."""

import hashlib
import importlib.util
from datetime import date

import pandas as pd
import pytest

from helpers import paths, watch, web
from helpers.params import load_params

FIXTURES = paths.ROOT / "tests" / "fixtures" / "http"
NORMAL = ("federal_register_paging.json", "federal_register_agency.json", "federal_register_empty.json",
          "census_new_months.json", "whitehouse_feeds.json")
AS_OF = {watch.TARIFFS: date(2026, 10, 10), watch.DEALS: date(2026, 8, 21)}
PARAMS = {"as_of_tariffs": "2026-10-10", "as_of_deals": "2026-08-21"}
TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def few_terms(monkeypatch):
    """The recordings cover one presidential query and two agency queries."""
    monkeypatch.setattr(watch, "PRESIDENTIAL_TERMS", ("tariff",))
    monkeypatch.setattr(watch, "AGENCY_TERMS", ('"Section 232"', '"Section 338"'))


def client_for(*names):
    return web.Client(web.Recorded(*(FIXTURES / n for n in names)), host_delay=0, sleep=lambda s: None)


def raw_hashes() -> dict[str, str]:
    return {p.relative_to(paths.RAW).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(paths.RAW.rglob("*")) if p.is_file()}


def test_the_federal_register_feed_pages_merges_queries_and_keeps_the_terms_that_matched():
    docs = watch.federal_register_documents(client_for(*NORMAL), date(2026, 8, 22))
    assert [d["document_number"] for d in docs] == ["2026-90001", "2026-90002", "2026-90003", "2026-90004"]
    assert docs[3]["matched"] == ["Section 232"] and docs[0]["matched"] == ["tariff"]
    assert [watch.fr_source(d) for d in docs] == ["Federal Register: Proclamation", "Federal Register: Executive Order",
                                                  "Federal Register: Executive Order", "Federal Register: CBP notice"]


def test_the_query_asks_for_what_the_watch_needs():
    presidential = watch.federal_register_query("tariff", date(2026, 8, 22), presidential=True)
    agency = watch.federal_register_query('"Section 232"', date(2026, 8, 22), presidential=False)
    assert presidential.startswith("https://www.federalregister.gov/api/v1/documents.json?")
    assert "conditions%5Bpublication_date%5D%5Bgte%5D=2026-08-22" in presidential and "PRESDOCU" in presidential
    assert "trade-representative-office-of-united-states" in agency and "industry-and-security-bureau" in agency
    assert "conditions%5Bterm%5D=%22Section+232%22" in agency and "PRESDOCU" not in agency


def test_a_document_concerns_the_tables_whose_as_of_date_it_follows():
    assert watch.concerns("Adjusting Imports of Steel", date(2026, 10, 15), AS_OF, True) == [watch.TARIFFS]
    assert watch.concerns("Implementing the Agreement With Japan", date(2026, 9, 5), AS_OF, True) == [watch.DEALS]
    assert watch.concerns("Implementing the Agreement With Japan", date(2026, 10, 11), AS_OF, True) == [watch.TARIFFS, watch.DEALS]
    assert watch.concerns("Adjusting Imports of Steel", date(2026, 9, 5), AS_OF, True) == []  # inside the tariff table's window
    assert watch.concerns("A Framework Agreement", date(2026, 8, 21), AS_OF, False) == []  # on the as-of date: compiled


def test_already_cited_finds_document_numbers_citations_orders_and_urls_as_whole_words(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id,document,source\n"
                     "a,\"EO 990021; 91 FR 90001 (FR Doc. 2026-900031)\",https://www.whitehouse.gov/fact-sheets/2026/09/x/\n")
    cited = watch.Cited.of(table)
    assert cited.has(["91 FR 90001"]) and not cited.has(["EO 99002"]) and not cited.has(["2026-90003"])
    assert cited.has(url="http://whitehouse.gov/fact-sheets/2026/09/x") and not cited.has(url="https://whitehouse.gov/other")
    doc = {"document_number": "2026-90002", "citation": "91 FR 90002", "executive_order_number": 99002, "subtype": "Executive Order"}
    assert watch.citation_tokens(doc) == ["2026-90002", "91 FR 90002", "EO 99002", "Executive Order 99002"]
    proclamation = {"document_number": "2026-90001", "presidential_document_number": "99001", "subtype": "Proclamation"}
    assert watch.citation_tokens(proclamation) == ["2026-90001", "Proclamation 99001"]


def test_the_census_feed_says_which_months_are_out_beyond_each_table():
    assert watch.census_months(client_for("census_new_months.json"), "2026-07") == ["2026-08", "2026-09"]
    assert watch.census_months(client_for("census_no_new_month.json"), "2026-07") == []  # HTTP 204
    rows = watch.census_rows(client_for("census_new_months.json"), paths.RAW, TODAY)
    assert sorted((r["raw_table"], r["document_number"]) for r in rows) == [
        (watch.DUTIES, "2026-08"), (watch.DUTIES, "2026-09"), (watch.TRADE, "2026-08"), (watch.TRADE, "2026-09")]
    assert rows[0]["url"] == watch.census_query("2026-08") and rows[0]["as_of"] == "2026-07"


def test_the_press_feeds_read_older_pages_until_the_as_of_date_and_keep_trade_posts():
    client = client_for("whitehouse_feeds.json")
    actions, news = watch.PRESS_FEEDS
    items, notice = watch.press_items(client, actions, date(2026, 8, 22))
    assert [i["title"][:9] for i in items] == ["Adjusting", "National "] and notice == ""  # page 2: 404, the end
    items, notice = watch.press_items(client, news, date(2026, 8, 22))
    assert [i["published"] for i in items] == [date(2026, 9, 2), date(2026, 9, 1)] and notice == ""  # reached 2026-08-17
    rows = watch.press_rows(client_for("whitehouse_feeds.json"), AS_OF, {t: watch.Cited("", frozenset()) for t in AS_OF}, TODAY)
    assert [(r["source"], r["raw_table"], r["published"]) for r in rows] == [
        ("White House presidential actions", watch.TARIFFS, "2026-10-13"), ("White House news", watch.DEALS, "2026-09-02")]


def test_a_feed_longer_than_the_page_limit_is_read_that_far_and_says_so():
    _, news = watch.PRESS_FEEDS
    items, notice = watch.press_items(client_for("whitehouse_feeds.json"), news, date(2026, 8, 22), max_pages=1)
    assert len(items) == 2 and notice == ""  # one page was enough
    items, notice = watch.press_items(client_for("whitehouse_feeds.json"), news, date(2026, 8, 1), max_pages=1)
    assert len(items) == 3
    assert notice == ("White House news: 1 pages read back to 2026-08-17, not to 2026-08-01 (the page limit); older posts are "
                      "not listed, the Federal Register rows cover the documents themselves")


def test_the_whole_watch_on_recorded_feeds_lists_what_is_not_yet_compiled_and_never_touches_data_raw():
    before = raw_hashes()
    table = watch.run(client_for(*NORMAL), load_params() | PARAMS, paths.RAW, TODAY)
    assert list(table.columns) == watch.COLUMNS
    summary = table.groupby(["raw_table", "source"]).size().to_dict()
    assert summary == {
        (watch.DUTIES, watch.CENSUS_FEED): 2, (watch.TRADE, watch.CENSUS_FEED): 2,
        (watch.DEALS, "Federal Register: Executive Order"): 1, (watch.DEALS, "White House news"): 1,
        (watch.TARIFFS, "Federal Register: Proclamation"): 1, (watch.TARIFFS, "Federal Register: Executive Order"): 1,
        (watch.TARIFFS, "Federal Register: CBP notice"): 1, (watch.TARIFFS, "White House presidential actions"): 1}
    assert not table["already_cited"].any() and table["watched_on"].eq("2026-12-06").all()
    assert table.attrs["notices"] == []  # every feed read back to the as-of date
    assert raw_hashes() == before


@pytest.mark.parametrize("fixture, feed, status", [
    ("federal_register_500.json", "Federal Register API", 500),
    ("federal_register_malformed.json", "Federal Register API", 200),
    ("census_malformed.json", "Census international trade API", 200),
    ("whitehouse_malformed.json", "White House presidential actions", 200),
])
def test_a_failing_feed_stops_the_watch_with_its_name_and_status(monkeypatch, fixture, feed, status):
    if fixture.startswith("federal_register"):
        monkeypatch.setattr(watch, "PRESIDENTIAL_TERMS", ())
        monkeypatch.setattr(watch, "AGENCY_TERMS", ('"Section 338"',))
    names = [n for n in NORMAL if n.split("_")[0] != fixture.split("_")[0]] + [fixture]
    with pytest.raises(web.FeedError) as caught:
        watch.run(client_for(*names), load_params() | PARAMS, paths.RAW, TODAY)
    assert caught.value.feed == feed and caught.value.status == status and f"HTTP {status}" in str(caught.value)


def test_a_result_without_its_document_number_is_malformed():
    with pytest.raises(web.FeedError, match="a result lacks one of document_number"):
        watch._fr_results({"count": 1, "results": [{"title": "x"}]})
    with pytest.raises(web.FeedError, match="no 'count'"):
        watch._fr_results(["not", "a", "result"])


def load_script():
    spec = importlib.util.spec_from_file_location("watch_sources", paths.ROOT / "scripts" / "watch_sources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_watch_writes_its_list_and_offline_leaves_the_old_one_with_one_sentence(tmp_path, capsys, monkeypatch):
    out = tmp_path / "source_watch.csv"
    script = load_script()
    monkeypatch.setattr(script, "load_params", lambda: load_params() | PARAMS)
    assert script.main(["--out", str(out)], client=client_for(*NORMAL)) == 0
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(written) == 10 and list(written.columns) == watch.COLUMNS
    kept = out.read_bytes()
    capsys.readouterr()
    assert script.main(["--out", str(out)], client=client_for("federal_register_offline.json")) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("make watch stopped: Federal Register API: no answer")
    assert err.endswith("was left as it was.") and out.read_bytes() == kept


def test_the_report_section_counts_what_is_not_yet_compiled(tmp_path):
    absent = watch.report_summary(tmp_path / "none.csv", PARAMS)
    assert absent["rows"] == [] and absent["headline"].startswith("No source watch is recorded")
    table = watch.run(client_for(*NORMAL), load_params() | PARAMS, paths.RAW, TODAY)
    table.loc[table["document_number"] == "2026-90004", "already_cited"] = True  # compiled since: not counted
    table.loc[len(table)] = {**table.iloc[0].to_dict(), "url": "javascript:alert(1)", "published": "2026-11-30",
                             "source": "White House news", "raw_table": watch.TARIFFS, "document_number": ""}
    path = tmp_path / "source_watch.csv"
    watch.write(table, path)
    summary = watch.report_summary(path, PARAMS)
    assert summary["headline"].startswith("6 official documents since the as-of date, not yet compiled: 3 in the Federal "
                                          "Register and 3 White House posts")
    assert "Census has published 2 months of trade data beyond the duties and trade tables (latest 2026-09)" in summary["headline"]
    assert [r["url"] for r in summary["rows"] if r["published"] == "2026-11-30"] == [""]  # only http(s) links are linked
    moved = watch.report_summary(path, PARAMS | {"as_of_tariffs": "2026-11-01"})  # the as-of date moved since the watch
    assert moved["headline"].startswith("4 official documents")


def test_the_report_page_shows_the_section_escaped_and_links_only_web_addresses():
    from helpers import report

    evil = "<script>alert(1)</script>"
    summary = {"headline": f"2 official documents {evil}", "more": 3, "rows": [
        {"published": "2026-11-02", "source": "Federal Register: Executive Order", "title": evil,
         "url": "https://www.federalregister.gov/d/2026-90003", "raw_table": watch.TARIFFS},
        {"published": "2026-11-30", "source": "White House news", "title": "no link", "url": "", "raw_table": watch.TARIFFS}]}
    page = report.html_page(title="T", meta="m", lead=["l"], notebooks=[], ledger_notebook="n", ledger=pd.DataFrame({"a": [1]}),
                            sections=[], provenance="", watch=summary)
    assert '<li><a href="#since">Since the as-of date</a></li>' in page and '<section id="since">' in page
    assert "<script>" not in page and page.count("&lt;script&gt;") == 2
    assert '<a href="https://www.federalregister.gov/d/2026-90003">' in page and "<td>no link</td>" in page
    assert "and 3 more in <code>reports/source_watch.csv</code>" in page
    without = report.html_page(title="T", meta="m", lead=["l"], notebooks=[], ledger_notebook="n", ledger=pd.DataFrame({"a": [1]}),
                               sections=[], provenance="")
    assert 'id="since"' not in without


def test_the_report_reads_the_watch_list_as_a_recorded_input_even_before_one_exists(tmp_path, monkeypatch):
    """The pipeline's staleness sees reports/source_watch.csv: notebook 08 reads it through execution.input_path, which in a
    run logs the read with the file's hash, or 'missing' when there is none yet (so its first appearance re-runs 08)."""
    import nbformat

    from helpers import execution

    source = "\n".join(c.source for c in nbformat.read(paths.NOTEBOOKS / "08_report.ipynb", as_version=4).cells)
    assert 'watch.report_summary(input_path(REPORTS / "source_watch.csv"), params)' in source
    monkeypatch.setenv(execution.STAGE_ENV, str(tmp_path))
    monkeypatch.setenv(execution.NOTEBOOK_ENV, "08_report.ipynb")
    absent = paths.REPORTS / "no_such_watch_list.csv"
    execution.input_path(absent)
    log = (tmp_path / execution.READS_DIR / "08_report.ipynb.tsv").read_text()
    assert log == "reports/no_such_watch_list.csv\tmissing\n"
