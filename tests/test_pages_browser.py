"""What reaches a reader's page, in a real browser (headless Chromium, ``tests/headless.py``), at 1280 px and on a
400 px phone:

- markup in any name column (agreement, partner, document title, legal authority, claim quote, ...) shows as text and
  never becomes an element, and deceptive source URLs never open on click (the pages are built here, from the
  processed tables with payloads injected, by the same helpers the notebooks use);
- the explorer and the report fit their viewport: plots, legends and titles inside their box, row labels kept on a
  phone, wide tables scrolling inside their own box with the claims ledger's verdict in view;
- on a phone a first tap names the row and marks it, and only a second tap opens the source.

Skipped, saying what to install, where no Chromium or Chrome is on PATH.
Run alone with: .venv/bin/python -m pytest tests/test_pages_browser.py -v
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from headless import Chromium, find_browser

from helpers import explorer, report, schemas, tariffs
from helpers.io import input_path
from helpers.params import load_params
from helpers.paths import REPORTS

WIDTHS = (1280, 400)
# Short enough to survive the 40-character row labels whole; each would create an element if Plotly or the browser
# read it as markup.
PAYLOADS = ('<a href="//ev.il/x">A</a>', '<span style="font-size:300px">S</span>', "<b>B</b><br><i>I</i>",
            "<img src=x onerror=alert(1)>", "<script>alert(2)</script>")
DECEPTIVE = {"us-israel-fta": "https://ustr.gov@ev.il/israel", "cusfta-canada": "https://ustr.gov/\u202eexe.fdp/ok",
             "nafta-mexico": "https://ustr.gov\u200b.ev.il/nafta"}
WATCH_ALERTS = "window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };"


@pytest.fixture(scope="module")
def chromium():
    executable = find_browser()
    if executable is None:
        pytest.skip("no headless browser: install Chromium (Debian/Ubuntu: `apt-get install chromium`) or Google Chrome "
                    "so that chromium, chromium-browser or google-chrome is on PATH, to run the browser tests")
    with Chromium(executable) as browser:
        yield browser


def laced(df: pd.DataFrame, columns) -> pd.DataFrame:
    """``df`` with a payload (cycling through ``PAYLOADS`` by row) in front of every value of ``columns``."""
    out = df.copy()
    for c in columns:
        out[c] = [f"{PAYLOADS[i % len(PAYLOADS)]} {v}" if isinstance(v, str) else PAYLOADS[i % len(PAYLOADS)]
                  for i, v in enumerate(out[c])]
    return out


def build_laced_explorer(folder: Path) -> Path:
    """The explorer as notebook 09 builds it, from the real tables with payloads in every name and text column and
    deceptive URLs as the launch sources of three negotiations."""
    params = load_params()
    table = schemas.load_processed("negotiations.csv")
    for key, url in DECEPTIVE.items():
        row = table["negotiation_id"] == key
        table.loc[row, f"source_{table.loc[row, 'launch_from'].iloc[0]}"] = url
    table = laced(table, ["partner", "agreement"])
    docs = explorer.deal_rows(laced(schemas.load_raw(schemas.DEAL_DOCUMENTS), ["partner", "title", "legal_basis", "document_id"]))
    actions, rates = tariffs.load_record()
    path = tariffs.rate_path(actions, rates, "China")  # computed from the clean tables: the path itself is not under test
    shown = laced(actions, ["measure", "legal_authority", "instrument", "source_effective"])
    rows = explorer.negotiation_rows(table, params["as_of_negotiations"])
    page = explorer.page(explorer.timeline_figure(rows, docs, params["as_of_negotiations"], params["pledge_start"], params["as_of_deals"]),
                         explorer.tariff_figure(path, shown, params["as_of_tariffs"]), rows, title=PAYLOADS[0], meta=PAYLOADS[1],
                         intro=PAYLOADS[2], recent_end=params["as_of_negotiations"])
    target = folder / "explorer.html"
    target.write_text(page, encoding="utf-8")
    return target


def build_laced_report(folder: Path) -> Path:
    """The report page, with payloads in every column of the claims ledger and of the source conflicts it shows."""
    ledger = laced(pd.read_csv(input_path(REPORTS / "tables" / "claims_ledger.csv"), dtype=str),
                   ["claim_id", "quote", "claimed_value", "evidence", "verdict"])
    conflicts = laced(schemas.load_raw(schemas.SOURCE_CONFLICTS), ["subject", "field", "value_ours", "value_other", "other_dataset", "resolution"])
    page = report.html_page(
        title=PAYLOADS[0], meta=PAYLOADS[1], lead=list(PAYLOADS), notebooks=[{"name": PAYLOADS[3], "href": "n.html"}],
        ledger_notebook="n.html", sections=[{"title": PAYLOADS[1], "figure": "figures/x.png", "caption": "caption", "notebook": "n.html"}],
        ledger=ledger[["claim_id", "quote", "claimed_value", "evidence", "verdict"]], provenance=report.html_table(conflicts),
        downloads=[{"name": PAYLOADS[0], "href": "x.csv", "what": PAYLOADS[2]}])
    (folder / "figures").mkdir(exist_ok=True)
    (folder / "figures" / "x.png").write_bytes(input_path(REPORTS / "figures" / "months_to_signing.png").read_bytes())
    target = folder / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


# Elements a payload would have made: links or styles pointing at the payload's values, bold tspans (Plotly's <b>),
# images from "x", and scripts other than the page's own.
INJECTED = """(function () {
  var found = [];
  document.querySelectorAll("*").forEach(function (el) {
    Array.prototype.forEach.call(el.attributes, function (a) {
      if (/^on/i.test(a.name) || (/^(href|xlink:href|src|style)$/i.test(a.name) && /ev\\.il|300px/.test(a.value))) {
        found.push(el.tagName + " " + a.name + "=" + a.value);
      }
    });
  });
  document.querySelectorAll("svg a, img[src='x'], b, i").forEach(function (el) { found.push("element " + el.tagName); });
  document.querySelectorAll("tspan").forEach(function (el) {
    if (/bold|italic/.test(el.getAttribute("style") || "")) { found.push("styled tspan: " + el.textContent); }
  });
  document.querySelectorAll("script").forEach(function (el) {
    if (/alert\\(2\\)/.test(el.textContent) && !/var TIMELINE/.test(el.textContent)) { found.push("script"); }
  });
  return found.concat(window.__alerts.map(function (m) { return "alert " + m; }));
}())"""


def open_page(chromium, path: Path, width: int, plots: bool):
    page = chromium.page(path.resolve().as_uri(), width)
    page.evaluate(WATCH_ALERTS)
    if plots:
        page.wait_for("document.querySelector('#timeline .main-svg') && document.querySelector('#tariffs .main-svg')")
    page.settle(400)
    return page


@pytest.fixture(scope="module")
def laced_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("laced")
    return build_laced_explorer(folder), build_laced_report(folder)


@pytest.mark.parametrize("width", WIDTHS)
def test_markup_in_any_name_column_creates_no_element(chromium, laced_pages, width):
    explorer_page, report_page = laced_pages
    for path, plots in ((explorer_page, True), (report_page, False)):
        page = open_page(chromium, path, width, plots)
        assert page.evaluate(INJECTED) == [], f"{path.name} at {width} px"
        text = page.evaluate("document.body.innerText + Array.prototype.map.call(document.querySelectorAll('svg text'), "
                             "function (t) { return t.textContent; }).join(' ')")
        shown = [p for p in PAYLOADS if p in text]
        assert len(shown) >= 3, f"the payloads should reach {path.name} as text (so this test can fail); shown: {shown}"
        assert not page.errors()


def test_deceptive_source_urls_never_open(chromium, laced_pages):
    explorer_page, _ = laced_pages
    page = open_page(chromium, explorer_page, 1280, True)
    urls = page.evaluate("""[].concat.apply([], document.getElementById('timeline').data.map(function (t) {
        return (t.customdata || []).map(function (c) { return c[2] || ''; }); }))""")
    assert urls and not [u for u in urls if "ev.il" in u or "\u202e" in u]
    for key in DECEPTIVE:  # click each launch mark whose source is deceptive: nothing opens, no link is made
        x, y = point_of(page, "pt-launch", key)
        page.tap(x, y)
        assert page.opened() == [], key
        assert page.evaluate("document.querySelectorAll('#details a').length") == 0, key
        assert "no link for this mark" in page.evaluate("document.getElementById('details').textContent")


def point_of(page, uid: str, key: str) -> tuple[float, float]:
    """Viewport centre of the mark of negotiation ``key`` in the timeline trace ``uid`` (scrolled into view)."""
    index = page.evaluate(f"""(function () {{
        var gd = document.getElementById('timeline');
        var t = gd.data.filter(function (t) {{ return t.uid === '{uid}'; }})[0];
        return t.customdata.map(function (c) {{ return c[0]; }}).indexOf('{key}'); }}())""")
    assert index >= 0, f"no {uid} mark for {key}"
    page.evaluate(f"document.querySelectorAll('#timeline g.trace{uid} path.point')[{index}].scrollIntoView({{block: 'center'}})")
    page.settle(200)
    box = page.evaluate(f"document.querySelectorAll('#timeline g.trace{uid} path.point')[{index}].getBoundingClientRect().toJSON()")
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


# --- layout at 1280 px and on a phone -----------------------------------------------------------------------------

EXPLORER = input_path(REPORTS / "explorer.html")  # the checked run's copy under `make test`
REPORT = input_path(REPORTS / "index.html")

BOXES = """(function () {
  function box(el) { var r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }
  var out = {viewport: window.innerWidth, scroll: document.documentElement.scrollWidth, plots: {}};
  ["timeline", "tariffs", "partner-rates"].forEach(function (id) {
    var gd = document.getElementById(id);
    if (!gd) { return; }
    out.plots[id] = {box: box(gd), svg: box(gd.querySelector(".main-svg")),
      legend: gd.querySelector(".legend") ? box(gd.querySelector(".legend")) : null,
      titles: Array.prototype.map.call(gd.querySelectorAll(".annotation-text, .gtitle"), box),
      yticks: Array.prototype.map.call(gd.querySelectorAll(".yaxislayer-above .ytick text, .yaxislayer-above .y2tick text"), function (t) {
        return {text: t.textContent, box: box(t)}; })};
  });
  return out;
}())"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_explorer_fits_its_viewport(chromium, width):
    if not EXPLORER.is_file():
        pytest.fail("reports/explorer.html is missing: run `make all` first")
    page = open_page(chromium, EXPLORER, width, True)
    boxes = page.evaluate(BOXES)
    assert boxes["scroll"] <= boxes["viewport"], f"the page scrolls sideways at {width} px"
    for id_, plot in boxes["plots"].items():
        inside = plot["box"]
        for what, b in [("svg", plot["svg"]), ("legend", plot["legend"])] + [("title", t) for t in plot["titles"]]:
            assert b is not None and b["left"] >= inside["left"] - 1 and b["right"] <= inside["right"] + 1, \
                f"{id_}: the {what} runs out of its box at {width} px ({b} vs {inside})"
        legend, titles = plot["legend"], plot["titles"]
        for t in titles:  # the legend sits clear of the titles
            assert t["bottom"] <= legend["top"] + 1 or t["top"] >= legend["bottom"] - 1 or t["right"] <= legend["left"] \
                or t["left"] >= legend["right"], f"{id_}: a title under the legend at {width} px"
    ticks = boxes["plots"]["timeline"]["yticks"]
    assert len(ticks) >= 50, "every row keeps a label, on a phone too"
    assert all(t["box"]["left"] >= 0 and t["box"]["right"] <= boxes["viewport"] for t in ticks)
    assert all(len(t["text"]) <= (explorer.SHORT_LABEL if width < 700 else 60) for t in ticks)
    assert not page.errors()


def test_hover_labels_stay_inside_the_page_at_1280(chromium):
    page = open_page(chromium, EXPLORER, 1280, True)
    for uid in ("pt-launch", "pt-signed"):
        count = page.evaluate(f"document.querySelectorAll('#timeline g.trace{uid} path.point').length")
        for index in (0, count - 1):
            page.evaluate(f"document.querySelectorAll('#timeline g.trace{uid} path.point')[{index}].scrollIntoView({{block: 'center'}})")
            page.settle(150)
            box = page.evaluate(f"document.querySelectorAll('#timeline g.trace{uid} path.point')[{index}].getBoundingClientRect().toJSON()")
            page.hover(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            label = page.evaluate("(function () { var h = document.querySelector('#timeline .hoverlayer .hovertext');"
                                  " return h ? h.getBoundingClientRect().toJSON() : null; }())")
            assert label is not None, f"no hover label on {uid} {index}"
            assert label["left"] >= 0 and label["right"] <= 1280, f"hover label cut: {label}"


def test_on_a_phone_the_first_tap_names_the_row_and_the_second_opens_its_source(chromium):
    page = open_page(chromium, EXPLORER, 400, True)
    neg = pd.read_csv(input_path(REPORTS.parent / "data" / "processed" / "negotiations.csv"), dtype=str)
    row = neg[neg["signed"].notna() & neg["source_signed"].map(lambda s: explorer.source_url(s) is not None)].iloc[-1]
    x, y = point_of(page, "pt-signed", row["negotiation_id"])
    page.tap(x, y)
    panel = page.evaluate("(function () { var d = document.getElementById('details'); var r = d.getBoundingClientRect();"
                          " return {text: d.textContent, top: r.top, bottom: r.bottom}; }())")
    assert row["partner"] in panel["text"] and row["agreement"] in panel["text"], panel["text"]
    assert panel["top"] >= 0 and panel["bottom"] <= 900, "the panel naming the row stays in view (sticky)"
    assert page.opened() == [], "the first tap must not open the source"
    assert page.evaluate("document.getElementById('timeline').layout.shapes.some(function (s) { return s.type === 'rect'; })"), \
        "the tapped row is marked"
    assert page.evaluate("document.querySelectorAll('#timeline .hoverlayer .hovertext').length") == 0, "no hover label to cut"
    x, y = point_of(page, "pt-signed", row["negotiation_id"])
    page.tap(x, y)
    assert page.opened() == [explorer.source_url(row["source_signed"])]
    assert not page.errors()


def test_on_a_desktop_a_click_opens_the_source(chromium):
    page = open_page(chromium, EXPLORER, 1280, True)
    neg = pd.read_csv(input_path(REPORTS.parent / "data" / "processed" / "negotiations.csv"), dtype=str)
    row = neg[neg["signed"].notna() & neg["source_signed"].map(lambda s: explorer.source_url(s) is not None)].iloc[0]
    page.tap(*point_of(page, "pt-signed", row["negotiation_id"]))
    assert page.opened() == [explorer.source_url(row["source_signed"])]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_fits_and_its_wide_tables_scroll_in_their_own_box(chromium, width):
    if not REPORT.is_file():
        pytest.fail("reports/index.html is missing: run `make all` first")
    page = open_page(chromium, REPORT, width, False)
    facts = page.evaluate("""(function () {
      var out = {viewport: window.innerWidth, scroll: document.documentElement.scrollWidth, loose: [], images: []};
      document.querySelectorAll("table").forEach(function (t) {
        var box = t.closest(".scroll");
        if (t.getBoundingClientRect().right > window.innerWidth + 1 && !(box && getComputedStyle(box).overflowX === "auto"
            && box.getBoundingClientRect().right <= window.innerWidth + 1)) { out.loose.push(t.rows[0].textContent.slice(0, 60)); }
      });
      document.querySelectorAll("img").forEach(function (i) {
        if (i.getBoundingClientRect().right > window.innerWidth + 1) { out.images.push(i.src); }
      });
      var ledger = document.querySelector("#ledger table");
      var head = Array.prototype.filter.call(ledger.querySelectorAll("th"), function (th) { return th.textContent === "verdict"; })[0];
      out.verdict = head ? head.getBoundingClientRect().right : null;
      return out;
    }())""")
    assert facts["scroll"] <= facts["viewport"], f"the report scrolls sideways at {width} px"
    assert facts["loose"] == [] and facts["images"] == []
    assert facts["verdict"] is not None and facts["verdict"] <= facts["viewport"], "the ledger's verdict is off-screen"
    assert not page.errors()
