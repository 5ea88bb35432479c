"""Where each fact comes from: classify source URLs as primary (official) or secondary, and count them."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlparse

import pandas as pd

from .schemas import TableSpec

# Official publishers: governments, their archives and libraries, CRS report copies, intergovernmental
# bodies, and the publication whose figures are being checked. Everything else counts as secondary.
PRIMARY_HOSTS = (
    "ustr.gov", "congress.gov", "everycrsreport.com", "fas.org", "hsdl.org", "federalregister.gov",
    "govinfo.gov", "whitehouse.gov", "archives.gov", "presidency.ucsb.edu", "reaganlibrary.gov",
    "sice.oas.org", "oas.org", "wto.org", "europa.eu", "census.gov", "piie.com", "supremecourt.gov",
    "state.gov", "commerce.gov", "trade.gov", "cbp.gov", "usitc.gov", "treasury.gov", "energy.gov",
    "eia.gov", "apollo.com", "gov.uk", "gc.ca", "canada.ca", "mofa.go.jp", "meti.go.jp", "mofa.go.kr",
    "motie.go.kr", "dfat.gov.au", "mfat.govt.nz", "mti.gov.sg", "seco.admin.ch", "admin.ch",
    # the official archive of defunct US government websites (University of North Texas with the GPO), the Korean
    # government's official portal, and the Reagan Library's former site of the Public Papers
    "webarchive.library.unt.edu", "korea.net", "reagan.utexas.edu",
    # the Government Offices of Iceland, Norway's mission to the WTO, and two intergovernmental bodies
    "stjornarradid.is", "norway-geneva.org", "iadb.org", "caricom.org",
)
# CBP publishes its CSMS messages through GovDelivery: official when the bulletin is CBP's (or another agency's) own
AGENCY_BULLETINS = re.compile(r"^/(accounts/USDHS[A-Z]*/bulletins/|bulletins/gd/USDHS[A-Z]*-)")  # both address forms
# A formal citation of an official document, without a URL: the Federal Register, a statute, a CRS report, a
# presidential document, a WTO document symbol.
OFFICIAL_CITATION = re.compile(r"\b\d+ FR \d+|Federal Register|CRS\b|Public Law|Stat\.|Presidential Memorandum|"
                               r"Public Papers of the Presidents|WTO document WT/|\bWT/[A-Z]+/")
_GOV = re.compile(r"(^|\.)(gov|gob|gouv|govt|go|gv)(\.[a-z]{2})?$")


def source_kind(source: str | None) -> str | None:
    """'primary' for an official publisher's URL (or a document citation such as '69 FR 12345'), else 'secondary'.

    None for an empty source. A GitHub copy of official statistics counts as 'secondary' (a copy).
    """
    if source is None or (isinstance(source, float) and pd.isna(source)) or str(source).strip() == "":
        return None
    text = str(source).strip()
    first = text.split()[0].rstrip(";,")
    if not first.lower().startswith(("http://", "https://")):
        return "primary" if OFFICIAL_CITATION.search(text) else "secondary"
    url = urlparse(first)
    host = (url.hostname or "").lower().rstrip(".").removeprefix("www.")  # 'ustr.gov.' is ustr.gov
    if any(host == h or host.endswith("." + h) for h in PRIMARY_HOSTS) or _GOV.search(host):
        return "primary"
    if host == "content.govdelivery.com" and AGENCY_BULLETINS.match(url.path):
        return "primary"
    return "secondary"


def source_counts(df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """For each sourced fact column: how many values are present, and how many cite primary / secondary sources."""
    rows = []
    for fact, source in spec.sourced.items():
        present = df[fact].notna()
        kinds = df.loc[present, source].map(source_kind)
        rows.append({"column": fact, "present": int(present.sum()), "missing": int((~present).sum()),
                     "primary": int((kinds == "primary").sum()), "secondary": int((kinds == "secondary").sum())})
    return pd.DataFrame(rows)


# --- Is a source about its row's event? (issue 22: a test samples this) ------------------------------------------------
_WORD = re.compile(r"[a-z0-9]+")
_NUMBERS = re.compile(r"\b(?:\d{4}-\d{4,5}|\d{2}-\d{1,5}|\d{5})\b")  # FR documents, court dockets/slip opinions, EO/proclamation numbers


def _words(text: str) -> list[str]:
    return _WORD.findall(str(text).lower())


def event_tokens(*cells) -> set[str]:
    """What identifies an event in the text of its row: instrument, FR document and docket numbers, and the partners'
    names as slugs (``south-korea``), from the given cells (instrument, FR citation, partners, title ...)."""
    tokens = set()
    for cell in cells:
        if not isinstance(cell, str) or not cell.strip():
            continue
        tokens |= set(_NUMBERS.findall(cell))
    return tokens


def slug(text: str) -> str:
    """``text`` as a URL slug: lower case words joined by hyphens (``South Korea`` -> ``south-korea``)."""
    return "-".join(_words(text))


def names_event(source: str, tokens: set[str], title: str | None = None) -> bool:
    """True when a source cell names its event: one of ``tokens`` (numbers or slugs) appears in it, or the cited
    page's address carries the title's words (the slug of an official page is made from its title)."""
    text = str(source).lower()
    flat = "-".join(_words(text))
    if any(t.lower() in text or (("-" in t or t.isalpha()) and f"-{t.lower()}-" in f"-{flat}-") for t in tokens):
        return True
    if title:
        words = [w for w in _words(title) if len(w) > 3]
        return bool(words) and sum(w in flat for w in words) >= max(2, int(0.6 * len(words)))
    return False


def other_country_named(source: str, partners: list[str]) -> str | None:
    """A country the source's addresses name in their path when none of ``partners`` is named there (a page about
    another country), or None. Countries other than the United States are matched as whole slug words of their short
    names; a partner counts as named by its name or the start of a word derived from it ('canadian', 'mexicos')."""
    from .countries import UnknownCountryError, partner_code

    paths = " ".join(urlparse(u).path for u in re.findall(r"https?://[^\s,;)\]\"']+", str(source)))
    flat = f"-{slug(paths)}-"
    if flat == "--":
        return None
    mine = set()
    for partner in partners:
        mine.add(slug(partner))
        try:
            mine |= {slug(n) for n in _names_of(partner_code(partner))}
        except UnknownCountryError:
            pass
    words = flat.strip("-").split("-")
    for name in filter(None, mine):
        stem = name if "-" in name else name[:-1]  # canada -> canad(ian), mexico -> mexic(os)
        if f"-{name}-" in flat or (len(stem) >= 4 and any(w.startswith(stem) for w in words)):
            return None
    for name in _all_country_names():
        if f"-{slug(name)}-" in flat and slug(name) not in mine:
            return name
    return None


@lru_cache(maxsize=512)
def _names_of(code: str) -> frozenset[str]:
    from .countries import _converter

    return frozenset(str(_converter().convert(code, src="ISO3", to=t, not_found="")) for t in ("name_short", "name_official")) - {""}


_COUNTRY_NAMES: list[str] = []


def _all_country_names() -> list[str]:
    """Short names of every country (country_converter), longest first so 'South Africa' is found before 'Africa'."""
    if not _COUNTRY_NAMES:
        from .countries import _converter

        names = set(_converter().data["name_short"].dropna().astype(str)) - {"United States"}
        _COUNTRY_NAMES.extend(sorted(names, key=lambda n: (-len(n), n)))
    return _COUNTRY_NAMES
