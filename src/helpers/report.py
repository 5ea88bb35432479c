"""Rendering computed results into notebook text, so no number in the prose is typed by hand."""

from __future__ import annotations

import math

from IPython.display import Markdown, display


def fmt(x: float, digits: int = 1) -> str:
    """A number for prose: fixed digits, 'n/a' for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}f}"


def pct(x: float, digits: int = 0) -> str:
    """A share 0-1 as a percentage for prose."""
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f}%"


def headline(text: str) -> None:
    """Show the notebook's answer as Markdown and print it too, so nbval can check the plain text."""
    display(Markdown(text))
