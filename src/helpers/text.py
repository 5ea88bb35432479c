"""Characters that have no place in a table cell or a terminal: find them in raw cells, escape them in messages.

NUL and the other control characters, zero-width and other invisible format characters, bidirectional overrides
(which make ``https://evil.test/gov.ustr`` read as another address) and line or paragraph separators can hide,
reorder or forge text; a terminal escape sequence in a printed message can redraw the screen.
"""

from __future__ import annotations

import unicodedata

HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co"}  # control, format (zero-width, bidi), separators, private use
LINE_BREAKS = {"\n", "\r"}  # allowed inside a cell: a note may span lines


def hidden_character(value: str, allow: set[str] = frozenset(LINE_BREAKS)) -> int | None:
    """Index of the first control, invisible, bidirectional or separator character of ``value`` (line breaks
    allowed unless ``allow`` says otherwise), or None."""
    if "\n" in allow and "\r" in allow and value.replace("\n", "").replace("\r", "").isprintable():
        return None  # the usual case, decided in C: printable text holds none of these categories
    return next((i for i, ch in enumerate(value) if ch not in allow and unicodedata.category(ch) in HIDDEN_CATEGORIES),
                None)


def describe(ch: str) -> str:
    """'ZERO WIDTH SPACE (U+200B)'; for a control character without a name, 'a control character (U+001B)'."""
    return f"{unicodedata.name(ch, 'a control character')} (U+{ord(ch):04X})"


def printable(text: str) -> str:
    """``text`` with every control, invisible, bidirectional and separator character escaped as Python writes it in
    a string (``\\x1b``, ``\\u200b``, ``\\n``): safe to print on a terminal, and one message stays one line."""
    if hidden_character(text, allow=set()) is None:
        return text
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in HIDDEN_CATEGORIES else ch for ch in text)


def hidden_character_problem(value: str) -> str | None:
    """What is wrong with a raw cell holding a hidden character, showing the cell's ``repr`` (around the character
    when the cell is long), or None for a clean cell."""
    i = hidden_character(value)
    if i is None:
        return None
    shown = repr(value) if len(value) <= 80 else ("..." if i > 30 else "") + repr(value[max(0, i - 30):i + 30]) + "..."
    return (f"{shown} holds {describe(value[i])}, which can hide or reorder text: delete it (retype the cell if "
            "you cannot see it)")
