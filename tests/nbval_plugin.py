"""pytest plugin for `make nbval`: a changed headline reads "expected X, got Y" instead of a raw diff.

nbval compares each cell marked `# NBVAL_CHECK_OUTPUT` as ``reference_output == test_output`` and asks pytest to
explain the difference; pytest's generic diff marks the stored value with `+` and the new one with `-`, under the
heading "Notebook cell execution failed". This plugin answers that question with the changed lines and the changed
numbers or words in each, stored (expected) first, and renames the heading.
"""

from __future__ import annotations

import difflib
import re

TOKEN = re.compile(r"-?\d[\d,]*(?:\.\d+)?%?|\w+|[^\w\s]")


def changed_tokens(expected: str, got: str) -> list[str]:
    """The runs of tokens (numbers, words, symbols) that differ between two lines, as "expected X, got Y"."""
    a, b = TOKEN.findall(expected), TOKEN.findall(got)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(f"expected {' '.join(a[i1:i2]) or '(nothing)'}, got {' '.join(b[j1:j2]) or '(nothing)'}")
    return out


def explain(expected: str, got: str, context: int = 60) -> list[str]:
    """Lines for a failing comparison of a stored output with this run's output."""
    lines = ["checked output changed (expected = stored in the notebook, got = this run):"]
    old, new = expected.splitlines(), got.splitlines()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            e = old[i1 + k] if i1 + k < i2 else ""
            g = new[j1 + k] if j1 + k < j2 else ""
            start = max(0, next((n for n, (x, y) in enumerate(zip(e, g)) if x != y), min(len(e), len(g))) - context)
            lines.append(f"  line {i1 + k + 1}: " + "; ".join(changed_tokens(e, g)))
            lines.append(f"    expected: {'…' if start else ''}{e[start:start + 2 * context]}")
            lines.append(f"    got:      {'…' if start else ''}{g[start:start + 2 * context]}")
    return lines


def pytest_assertrepr_compare(config, op, left, right):
    if op == "==" and isinstance(left, str) and isinstance(right, str) and left != right:
        return explain(left, right)
    return None


def pytest_runtest_makereport(item, call):
    """Rename nbval's heading when the cell ran and only its output differs."""
    if call.when != "call" or call.excinfo is None or "Cell outputs differ" not in str(call.excinfo.value):
        return
    original = item.repr_failure

    def repr_failure(excinfo, _original=original):
        return _original(excinfo).replace("Notebook cell execution failed", "A checked output changed", 1)

    item.repr_failure = repr_failure
