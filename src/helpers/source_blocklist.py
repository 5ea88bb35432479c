"""Domains that must never be cited, and the cells that cite them.

Below both ``schemas`` (validation rejects a blocked source) and ``provenance`` (which classifies sources), so that
neither imports the other for it.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd

from . import paths
from .io import Problem, line_of, record_read

BLOCKLIST_FILE = "compilation_notes/source_blocklist.txt"


def blocklist(path=None) -> tuple[str, ...]:
    """Domains that must never be cited (mirrors of leaked documents, scraped copies, content farms, staging hosts,
    encyclopedias, personal repositories), read from ``data/raw/compilation_notes/source_blocklist.txt`` (one domain, or
    domain/path, a line, ``# why``)."""
    path = path or paths.RAW / BLOCKLIST_FILE
    record_read(path)  # validation depends on it: a notebook that validates re-runs when the list changes
    domains = []
    for line in open(path, encoding="utf-8"):
        domain = line.split("#", 1)[0].strip().lower()
        if domain:
            domains.append(domain)
    return tuple(domains)


def blocked_host(url: str, domains: tuple[str, ...]) -> str | None:
    """The blocked entry that ``url`` falls under, or None. An entry is a domain (matching it and any subdomain, the host
    written with or without the trailing dot of an absolute name: ``en.wikipedia.org.``) or a domain with a path
    (``github.com/someone``: that account's pages only, so one personal repository can be blocked while the public
    data copies on the same host stay citable)."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower().rstrip(".").removeprefix("www.")
    path = parsed.path.lower().rstrip("/") + "/"
    for entry in domains:
        domain, _, prefix = entry.partition("/")
        if (host == domain or host.endswith("." + domain)) and (not prefix or path.startswith("/" + prefix.rstrip("/") + "/")):
            return entry
    return None


def blocked_sources(df: pd.DataFrame, domains: tuple[str, ...], all_columns: bool = False) -> list[Problem]:
    """Every cell of a ``source*`` column (or of any column) whose URL is on the blocklist, as ``Problem``."""
    problems = []
    for column in [c for c in df.columns if all_columns or str(c).startswith("source")]:
        for idx, value in df[column].items():
            if not isinstance(value, str):
                continue
            for url in re.findall(r"https?://[^\s,;)\]\"']+", value):
                domain = blocked_host(url, domains)
                if domain:
                    problems.append(Problem(line_of(idx), column, f"cites {domain}, which must never be cited "
                                            f"(see data/raw/{BLOCKLIST_FILE}); cite the official document instead"))
    return problems
