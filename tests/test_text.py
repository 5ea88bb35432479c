"""helpers.text: hidden characters are found in cells and escaped in messages."""

import pytest

from helpers import text
from helpers.io import Problem, RawDataError


@pytest.mark.parametrize("value,index", [
    ("plain text, with punctuation; and ünïcödé", None), ("two\nlines\r\n", None), ("no\u00a0break", None),
    ("nul\x00", 3), ("\x1b[31mred", 0), ("tab\there", 3), ("zero\u200bwidth", 4), ("rtl\u202eoverride", 3),
    ("isolate\u2066", 7), ("line\u2028separator", 4), ("bom\ufeffinside", 3), ("private\ue000use", 7),
])
def test_hidden_character_finds_controls_format_and_separators(value, index):
    assert text.hidden_character(value) == index


def test_line_breaks_are_allowed_only_when_asked():
    assert text.hidden_character("a\nb") is None
    assert text.hidden_character("a\nb", allow=set()) == 1


def test_printable_escapes_exactly_the_hidden_characters():
    assert text.printable("ok \x1b[2K\u200b\nnext ünï") == "ok \\x1b[2K\\u200b\\nnext ünï"
    assert text.printable("nothing to do") == "nothing to do"


def test_a_long_cell_is_shown_around_the_character():
    cell = "x" * 100 + "\x00" + "y" * 100
    problem = text.hidden_character_problem(cell)
    assert problem.startswith("...'" + "x" * 30 + "\\x00" + "y" * 29 + "'... holds a control character (U+0000)")
    assert text.hidden_character_problem("clean") is None


def test_error_messages_never_carry_a_raw_escape_sequence():
    error = RawDataError("data/raw/x.csv", [Problem(2, "partner\x1b[0m", "unknown country 'Chin\x1b[2K\ra: ok'")])
    assert "\x1b" not in str(error) and "\r" not in str(error)
    assert str(error).splitlines()[1] == "  - data/raw/x.csv, line 2, column 'partner\\x1b[0m': unknown country 'Chin\\x1b[2K\\ra: ok'"
