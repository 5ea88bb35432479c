"""The source watch: official documents published after each table's as-of date, listed for a person to read,
compile and cite (`make watch` writes ``reports/source_watch.csv``). Nothing here edits ``data/raw/``.

Three kinds of feed:
- the Federal Register API: presidential documents matching trade terms, and notices and rules of USTR, Commerce
  (ITA, BIS) and CBP matching narrower trade phrases, published after the earlier of the tariff and deal as-of dates;
- the Census international trade API: whether a month later than the duties and trade tables is out;
- the White House's RSS feeds (presidential actions, news). USTR's site has no machine-readable press feed that could
  be confirmed; its formal actions reach the watch through its Federal Register notices (README, "Keeping it current").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

from . import web
from .io import atomic_write, read_raw_csv, spreadsheet_safe

COLUMNS = ["source", "published", "document_number", "title", "url", "raw_table", "as_of", "already_cited", "matched", "watched_on"]
TARIFFS, DEALS = "tariff_actions.csv", "deal_documents_2025_2026.csv"
DUTIES, TRADE = "census_duties_by_partner.csv", "census_trade_by_partner.csv"
AS_OF_KEY = {TARIFFS: "as_of_tariffs", DEALS: "as_of_deals"}

# A document may concern the deal table when its title says it is (or implements) an agreement or a statement of one.
DEAL_WORDS = re.compile(r"\b(agreements?|framework|deals?|arrangements?|joint statement|memorandum of understanding|"
                        r"reciprocal trade)\b", re.I)
# A press post may concern the tariff table when its title speaks of tariffs, duties or imports.
TARIFF_WORDS = re.compile(r"\b(tariffs?|dut(y|ies)|imports?|importation|section (232|301|338|122)|reciprocal|"
                          r"de minimis|trade)\b", re.I)

# --- the Federal Register API ---------------------------------------------------------------------------------

FR_API = "https://www.federalregister.gov/api/v1/documents.json"
FR_FEED = "Federal Register API"
FR_AGENCIES = {"trade-representative-office-of-united-states": "USTR", "international-trade-administration": "Commerce ITA",
               "industry-and-security-bureau": "Commerce BIS", "u-s-customs-and-border-protection": "CBP"}
# One query per term (no reliance on a boolean search syntax): every presidential document that mentions a tariff,
# and agency documents with a phrase narrow enough to leave out the routine antidumping notices (which all cite the
# Harmonized Tariff Schedule).
PRESIDENTIAL_TERMS = ("tariff", '"trade agreement"', "reciprocal", '"Section 232"', '"Section 301"', '"Section 338"',
                      '"Section 122"')
AGENCY_TERMS = ('"Section 232"', '"Section 301"', '"Section 338"', '"Section 122"', '"reciprocal tariff"',
                '"trade agreement"', '"additional duties"', '"additional ad valorem"')
FR_FIELDS = ("document_number", "title", "publication_date", "html_url", "type", "subtype", "citation",
             "executive_order_number", "proclamation_number", "presidential_document_number", "agencies")
FR_PER_PAGE = 100
FR_MAX_PAGES = 10


def federal_register_query(term: str, since: date, presidential: bool) -> str:
    """The API request for documents published on or after ``since`` whose text matches ``term``: presidential
    documents, or notices and rules of the agencies in ``FR_AGENCIES``; oldest first."""
    params = [("conditions[publication_date][gte]", since.isoformat()), ("conditions[term]", term)]
    if presidential:
        params.append(("conditions[type][]", "PRESDOCU"))
    else:
        params += [("conditions[type][]", t) for t in ("NOTICE", "RULE")]
        params += [("conditions[agencies][]", slug) for slug in FR_AGENCIES]
    params += [("fields[]", f) for f in FR_FIELDS] + [("order", "oldest"), ("per_page", str(FR_PER_PAGE))]
    return f"{FR_API}?{urlencode(params)}"


def _fr_results(page) -> list[dict]:
    """The documents of one answer page; an answer without ``count`` (or a document without its number, date, title
    or link) is malformed."""
    if not isinstance(page, dict) or "count" not in page:
        raise web.FeedError(FR_FEED, 200, "HTTP 200 but the answer has no 'count' (not a documents search result)")
    results = page.get("results", [])  # an empty result has only count and description
    needed = ("document_number", "publication_date", "title", "html_url")
    if not isinstance(results, list) or any(not isinstance(r, dict) or any(not r.get(k) for k in needed) for r in results):
        raise web.FeedError(FR_FEED, 200, f"HTTP 200 but a result lacks one of {', '.join(needed)}")
    return results


def federal_register_documents(client: web.Client, since: date, max_pages: int = FR_MAX_PAGES) -> list[dict]:
    """Every document any of the queries finds, once (by document number), with the terms that found it."""
    found: dict[str, dict] = {}
    for presidential, terms in ((True, PRESIDENTIAL_TERMS), (False, AGENCY_TERMS)):
        for term in terms:
            url = federal_register_query(term, since, presidential)
            for page in client.pages(url, FR_FEED, lambda p: p.get("next_page_url") if isinstance(p, dict) else None, max_pages):
                for doc in _fr_results(page):
                    entry = found.setdefault(doc["document_number"], {**doc, "matched": []})
                    entry["matched"].append(term.strip('"'))
    return [found[k] for k in sorted(found)]


def fr_source(doc: dict) -> str:
    """'Federal Register: Executive Order', 'Federal Register: USTR notice', ... from the document's type and agencies."""
    if doc.get("type") in ("Presidential Document", "PRESDOCU"):
        return f"Federal Register: {doc.get('subtype') or 'presidential document'}"
    slugs = [a.get("slug") for a in doc.get("agencies") or [] if isinstance(a, dict)]
    agency = next((FR_AGENCIES[s] for s in slugs if s in FR_AGENCIES), "agency")
    return f"Federal Register: {agency} {str(doc.get('type') or 'document').lower()}"


def citation_tokens(doc: dict) -> list[str]:
    """How a raw table would cite this document: its FR document number, its FR citation (``91 FR 45516``), its
    executive order or proclamation number."""
    tokens = [doc["document_number"]]
    if doc.get("citation"):
        tokens.append(doc["citation"])
    if doc.get("executive_order_number"):
        tokens += [f"EO {doc['executive_order_number']}", f"Executive Order {doc['executive_order_number']}"]
    proclamation = doc.get("proclamation_number") or (
        doc.get("presidential_document_number") if "proclamation" in str(doc.get("subtype", "")).lower() else None)
    if proclamation:
        tokens.append(f"Proclamation {proclamation}")
    return tokens


@dataclass(frozen=True)
class Cited:
    """What a raw table already cites: its text (for numbers) and its URLs (normalized)."""

    text: str
    urls: frozenset[str]

    @classmethod
    def of(cls, path: Path) -> Cited:
        text = Path(path).read_text(encoding="utf-8")
        return cls(text, frozenset(web.normalize_url(u) for _, u in web.find_urls(text)))

    def has(self, tokens: list[str] = (), url: str | None = None) -> bool:
        """True if the table cites ``url`` or contains any token as a whole word."""
        if url and web.normalize_url(url) in self.urls:
            return True
        return any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", self.text) for t in tokens)


def concerns(title: str, published: date, as_of: dict[str, date], tariff_related: bool) -> list[str]:
    """The raw tables a document published on ``published`` may concern: the tariff table if it is tariff-related and
    later than that table's as-of date; the deal table if its title speaks of an agreement and it is later than
    the deal table's as-of date."""
    tables = []
    if tariff_related and published > as_of[TARIFFS]:
        tables.append(TARIFFS)
    if DEAL_WORDS.search(title) and published > as_of[DEALS]:
        tables.append(DEALS)
    return tables


def federal_register_rows(client: web.Client, as_of: dict[str, date], cited: dict[str, Cited], watched_on: date,
                          max_pages: int = FR_MAX_PAGES) -> list[dict]:
    """Watch rows for the Federal Register documents published after the earlier as-of date."""
    rows = []
    for doc in federal_register_documents(client, min(as_of.values()) + timedelta(days=1), max_pages):
        published = date.fromisoformat(doc["publication_date"])
        for table in concerns(doc["title"], published, as_of, tariff_related=True):
            rows.append({"source": fr_source(doc), "published": published.isoformat(), "document_number": doc["document_number"],
                         "title": doc["title"], "url": doc["html_url"], "raw_table": table, "as_of": as_of[table].isoformat(),
                         "already_cited": cited[table].has(citation_tokens(doc), doc["html_url"]),
                         "matched": "; ".join(dict.fromkeys(doc["matched"])), "watched_on": watched_on.isoformat()})
    return rows


# --- the Census international trade API -----------------------------------------------------------------------

CENSUS_API = "https://api.census.gov/data/timeseries/intltrade/imports/hs"
CENSUS_FEED = "Census international trade API"
CENSUS_GET = "CTY_CODE,CTY_NAME,GEN_VAL_MO,CON_VAL_MO,CAL_DUT_MO"  # general imports (trade table), consumption and duty


def census_query(time: str) -> str:
    """Imports from China by HS chapter for ``time`` (``2026-08`` or ``from 2026-08``): one small request that says
    which months the monthly release has published."""
    return f"{CENSUS_API}?{urlencode([('get', CENSUS_GET), ('CTY_CODE', '5700'), ('COMM_LVL', 'HS2'), ('time', time)])}"


def last_month(path: Path) -> str:
    """The latest ``YYYY-MM`` of a raw table with ``year`` and ``month`` columns (rows without a month ignored)."""
    df = read_raw_csv(path, required=["year", "month"]).dropna(subset=["month"])
    latest = max((int(y), int(m)) for y, m in zip(df["year"], df["month"]))
    return f"{latest[0]}-{latest[1]:02d}"


def census_months(client: web.Client, after: str) -> list[str]:
    """The months later than ``after`` (``YYYY-MM``) that the API has published (an HTTP 204 answer: none)."""
    year, month = map(int, after.split("-"))
    first = f"{year + month // 12}-{month % 12 + 1:02d}"
    table = client.get_json(census_query(f"from {first}"), CENSUS_FEED)
    if table is None:
        return []
    if not (isinstance(table, list) and table and isinstance(table[0], list) and "time" in table[0]
            and all(isinstance(r, list) and len(r) == len(table[0]) for r in table[1:])):
        raise web.FeedError(CENSUS_FEED, 200, "HTTP 200 but the answer is not a table with a 'time' column")
    i = table[0].index("time")
    return sorted({r[i] for r in table[1:] if str(r[i]) > after})


def census_rows(client: web.Client, raw_dir: Path, watched_on: date) -> list[dict]:
    """One row per table and month the Census API has published beyond the duties and trade tables."""
    last = {table: last_month(raw_dir / table) for table in (DUTIES, TRADE)}
    rows = []
    for month in census_months(client, min(last.values())):
        for table, latest in last.items():
            if month > latest:
                rows.append({"source": CENSUS_FEED, "published": "", "document_number": month,
                             "title": f"U.S. imports from China by HS chapter for {month} (general imports, imports for consumption, "
                                      f"calculated duty): published; {table} ends {latest}",
                             "url": census_query(month), "raw_table": table, "as_of": latest, "already_cited": False,
                             "matched": "", "watched_on": watched_on.isoformat()})
    return rows


# --- press feeds (RSS) ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PressFeed:
    """A machine-readable press feed (RSS 2.0): its name and URL. Its posts are kept when their title speaks of
    tariffs, duties, imports or trade (``TARIFF_WORDS``) or of an agreement (``DEAL_WORDS``)."""

    name: str
    url: str


PRESS_FEEDS = (
    PressFeed("White House presidential actions", "https://www.whitehouse.gov/presidential-actions/feed/"),
    PressFeed("White House news", "https://www.whitehouse.gov/news/feed/"),
)
PRESS_MAX_PAGES = 50  # WordPress feeds give 10 posts a page (?paged=N): 500 posts a feed at most


def parse_rss(body: bytes, feed: str) -> list[dict]:
    """The items of an RSS 2.0 document: title, link and publication date; a body that is not RSS is malformed."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise web.FeedError(feed, 200, f"HTTP 200 but the body is not XML ({exc})") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise web.FeedError(feed, 200, f"HTTP 200 but the body is not an RSS feed (root element <{root.tag}>)")
    items = []
    for item in channel.findall("item"):
        title, link, when = (item.findtext(k, "").strip() for k in ("title", "link", "pubDate"))
        try:
            published = parsedate_to_datetime(when).date()
        except (TypeError, ValueError):
            raise web.FeedError(feed, 200, f"HTTP 200 but an item has no readable pubDate ({when!r})") from None
        if not (title and link):
            raise web.FeedError(feed, 200, "HTTP 200 but an item lacks its title or link")
        items.append({"title": title, "link": link, "published": published})
    return items


def press_items(client: web.Client, feed: PressFeed, since: date, max_pages: int = PRESS_MAX_PAGES) -> tuple[list[dict], str]:
    """The feed's posts published on or after ``since``, reading older pages (``?paged=N``) until one reaches back
    before ``since`` (a page past the last one answers 404), and a notice: empty, or, when ``max_pages`` pages did not
    reach back to ``since``, how far they did. The page limit keeps the watch polite; the Federal Register, read in
    full, covers the same presidential documents, the feeds being the early word on the newest ones."""
    items: list[dict] = []
    for n in range(1, max_pages + 1):
        url = feed.url if n == 1 else f"{feed.url}?paged={n}"
        if n > 1:
            try:
                answer = client.request(url, accept="application/rss+xml")
            except web.Unreachable as exc:
                raise web.FeedError(feed.name, None, f"no answer ({exc}), so no HTTP status; this command needs internet access") from None
            if answer.status == 404:
                return items, ""  # no older page
            if not answer.ok:
                raise web.FeedError(feed.name, answer.status, f"HTTP {answer.status} from {answer.final_url}")
        else:
            answer = client.fetch(url, feed.name, accept="application/rss+xml")
        page = parse_rss(answer.body, feed.name)
        items += [i for i in page if i["published"] >= since]
        if not page or min(i["published"] for i in page) < since:
            return items, ""
    oldest = min((i["published"] for i in items), default=since)
    return items, (f"{feed.name}: {max_pages} pages read back to {oldest}, not to {since} (the page limit); "
                   "older posts are not listed, the Federal Register rows cover the documents themselves")


def press_rows(client: web.Client, as_of: dict[str, date], cited: dict[str, Cited], watched_on: date,
               feeds=PRESS_FEEDS, max_pages: int = PRESS_MAX_PAGES, notices: list[str] | None = None) -> list[dict]:
    """Watch rows for the trade-related posts of the press feeds published after the earlier as-of date; a feed read
    only part of the way back adds its notice to ``notices``."""
    rows = []
    for feed in feeds:
        items, notice = press_items(client, feed, min(as_of.values()) + timedelta(days=1), max_pages)
        if notice and notices is not None:
            notices.append(notice)
        for item in items:
            tariff_related = bool(TARIFF_WORDS.search(item["title"]))
            for table in concerns(item["title"], item["published"], as_of, tariff_related):
                rows.append({"source": feed.name, "published": item["published"].isoformat(), "document_number": "",
                             "title": item["title"], "url": item["link"], "raw_table": table, "as_of": as_of[table].isoformat(),
                             "already_cited": cited[table].has(url=item["link"]), "matched": "", "watched_on": watched_on.isoformat()})
    return rows


# --- the whole watch --------------------------------------------------------------------------------------------

def run(client: web.Client, params: dict, raw_dir: Path, watched_on: date, max_pages: int = FR_MAX_PAGES,
        feeds=PRESS_FEEDS) -> pd.DataFrame:
    """Ask every feed; return the watch table (``COLUMNS``), sorted, with ``.attrs["notices"]`` (press feeds read
    only part of the way back). Reads ``raw_dir`` only to know what is already cited and where the Census tables end.
    Any feed that fails raises ``web.FeedError`` and nothing is returned."""
    raw_dir = Path(raw_dir)
    as_of = {table: date.fromisoformat(str(params[key])) for table, key in AS_OF_KEY.items()}
    cited = {table: Cited.of(raw_dir / table) for table in AS_OF_KEY}
    notices: list[str] = []
    rows = (federal_register_rows(client, as_of, cited, watched_on, max_pages) + census_rows(client, raw_dir, watched_on)
            + press_rows(client, as_of, cited, watched_on, feeds, notices=notices))
    table = pd.DataFrame(rows, columns=COLUMNS)
    table = table.sort_values(["raw_table", "published", "source", "document_number", "url"], kind="mergesort").reset_index(drop=True)
    table.attrs["notices"] = notices
    return table


def write(table: pd.DataFrame, path: Path) -> bool:
    """Write the watch table to exactly ``path`` (atomically; a hand-run command's output, not the pipeline's)."""
    text = table.assign(**{c: table[c].map(spreadsheet_safe) for c in ("title", "url")}).to_csv(index=False, lineterminator="\n")
    return atomic_write(path, text.encode("utf-8"))


# --- the report's section ---------------------------------------------------------------------------------------

def report_summary(path: Path, params: dict) -> dict:
    """What the report says about the last watch (``path`` absent: that none is recorded). Rows published on or
    before the table's current as-of date are dropped (the as-of date moved since the watch ran), and so are rows
    already cited. Returns ``headline`` (one paragraph) and ``rows`` (published, source, title, url, raw_table)."""
    if not Path(path).is_file():
        return {"headline": "No source watch is recorded for this version (make watch lists the official documents "
                            "published since each table's as-of date; README, \"Keeping it current\").", "rows": [], "more": 0}
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    pending = df[df["already_cited"].str.lower() != "true"]
    census = pending[pending["source"] == CENSUS_FEED]
    docs = pending[pending["source"] != CENSUS_FEED]
    current = docs["raw_table"].map(lambda t: str(params.get(AS_OF_KEY.get(t, ""), "")))
    docs = docs[docs["published"] > current]
    n_fr = docs.loc[docs["source"].str.startswith("Federal Register"), "document_number"].nunique()
    n_press = docs.loc[~docs["source"].str.startswith("Federal Register"), "url"].nunique()
    watched = df["watched_on"].max() if len(df) else ""
    months = sorted(census["document_number"].unique())
    census_text = (f"Census has published {len(months)} month{'s' if len(months) != 1 else ''} of trade data beyond the "
                   f"duties and trade tables (latest {months[-1]})" if months
                   else "no month of Census trade data beyond the duties and trade tables was out")
    headline = (f"{n_fr + n_press} official documents since the as-of date, not yet compiled: {n_fr} in the Federal Register "
                f"and {n_press} White House posts published after the as-of date of the table they may concern "
                f"(source watch of {watched}); {census_text}. A person reads each one, compiles what belongs and cites it; "
                "the list is reports/source_watch.csv.")
    shown = docs.drop_duplicates(["url", "raw_table"]).sort_values(["published", "source"], kind="mergesort")
    safe = shown["url"].where(shown["url"].str.match(r"https?://"), "")
    rows = [{"published": r.published, "source": r.source, "title": r.title, "url": u, "raw_table": r.raw_table}
            for r, u in zip(shown.itertuples(), safe)]
    limit = 60
    return {"headline": headline, "rows": rows[:limit], "more": max(0, len(rows) - limit)}
