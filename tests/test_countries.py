"""Partner names are matched exactly: a known name, alias or code, never a pattern that a longer name contains."""

import pytest

from helpers import countries


@pytest.mark.parametrize("name,code", [
    ("China", "CHN"), ("People's Republic of China", "CHN"), ("CHN", "CHN"),  # short name, official name, code
    ("South Korea", "KOR"), ("Republic of Korea", "KOR"), ("Côte d'Ivoire", "CIV"),
    ("Brunei", "BRN"), ("Taiwan (under AIT/TECRO auspices)", "TWN"),  # ALIASES: spellings our tables use
    ("Switzerland and Liechtenstein", "CHE+LIE"), ("European Union", "EUU"),  # blocs
    ("IPEF partners", "IPEF"), ("FTAA participants (33 Western Hemisphere countries)", "FTAA"),  # groups, with a note
    ("  Japan ", "JPN"),  # surrounding spaces are not part of a name (read_raw_csv strips them too)
])
def test_exact_names_aliases_and_codes(name, code):
    assert countries.partner_code(name) == code


@pytest.mark.parametrize("name,guess", [
    ("Narnia Japan", "'Japan', JPN"),  # contains a country's name: the old pattern match took it for Japan
    ("CHINA", "'China', CHN"),  # another case
    ("China\u200b", "'China', CHN"),  # an invisible character
    ("Korea", "'South Korea', KOR"),  # ambiguous (North or South): a pattern picked one
    ("Annex I partners except China", "'China', CHN"),  # a group that names a country
])
def test_a_name_that_only_resembles_a_country_is_unknown_with_a_suggestion(name, guess):
    with pytest.raises(countries.UnknownCountryError, match=rf"unknown country .*not a name or code letter for letter "
                                                           rf"\(did you mean {guess}\? a new spelling .*ALIASES\)"):
        countries.partner_code(name)


@pytest.mark.parametrize("name", ["Narnia", "FTAA participantsX", "IPEF partners and friends", "", None])
def test_unknown_names(name):
    with pytest.raises(countries.UnknownCountryError, match="unknown country|empty partner name"):
        countries.partner_code(name)


def test_every_alias_is_needed_and_resolves():
    """An alias that country_converter already knows exactly would be a second place for the same name."""
    exact = {**countries._names(), **{k: None for k in countries.ALIASES}}
    for alias, code in countries.ALIASES.items():
        assert countries.is_known_code(code), alias
        assert alias in exact
        data = countries._converter().data
        assert alias not in set(data["name_short"]) | set(data["name_official"]), f"{alias} needs no alias"


def test_official_export_names_are_matched_by_pattern_only_on_request():
    """The Census file spells names its own way ('Korea, South' is an override there): ``match_country_code`` matches
    patterns and is for official exports only; ``partner_code`` never does."""
    assert countries.match_country_code("Bahamas, The") == "BHS"
    assert countries.match_country_code("Narnia") is None
    with pytest.raises(countries.UnknownCountryError):
        countries.partner_code("Bahamas, The")
