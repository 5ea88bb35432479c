"""reports/explorer.html in a real browser: headless Chromium renders it, and every expected mark is drawn.

Expected counts come from the data (data/processed/negotiations.csv, data/raw/deal_documents_2025_2026.csv, the
tariff actions), never typed. Skipped, saying what to install, where no Chromium or Chrome is on PATH.
Run alone with: .venv/bin/python -m pytest tests/test_explorer_browser.py -v
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import tariffs
from helpers.execution import input_path
from helpers.paths import PROCESSED, RAW, REPORTS

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def explorer() -> Path:
    """The page under test: under `make test`, the checked run's copy (tests marked ``outputs``)."""
    return input_path(REPORTS / "explorer.html")


def browser() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    pytest.skip("no headless browser: install Chromium (Debian/Ubuntu: `apt-get install chromium`) or Google Chrome "
                f"so that one of {', '.join(BROWSERS)} is on PATH, to run the explorer's browser test")


def render(page: Path, fragment: str = "") -> tuple[str, list[str]]:
    """The DOM of ``page`` after its scripts ran, and the browser's console errors and uncaught exceptions."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser(), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom",
             page.resolve().as_uri() + fragment],
            capture_output=True, text=True, timeout=180, check=False)
    errors = [line for line in done.stderr.splitlines()
              if "Uncaught" in line or ("CONSOLE" in line and ("ERROR" in line or "Error" in line))]
    assert done.returncode == 0 and "<body" in done.stdout, f"the browser failed:\n{done.stderr[-2000:]}"
    return done.stdout, errors


def marks(dom: str) -> tuple[dict[str, int], list[int]]:
    """Points drawn per scatter trace (by its uid), and bars drawn per bar trace of the negotiation timeline, in order."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(dom, "html.parser")
    scatter = {}
    for g in soup.select("g.trace.scatter"):
        uid = next(c[len("trace"):] for c in g["class"] if c.startswith("trace") and c != "trace")
        scatter[uid] = len(g.select("path.point"))
    plot = soup.select_one("#timeline g.cartesianlayer g.subplot.xy g.barlayer")
    bars = [len(g.select("g.point")) for g in plot.select("g.trace.bars")] if plot else []
    return scatter, bars


def expected() -> tuple[dict[str, int], list[int]]:
    neg = pd.read_csv(input_path(PROCESSED / "negotiations.csv"), dtype=str)
    docs = pd.read_csv(RAW / "deal_documents_2025_2026.csv", dtype=str)
    dated = docs[docs["date"].notna() | docs["date_by"].notna()]
    by = dated["instrument"].value_counts()
    path = tariffs.rate_path(*tariffs.load_record(), "China")
    signed = neg["outcome"] == "signed"
    scatter = {
        "pt-launch": int(neg["launch"].notna().sum()), "pt-signed": int(neg["signed"].notna().sum()),
        "pt-in-force": int(neg["entered_into_force"].notna().sum()),
        "pt-ended": int(((neg["outcome"] == "ended") & neg["ended"].notna()).sum()),
        "deal-announcement": int(by.get("announcement", 0)),
        "deal-text": int(sum(by.get(i, 0) for i in ("joint_statement", "framework", "nonbinding_memorandum"))),
        "deal-binding": int(by.get("binding_agreement", 0)), "deal-order": int(by.get("implementing_order", 0)),
        "pt-tariff": len(path),
    }
    dated = signed & neg["signed"].notna()  # a row counted as signed by its conclusion (ITA) has no signing day to start a bar
    bars = [int(signed.sum()), int((neg["outcome"] == "ended").sum()), int((neg["outcome"] == "open").sum()),
            int((dated & neg["entered_into_force"].notna()).sum()), int((signed & neg["entered_into_force"].isna()).sum())]
    return scatter, [b for b in bars if b]  # a trace with no bars draws no group


@pytest.fixture(scope="module")
def rendered():
    if not explorer().is_file():
        pytest.fail("reports/explorer.html is missing: run `make all` first")
    return render(explorer())


@pytest.mark.outputs
def test_every_negotiation_deal_document_and_tariff_change_is_drawn(rendered):
    dom, _ = rendered
    scatter, bars = marks(dom)
    want_scatter, want_bars = expected()
    assert {k: scatter.get(k) for k in want_scatter} == want_scatter
    assert bars == want_bars
    assert scatter["pt-launch"] == len(pd.read_csv(input_path(PROCESSED / "negotiations.csv"))) > 40


@pytest.mark.outputs
def test_the_tariff_layers_are_drawn(rendered):
    dom, _ = rendered
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(dom, "html.parser")
    path = tariffs.rate_path(*tariffs.load_record(), "China")
    layers = [m for m in tariffs.HEADLINE_LAYERS if path[m].any()]
    for layer in layers:
        line = soup.select_one(f"#tariffs g.trace.scatter.tracelayer-{layer} path.js-line")
        assert line is not None and len(line.get("d", "")) > 20, f"no line drawn for the {layer} layer"
    fills = [p for p in soup.select("#tariffs path.js-fill") if len(p.get("d", "")) > 20]
    assert len(fills) == len(layers), "one filled area per legal authority"


@pytest.mark.outputs
def test_no_console_errors(rendered):
    _, errors = rendered
    assert not errors, "JavaScript errors in reports/explorer.html:\n" + "\n".join(errors)


@pytest.mark.outputs
def test_a_filter_in_the_link_shows_only_the_matching_negotiations():
    dom, errors = render(explorer(), "#outcome=ended")
    assert not errors
    neg = pd.read_csv(input_path(PROCESSED / "negotiations.csv"), dtype=str)
    ended = neg[neg["outcome"] == "ended"]
    scatter, bars = marks(dom)
    assert scatter["pt-launch"] == len(ended) < len(neg)
    assert scatter["pt-ended"] == ended["ended"].notna().sum()
    assert scatter.get("pt-signed", 0) == 0 and scatter.get("pt-in-force", 0) == 0
    assert sum(bars) == len(ended)
    assert f"{len(ended)} of {len(neg)} negotiations shown" in dom


def test_the_checks_catch_a_page_that_fails(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>")
    dom, errors = render(page)
    assert errors, "an uncaught exception must be reported"
    assert marks(dom) == ({}, [])
