"""The link check: every URL cited in ``data/raw/`` (its file, line and column), whether it still answers, and for a
dead one the closest copy the Internet Archive holds (`make check-links` writes ``reports/link_check.csv``). It never
edits a source cell: a person decides whether to cite the archived copy (rule S of ``data/raw/README.md``).
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pandas as pd

from . import web
from .io import atomic_write, spreadsheet_safe

COLUMNS = ["file", "line", "column", "url", "status", "final_url", "verdict", "archived_url", "archived_at"]
SCANNED = (".csv", ".md")  # the tables and the compilation notes; source_blocklist.txt lists hosts never to cite
ARCHIVE_API = "https://archive.org/wayback/available"
ARCHIVE_FEED = "Internet Archive availability API"
# Where a cited page was read: the closest archived copy to the table's as-of date is the best stand-in for it.
AS_OF_BY_FILE = {"negotiations.csv": "as_of_negotiations", "deal_documents_2025_2026.csv": "as_of_deals",
                 "deal_partners_2025.csv": "as_of_deals", "tariff_actions.csv": "as_of_tariffs", "wto_rta.csv": "as_of_wto"}
DEAD_STATUSES = frozenset({404, 410})
BLOCKED_STATUSES = frozenset({401, 403, 429})
# Resolver messages (Linux, macOS, Windows) that mean the host no longer exists, as opposed to a network that is down.
HOST_GONE = ("Name or service not known", "nodename nor servname", "getaddrinfo failed", "No address associated")


def cited_urls(raw_dir: Path) -> pd.DataFrame:
    """One row per URL occurrence in the raw folder: ``file`` (relative to ``raw_dir``), ``line`` (physical line,
    a cell spanning lines counted), ``column`` (the CSV column's name; in a Markdown note, ``char N`` on the line),
    ``url``."""
    raw_dir = Path(raw_dir)
    rows = []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file() and p.suffix in SCANNED):
        name = path.relative_to(raw_dir).as_posix()
        text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        if path.suffix == ".md":
            for number, line in enumerate(text.splitlines(), start=1):
                rows += [{"file": name, "line": number, "column": f"char {offset + 1}", "url": url} for offset, url in web.find_urls(line)]
            continue
        reader = csv.reader(_io.StringIO(text, newline=""))
        header, start = None, 1
        for row in reader:
            if header is None:
                header = row
            else:
                for i, cell in enumerate(row):
                    column = header[i] if i < len(header) else f"field {i + 1}"
                    rows += [{"file": name, "line": start + cell[:offset].count("\n"), "column": column, "url": url}
                             for offset, url in web.find_urls(cell)]
            start = reader.line_num + 1
    return pd.DataFrame(rows, columns=["file", "line", "column", "url"])


def check_url(client: web.Client, url: str) -> dict:
    """HEAD the URL, falling back to GET (first 64 KB) when HEAD is refused or fails; the verdict: ``ok`` (2xx,
    after redirects), ``dead`` (404 or 410, or a host that no longer resolves), ``blocked`` (401, 403, or 429 after
    retries: the server refuses robots, a person should try a browser), ``error`` (anything else: 5xx after
    retries, a timeout, a refused connection). ``status`` is the final HTTP status, or ``no answer: reason``."""
    answer, reason = None, ""
    try:
        answer = client.request(url, "HEAD")
    except web.Unreachable as exc:
        reason = str(exc)
    if answer is None or not answer.ok:
        try:
            answer = client.request(url, "GET", headers={"Range": "bytes=0-65535"})
        except web.Unreachable as exc:
            if answer is None:  # neither HEAD nor GET got an answer
                gone = any(s in f"{exc} {reason}" for s in HOST_GONE)
                return {"status": f"no answer: {exc}", "final_url": "", "verdict": "dead" if gone else "error"}
    status = answer.status
    verdict = ("ok" if answer.ok else "dead" if status in DEAD_STATUSES else "blocked" if status in BLOCKED_STATUSES else "error")
    return {"status": str(status), "final_url": answer.final_url, "verdict": verdict}


def closest_archived(client: web.Client, url: str, when: date) -> tuple[str, str]:
    """(archived URL, its date ``YYYY-MM-DD``) of the Internet Archive copy closest to ``when``, or ("", "") if it
    holds none. An API failure or an answer not of the documented shape raises ``web.FeedError``."""
    query = f"{ARCHIVE_API}?{urlencode({'url': url, 'timestamp': when.strftime('%Y%m%d')})}"
    answer = client.get_json(query, ARCHIVE_FEED)
    if not isinstance(answer, dict) or not isinstance(answer.get("archived_snapshots"), dict):
        raise web.FeedError(ARCHIVE_FEED, 200, "HTTP 200 but the answer has no 'archived_snapshots'")
    closest = answer["archived_snapshots"].get("closest") or {}
    if not closest.get("available") or not closest.get("url"):
        return "", ""
    stamp = str(closest.get("timestamp", ""))
    archived = str(closest["url"]).replace("http://web.archive.org/", "https://web.archive.org/", 1)
    return archived, (f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if len(stamp) >= 8 else "")


def as_of_for(file: str, params: dict) -> date:
    """The as-of date of the table a file belongs to (the report's for the compilation notes and other tables)."""
    return date.fromisoformat(str(params[AS_OF_BY_FILE.get(Path(file).name, "as_of_report")]))


def check_all(client: web.Client, occurrences: pd.DataFrame, params: dict, workers: int = 4, probe: int = 5,
              progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Check each distinct URL once (``workers`` hosts at a time, one host's URLs in turn, so the client's per-host
    delay spaces them), look up an archived copy of each dead one, and return one row per occurrence (``COLUMNS``).

    The first URLs of the first ``probe`` hosts are checked alone first: if none of them gets any HTTP answer, the
    network is taken to be down and ``web.FeedError`` stops the check rather than reporting every link dead."""
    urls = list(dict.fromkeys(occurrences["url"]))
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    results: dict[str, dict] = {}
    firsts = [host_urls[0] for host_urls in list(by_host.values())[:probe]]
    for url in firsts:
        results[url] = check_url(client, url)
    if firsts and all(r["status"].startswith("no answer") for r in results.values()):
        reason = results[firsts[0]]["status"].removeprefix("no answer: ")
        raise web.FeedError("the cited hosts", None, f"none of the first {len(firsts)} hosts answered ({reason}), so no HTTP "
                                                     "status; this command needs internet access")

    def host_task(host_urls: list[str]) -> None:
        for url in host_urls:
            if url not in results:
                results[url] = check_url(client, url)
        if progress:
            progress(f"{urlsplit(host_urls[0]).netloc}: {len(host_urls)} URL(s)")

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(host_task, by_host.values()))

    table = occurrences.copy()
    checked = pd.DataFrame([{"url": u, **results[u]} for u in urls], columns=["url", "status", "final_url", "verdict"])
    table = table.merge(checked, on="url", how="left")
    archived: dict[tuple[str, date], tuple[str, str]] = {}
    for row in table[table["verdict"] == "dead"].itertuples():
        key = (row.url, as_of_for(row.file, params))
        if key not in archived:
            archived[key] = closest_archived(client, *key)
    table["archived_url"] = [archived.get((r.url, as_of_for(r.file, params)), ("", ""))[0] if r.verdict == "dead" else ""
                             for r in table.itertuples()]
    table["archived_at"] = [archived.get((r.url, as_of_for(r.file, params)), ("", ""))[1] if r.verdict == "dead" else ""
                            for r in table.itertuples()]
    return table[COLUMNS].sort_values(["file", "line", "column", "url"], kind="mergesort").reset_index(drop=True)


def write(table: pd.DataFrame, path: Path) -> bool:
    """Write the link check to exactly ``path`` (atomically; a hand-run command's output, not the pipeline's)."""
    text = table.assign(**{c: table[c].map(spreadsheet_safe) for c in ("url", "final_url", "archived_url", "status")})
    return atomic_write(path, text.to_csv(index=False, lineterminator="\n").encode("utf-8"))
