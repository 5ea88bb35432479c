"""Where each fact comes from: classify source URLs as primary (official) or secondary, and count them."""

from __future__ import annotations

import re
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
AGENCY_BULLETINS = re.compile(r"^/accounts/USDHS[A-Z]*/bulletins/")
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
