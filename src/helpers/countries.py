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
    "ITA expansion participants": "ITAP",  # not ITA: that is Italy's ISO3 code
    "ITA participants": "ITAP",
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


# Spellings our raw tables use that are neither country_converter's short nor its official name. A new spelling is
# added here, on purpose, never matched by a pattern: the one place for aliases.
ALIASES: dict[str, str] = {
    "Brunei": "BRN",
    "Taiwan (under AIT/TECRO auspices)": "TWN",
}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every exact name a partner may be given -> its code: country_converter's short and official names, ISO3 codes,
    and ``ALIASES``."""
    data = _converter().data
    names: dict[str, str] = {}
    for column in ("ISO3", "name_official", "name_short"):  # later columns win where two countries share a name
        names.update({str(n): str(code) for n, code in zip(data[column], data["ISO3"]) if isinstance(n, str)})
    return {**names, **ALIASES}


def _group_code(name: str) -> str | None:
    """The code of a group named by its prefix alone or followed by a note in brackets ('FTAA participants (34)')."""
    for prefix, code in GROUP_PREFIXES.items():
        if name == prefix or (name.startswith(prefix + " (") and name.endswith(")")):
            return code
    return None


@lru_cache(maxsize=1024)
def partner_code(name: str) -> str:
    """ISO3 code of a country, or the code of a bloc or group, from its exact name; raises ``UnknownCountryError``.

    Exact means a bloc of ``BLOCS``, a group of ``GROUP_PREFIXES`` (the prefix, optionally with a note in brackets),
    an ``ALIASES`` spelling, country_converter's short or official name, or an ISO3 code, letter for letter: a name
    that merely contains a country ('Narnia Japan'), another case ('CHINA') or an invisible character is unknown, so
    a join by code can never silently miss or gain a partner.
    """
    if name is None or str(name).strip() == "":
        raise UnknownCountryError("empty partner name")
    name = str(name).strip()
    if name in BLOCS:
        return BLOCS[name][0]
    group = _group_code(name)
    if group is not None:
        return group
    code = _names().get(name)
    if code is not None:
        return code
    guess = match_country_code(name)
    if guess is None:
        raise UnknownCountryError(f"unknown country '{name}' (add it to helpers.countries.BLOCS if it is a bloc)")
    spelled = _converter().convert(guess, src="ISO3", to="name_short", not_found=None)
    raise UnknownCountryError(f"unknown country '{name}': not a name or code letter for letter (did you mean '{spelled}', "
                              f"{guess}? a new spelling of a partner goes in helpers.countries.ALIASES)")


def match_country_code(name: str) -> str | None:
    """ISO3 code of the country whose name pattern (country_converter's regular expressions) ``name`` matches, or
    None. For names as an official export spells them (the Census country file), never for our own tables: a
    pattern also matches a name that only contains a country's ('Narnia Japan' gives JPN)."""
    code = _converter().convert(str(name).strip(), to="ISO3", not_found=None)
    return code if isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code) and code != str(name).strip() else None


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
