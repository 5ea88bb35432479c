"""The explorer's figure logic: marks per negotiation, sources, escaping and byte-identical output."""

import json
import re

import pandas as pd
import pytest

from helpers import explorer, tariff_figures

EVIL = "</script><script>alert('x')</script>"


def negotiations(**overrides) -> pd.DataFrame:
    """Four negotiations: signed and in force, ended unsigned (dated), ended with no date, still open."""
    rows = [
        {"negotiation_id": "a-fta", "partner": "Aland", "agreement": "US-Aland FTA", "track": "congressional_fta",
         "outcome": "signed", "status": "in_force", "launch_decade": "2000s", "launch": "2003-01-27", "launch_from": "first_round",
         "first_round": "2003-01-27", "source_first_round": "https://example.gov/a-round (USTR)", "announced": None,
         "source_announced": None, "signed": "2004-05", "source_signed": "https://example.gov/a-signed.",
         "entered_into_force": "2006-01-01", "source_entered_into_force": "90 FR 1234 (Proclamation 1)", "ended": None,
         "source_ended": None, "status_verified": None, "source_status_verified": None},
        {"negotiation_id": "b-talks", "partner": "Bland", "agreement": "US-Bland FTA", "track": "executive_agreement",
         "outcome": "ended", "status": "abandoned", "launch_decade": "2010s", "launch": "2012-03", "launch_from": "announced",
         "first_round": None, "source_first_round": None, "announced": "2012-03", "source_announced": "https://example.gov/b",
         "signed": None, "source_signed": None, "entered_into_force": None, "source_entered_into_force": None,
         "ended": "2014-06-30", "source_ended": "https://example.gov/b-end", "status_verified": None, "source_status_verified": None},
        {"negotiation_id": "c-join", "partner": "Cland", "agreement": "US-Bland FTA", "track": "accession",
         "outcome": "ended", "status": "superseded", "launch_decade": "2010s", "launch": "2013-01-01", "launch_from": "first_round",
         "first_round": "2013-01-01", "source_first_round": "https://example.gov/c", "announced": None, "source_announced": None,
         "signed": None, "source_signed": None, "entered_into_force": None, "source_entered_into_force": None,
         "ended": None, "source_ended": None, "status_verified": "2015-02-01", "source_status_verified": "https://example.gov/c2"},
        {"negotiation_id": "d-open", "partner": EVIL, "agreement": "Talks", "track": "executive_agreement",
         "outcome": "open", "status": "ongoing", "launch_decade": "2020s", "launch": "2022-05-01", "launch_from": "first_round",
         "first_round": "2022-05-01", "source_first_round": "javascript:alert(1) https://example.gov/d", "announced": None,
         "source_announced": None, "signed": None, "source_signed": None, "entered_into_force": None,
         "source_entered_into_force": None, "ended": None, "source_ended": None, "status_verified": None,
         "source_status_verified": None},
    ]
    df = pd.DataFrame(rows)
    for key, value in overrides.items():
        df[key] = value
    return df


def documents() -> pd.DataFrame:
    return pd.DataFrame([
        {"document_id": "x-1", "partner": "Xland", "date": "2025-05-08", "date_by": None, "instrument": "announcement",
         "title": EVIL, "binding": "no", "legal_basis": None, "source": "https://example.gov/x1"},
        {"document_id": "x-2", "partner": "Xland", "date": None, "date_by": "2025-07-01", "instrument": "binding_agreement",
         "title": "Agreement", "binding": "yes", "legal_basis": None, "source": "https://example.gov/x2"},
        {"document_id": "y-1", "partner": "Yland", "date": "2025-06", "date_by": None, "instrument": "implementing_order",
         "title": "Order", "binding": "no", "legal_basis": "IEEPA", "source": "EO 14999, 90 FR 1"},
        {"document_id": "y-2", "partner": "Yland", "date": None, "date_by": None, "instrument": "framework",
         "title": "Undated", "binding": "no", "legal_basis": None, "source": "https://example.gov/y2"},
    ])


def tariff_path():
    path = pd.DataFrame({"effective": pd.to_datetime(["2025-02-04", "2025-04-10"]), "total_pct": [10.0, 140.0],
                         "fentanyl_ieepa": [10.0, 10.0], "reciprocal_ieepa": [0.0, 125.0], "section_122": [0.0, 5.0],
                         "actions": ["t1", "t2 t3"]})
    actions = pd.DataFrame({"action_id": ["t1", "t2", "t3"], "measure": ["fentanyl_ieepa", "reciprocal_ieepa", "pause"],
                            "rate_pct": ["10", "125", None], "legal_authority": ["IEEPA", "IEEPA", EVIL],
                            "document": ["EO 1", "EO 2", None], "source_document": ["https://example.gov/t1", None, None],
                            "source_effective": [None, "90 FR 5 (Executive Order 2)", None]})
    return path, actions


def test_source_url_takes_the_first_link_and_drops_trailing_punctuation():
    assert explorer.source_url("https://example.gov/a (USTR letter)") == "https://example.gov/a"
    assert explorer.source_url("see https://example.gov/b.") == "https://example.gov/b"
    assert explorer.source_url("90 FR 9121 (Executive Order 14195)") is None
    assert explorer.source_url(None) is None
    assert explorer.source_url("javascript:alert(1)") is None


def test_safe_text_escapes_markup_and_wraps():
    text = explorer.safe_text(EVIL, width=20)
    assert "<script" not in text and "&lt;script&gt;" in text
    assert explorer.safe_text(None) == "" and explorer.safe_text(float("nan")) == ""
    assert explorer.safe_text("x" * 300, limit=50).endswith("…")


def test_negotiation_rows_end_each_bar_where_the_data_says():
    rows = explorer.negotiation_rows(negotiations(), "2026-11-27").set_index("key")
    assert list(rows.index) == ["a-fta", "b-talks", "c-join", "d-open"]  # by launch
    assert rows.at["a-fta", "talks_end_day"] == "2004-05-01"  # month-only signing drawn at the month's first day
    assert rows.at["a-fta", "after_end_day"] == "2006-01-01"
    assert rows.at["b-talks", "talks_end_day"] == "2014-06-30"
    assert rows.at["c-join", "talks_end_day"] == "2015-02-01"  # ended, undated: where its status was verified
    assert rows.at["d-open", "talks_end_day"] == "2026-11-27"  # open: to the as-of date
    assert rows.at["b-talks", "source_launch"] == "https://example.gov/b"  # the launch's own source column
    assert rows["label"].is_unique


def test_timeline_has_one_mark_per_dated_event_and_opens_its_source():
    rows = explorer.negotiation_rows(negotiations(), "2026-11-27")
    traces = {t.uid: t for t in explorer.timeline_traces(rows)}
    counts = {uid: len(t.y) for uid, t in traces.items()}
    assert counts == {"bar-signed": 1, "bar-ended": 2, "bar-open": 1, "bar-in-force": 1, "bar-not-in-force": 0,
                      "pt-launch": 4, "pt-signed": 1, "pt-in-force": 1, "pt-ended": 1}
    assert list(traces["pt-signed"].customdata[0]) == ["a-fta", "2004-05", "https://example.gov/a-signed"]
    assert traces["pt-in-force"].customdata[0][2] == ""  # a citation without a link: nothing to open
    launch = {c[0]: c[2] for c in traces["pt-launch"].customdata}
    assert launch["d-open"] == "https://example.gov/d"  # never the javascript: text
    assert all("<script" not in h for t in traces.values() for h in (t.hovertext or []))


def test_deal_rows_use_date_by_and_drop_undated_documents():
    docs = explorer.deal_rows(documents())
    assert list(docs["document_id"]) == ["x-1", "x-2", "y-1"]
    assert dict(zip(docs["document_id"], docs["stage"])) == {"x-1": "announcement", "x-2": "binding agreement",
                                                             "y-1": "US implementing order"}
    traces = {t.name: len(t.x) for t in explorer.deal_traces(docs)}
    assert traces == {"2025–26: announcement": 1, "2025–26: written text": 0, "2025–26: binding agreement": 1,
                      "2025–26: US implementing order": 1}


def test_tariff_figure_stacks_layers_to_the_end_date_and_links_each_change():
    path, actions = tariff_path()
    fig = explorer.tariff_figure(path, actions, "2025-12-31")
    layers = [t for t in fig.data if t.uid.startswith("layer-")]
    assert [t.x[-1] for t in layers] == ["2025-12-31"] * 3
    marks = next(t for t in fig.data if t.uid == "pt-tariff")
    assert [c[2] for c in marks.customdata] == ["https://example.gov/t1", ""]  # t2 has only a citation
    assert "&lt;script" in marks.hovertext[1] and "<script" not in marks.hovertext[1]


def build_page(partner_value=None) -> str:
    table = negotiations() if partner_value is None else negotiations(partner=partner_value)
    rows = explorer.negotiation_rows(table, "2026-11-27")
    docs = explorer.deal_rows(documents())
    path, actions = tariff_path()
    return explorer.page(explorer.timeline_figure(rows, docs, "2026-11-27", "2025-04-10"),
                         explorer.tariff_figure(path, actions, "2025-12-31"), rows, title=EVIL, meta="m", intro="i",
                         recent_end="2026-11-27")


@pytest.fixture(scope="module")
def page() -> str:
    return build_page()


def test_page_is_self_contained_and_deterministic(page):
    assert page == build_page()
    assert not re.search(r"<script[^>]+src=", page), "the page must embed its scripts, not load them"
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", page), "a random uuid"
    assert 'id="timeline"' in page and 'id="tariffs"' in page


def test_no_data_string_can_close_the_script_or_inject_markup(page):
    from plotly.offline import get_plotlyjs

    rest = page.replace(get_plotlyjs(), "")
    assert rest.count("<script") == 2 and rest.count("</script>") == 2  # plotly.js and the page's own script
    assert "<script>alert" not in rest
    assert "<title>&lt;/script&gt;" in rest  # the title is escaped by the template


def test_page_embeds_the_figures_as_json_the_browser_can_parse(page):
    timeline = re.search(r"var TIMELINE = (\{.*?\});\n", page).group(1)
    data = json.loads(timeline)["data"]
    assert [t["uid"] for t in data][:3] == ["bar-signed", "bar-ended", "bar-open"]
    rows = json.loads(re.search(r"var ROWS = (\{.*?\});\n", page).group(1))
    assert rows["b-talks"] == {"era": "2010s", "outcome": "ended", "track": "executive_agreement"}


def test_filter_options_list_only_what_is_present():
    rows = explorer.negotiation_rows(negotiations(), "2026-11-27")
    options = explorer.filter_options(rows)
    assert [v for v, _ in options["track"]] == ["congressional_fta", "executive_agreement", "accession"]
    assert [v for v, _ in options["era"]] == ["2000s", "2010s", "2020s"]
    assert [v for v, _ in options["outcome"]] == ["signed", "ended", "open"]


@pytest.mark.parametrize("source", [
    "https://ustr.gov@ev.il/x",  # opens ev.il
    "https://ustr.gov:443@ev.il/x",
    "https://ustr.gov/\u202egpj.exe",  # right-to-left override: reads as another address
    "https://ustr.gov\u200b.ev.il/",  # zero-width space in the host
    "https://ustr.gоv/",  # a Cyrillic o in the host
    "https://ustr.gov/a\u0000b",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
])
def test_source_url_refuses_urls_that_mislead_about_where_they_go(source):
    assert explorer.source_url(source) is None
    assert explorer.source_url(f"see {source} (USTR)") is None


def test_source_url_keeps_plain_urls_with_queries_and_ports():
    assert explorer.source_url("https://www.govinfo.gov/app/details/FR-2025-04-07?x=1&y=2#p3.") == \
        "https://www.govinfo.gov/app/details/FR-2025-04-07?x=1&y=2#p3"
    assert explorer.source_url("http://example.gov:8080/a_b-c~d") == "http://example.gov:8080/a_b-c~d"


def test_plotly_text_leaves_no_markup_and_shows_invisible_characters():
    text = explorer.plotly_text('<a href="//ev.il">A</a> & <span style="font-size:300px">S</span> "q"')
    assert "<" not in text and ">" not in text and "&lt;a href=\"//ev.il\"&gt;" in text and "&amp;" in text
    assert '"q"' in text  # Plotly would show &quot; literally
    assert explorer.plotly_text("Chile\u202e\u200b") == "Chile[U+202E][U+200B]"
    assert explorer.plotly_text(None) == "" and explorer.plotly_text(float("nan")) == ""


def test_every_name_reaching_the_timeline_is_escaped():
    evil = '<a href="//ev.il" target="_self">A</a>'
    rows = explorer.negotiation_rows(negotiations(partner=evil), "2026-11-27")
    docs = explorer.deal_rows(documents().assign(partner=[evil, evil, "<b>Y</b>", "<b>Y</b>"]))
    fig = explorer.timeline_figure(rows, docs, "2026-11-27", "2025-04-10", deals_as_of="2026-08-21")
    texts = [*fig.layout.yaxis.categoryarray, *fig.layout.yaxis2.categoryarray, *fig.layout.meta["short_y"],
             *fig.layout.meta["short_y2"], *(a.text for a in fig.layout.annotations)]
    for trace in fig.data:
        texts += [trace.name, *(trace.y or []), *(trace.hovertext or [])]
    assert texts and not [t for t in texts if re.search(r"<(?!/?(b|i|br)>)", t)], "only our own <b>, <i>, <br> markup"
    assert any("&lt;a href" in t for t in fig.layout.yaxis2.categoryarray)


def test_short_labels_name_the_row_in_a_few_characters():
    assert explorer.short_label("Chile", "US-Chile FTA") == "Chile FTA"
    assert explorer.short_label("Canada", "NAFTA") == "Canada · NAFTA"
    assert len(explorer.short_label("FTAA participants (33 Western Hemisphere countries)", "FTAA")) == explorer.SHORT_LABEL
    rows = explorer.negotiation_rows(negotiations(), "2026-11-27")
    assert rows["short"].str.len().max() <= explorer.SHORT_LABEL + len("&lt;&gt;") * 4


def test_each_panel_draws_its_own_as_of_line():
    rows = explorer.negotiation_rows(negotiations(), "2026-11-27")
    fig = explorer.timeline_figure(rows, explorer.deal_rows(documents()), "2026-11-27", "2025-04-10", deals_as_of="2026-08-21")
    lines = {(s.yref, s.x0) for s in fig.layout.shapes}
    assert lines == {("y domain", "2025-04-10"), ("y domain", "2026-11-27"), ("y2 domain", "2025-04-10"), ("y2 domain", "2026-08-21")}
    assert "as of 2026-08-21" in fig.layout.annotations[1].text and "since 2003" in fig.layout.annotations[0].text


def test_partner_rate_figure_shows_one_partner_at_a_time_with_its_documents_escaped():
    path, _ = tariff_path()
    docs = explorer.deal_rows(documents()).assign(title=EVIL)
    collected = pd.DataFrame({"partner_code": ["CHN", "CHN", "MEX"], "date": pd.to_datetime(["2025-03-01", "2025-04-01", "2025-04-01"]),
                              "collected_rate": [0.2, 0.4, 0.05]})
    paths = {"China": path, "Mexico": path.assign(reciprocal_ieepa=0.0, section_122=0.0, total_pct=10.0)}
    docs = docs.assign(partner=docs["partner"].map({"Xland": "China", "Yland": "Mexico"}))
    fig = tariff_figures.partner_rate_figure(paths, collected, docs, "2025-01-20", "2025-12-31")
    menu = fig.layout.updatemenus[0].buttons
    assert [b.label for b in menu] == ["China", "Mexico"]
    shown = {b.label: [t.uid for t, v in zip(fig.data, b.args[0]["visible"]) if v] for b in menu}
    assert shown["China"] == [t.uid for t in fig.data if "china" in t.uid]
    assert [u for u in shown["Mexico"] if u.startswith("rate-")] == ["rate-mexico-fentanyl_ieepa"]  # only the layers it faced
    assert [t.visible for t in fig.data].count(True) == len(shown["China"])  # the first partner shows first
    paid = next(t for t in fig.data if t.uid == "paid-china")
    assert list(paid.y) == [20.0, 40.0]
    marks = [t for t in fig.data if t.uid.startswith("stage-china") and len(t.x)]
    assert marks and all("&lt;script" in h and "<script" not in h for t in marks for h in t.hovertext)
    assert fig.layout.xaxis.range == ("2025-01-20", "2025-12-31")


def test_partner_rate_figure_says_where_a_rate_is_an_all_in_cap():
    path, _ = tariff_path()
    capped = path.assign(all_in=["reciprocal_ieepa" if i == len(path) - 1 else "" for i in range(len(path))])
    empty = pd.DataFrame(columns=["partner_code", "date", "collected_rate"])
    fig = tariff_figures.partner_rate_figure({"China": capped}, empty, explorer.deal_rows(documents()).iloc[:0], "2025-01-20",
                                             "2025-12-31")
    layer = next(t for t in fig.data if t.uid == "rate-china-reciprocal_ieepa")
    assert ["all-in cap" in h for h in layer.hovertext] == [False] * (len(path) - 1) + [True, True]  # the last change, extended


def test_the_page_draws_the_partner_view_only_when_given():
    path, actions = tariff_path()
    rows = explorer.negotiation_rows(negotiations(), "2026-11-27")
    docs = explorer.deal_rows(documents())
    args = (explorer.timeline_figure(rows, docs, "2026-11-27", "2025-04-10"), explorer.tariff_figure(path, actions, "2025-12-31"), rows)
    kwargs = {"title": "t", "meta": "m", "intro": "i", "recent_end": "2026-11-27"}
    assert 'id="partner-rates"' not in explorer.page(*args, **kwargs)
    figure = tariff_figures.partner_rate_figure({"China": path}, pd.DataFrame(columns=["partner_code", "date", "collected_rate"]),
                                                docs.assign(partner="China"), "2025-01-20", "2025-12-31")
    with_view = explorer.page(*args, **kwargs, partner_rates=figure)
    assert 'id="partner-rates"' in with_view and "var PARTNERS = " in with_view
