"""Partner names -> codes: ISO3 for countries (country_converter), explicit codes for blocs and groups."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

# Blocs and groups are not countries: each keeps a clear code and, where the analysis needs trade
# weights, the ISO3 codes of its members. "EUU" follows the World Bank's code for the European Union.
BLOCS: dict[str, tuple[str, tuple[str, ...]]] = {
    "European Union": ("EUU", ()),
    "Southern African Customs Union": ("SACU", ("ZAF", "BWA", "LSO", "NAM", "SWZ")),
    "Switzerland and Liechtenstein": ("CHE+LIE", ("CHE", "LIE")),
}
# Names that start with these prefixes are multi-country groups with no single trade weight.
GROUP_PREFIXES: dict[str, str] = {
    "FTAA participants": "FTAA",
    "TiSA participants": "TISA",
    "IPEF partners": "IPEF",
    "EGA participants": "EGA",
    "ACTA negotiating parties": "ACTA",
    "ITA expansion participants": "ITA",
    "ITA participants": "ITA",
    "GPA parties": "GPA",
    "JSI e-commerce participants": "JSIE",
}
WORLD = "WLD"


class UnknownCountryError(ValueError):
    """A partner name that neither country_converter nor the bloc table recognises."""


@lru_cache(maxsize=1)
def _converter():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)  # we raise our own error instead
    return coco.CountryConverter()


@lru_cache(maxsize=1024)
def partner_code(name: str) -> str:
    """ISO3 code of a country name, or the bloc code of a bloc/group; raises ``UnknownCountryError``."""
    if name is None or str(name).strip() == "":
        raise UnknownCountryError("empty partner name")
    name = str(name).strip()
    if name in BLOCS:
        return BLOCS[name][0]
    for prefix, code in GROUP_PREFIXES.items():
        if name.startswith(prefix):
            return code
    code = _converter().convert(name, to="ISO3", not_found=None)
    if not isinstance(code, str) or code == name or not re.fullmatch(r"[A-Z]{3}", code):
        raise UnknownCountryError(f"unknown country '{name}' (add it to helpers.countries.BLOCS if it is a bloc)")
    return code


@lru_cache(maxsize=1024)
def is_known_code(code: str) -> bool:
    """True for an ISO3 country code country_converter knows, ``WLD`` (the world) or a bloc or group code."""
    if code == WORLD or is_bloc(code):
        return True
    return isinstance(code, str) and _converter().convert(code, src="ISO3", to="ISO3", not_found="?") == code


def is_bloc(code: str) -> bool:
    """True for a bloc or group code (not a single country)."""
    return code in {c for c, _ in BLOCS.values()} or code in GROUP_PREFIXES.values()


def members(code: str) -> tuple[str, ...]:
    """ISO3 codes whose trade makes up ``code``: itself for a country, the members for a bloc (may be empty)."""
    for bloc_code, bloc_members in BLOCS.values():
        if code == bloc_code:
            return bloc_members or (code,)
    if code in GROUP_PREFIXES.values():
        return ()
    return (code,)
