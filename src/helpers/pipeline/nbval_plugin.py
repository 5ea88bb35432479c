"""pytest plugin for nbval in `make test`: nbval's execution of a notebook is the checked run, and a changed
headline reads "expected X, got Y".

`make test` (``helpers.pipeline.check``) runs nbval once per notebook, in a kernel whose environment puts it in the
checked run (``helpers.execution``: reads and writes in ``build/checked``, logged), on the notebook as papermill
parameterised it. When the notebook has run, this plugin stages its executed copy, assembled from the outputs nbval
received, and notes the outcome (``ok``, ``differs``: it ran but a checked output changed, ``failed``) in
``<stage>/.checked/<notebook>.json``: ``accept`` takes the checked outputs from there, and `make test` publishes the
run's outputs when every test has passed.

nbval compares each cell marked ``# NBVAL_CHECK_OUTPUT`` as ``reference_output == test_output`` and asks pytest to
explain the difference; this plugin answers with the changed lines and the changed numbers or words in each, stored
(expected) first, and renames nbval's heading.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

from ..execution import NOTEBOOK_ENV, STAGE_ENV

if os.environ.get(STAGE_ENV):  # loaded before nbval in the checked run: nbval imports nbformat
    from . import skip_slow_imports

    skip_slow_imports()

TOKEN = re.compile(r"-?\d[\d,]*(?:\.\d+)?%?(?!\w)|\w+|[^\w\s]")  # a number, a word (a hash such as 126aabc1 is one), a symbol
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
OUTCOMES = ".checked"  # in the stage: one JSON file per notebook checked
OUTPUTS_DIFFER = "Cell outputs differ"  # nbval's message when a cell ran and only its checked output changed


def plain(text: str) -> str:
    """``text`` without terminal colour codes (logs are read in files and CI pages)."""
    return ANSI.sub("", text)


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


_failures: dict[str, list[str]] = {}  # notebook -> what went wrong in each failing cell, in order


def pytest_runtest_makereport(item, call):
    """Note each failing cell (output changed, or the cell raised), and rename nbval's heading for a changed output."""
    if call.when != "call" or call.excinfo is None or not hasattr(item, "cell_num"):
        return
    message = str(call.excinfo.value)
    raised = [line for line in plain(getattr(call.excinfo.value, "inner_traceback", None) or "").splitlines() if line.strip()]
    if OUTPUTS_DIFFER not in message and raised:
        message = raised[-1].strip()  # the exception and its message, e.g. "RawDataError: data/raw/x.csv: 1 problem(s)"
    _failures.setdefault(item.parent.path.name, []).append(f"Cell {item.cell_num}: {message}")
    if OUTPUTS_DIFFER not in message:
        return
    original = item.repr_failure

    def repr_failure(excinfo, _original=original):
        return _original(excinfo).replace("Notebook cell execution failed", "A checked output changed", 1)

    item.repr_failure = repr_failure


def outcome(failures: list[str]) -> str:
    """``ok``, ``differs`` (every failing cell ran and only its checked output changed) or ``failed``."""
    if not failures:
        return "ok"
    return "differs" if all(OUTPUTS_DIFFER in f for f in failures) else "failed"


def executed_notebook(items):
    """The notebook nbval ran, with the outputs it received in each code cell (``items``: its cells, in order)."""
    import copy

    nb = copy.deepcopy(items[0].parent.nb)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for count, item in enumerate(items, start=1):
        cell = cells[item.cell_num]
        cell.outputs = list(item.test_outputs or [])
        cell.execution_count = count if item.test_outputs is not None else None
    return nb


def pytest_sessionfinish(session, exitstatus):
    """In the checked run, stage the executed copy of each notebook nbval ran and note its outcome."""
    stage, name = os.environ.get(STAGE_ENV), os.environ.get(NOTEBOOK_ENV)
    items = [i for i in session.items if hasattr(i, "cell_num")]
    if not (stage and name and items):
        return
    from .stage import write_executed

    failures = _failures.get(items[0].parent.path.name, [])
    write_executed(Path(stage), name, executed_notebook(items))
    record = Path(stage) / OUTCOMES / f"{name}.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"outcome": outcome(failures), "failures": failures}), encoding="utf-8")
