"""The interactive explorer (reports/explorer.html): Plotly figures of the negotiations, the 2025–26 deal stages and
China's tariff path, where every mark carries its date and cited source, in one self-contained, deterministic page.

Plotly draws every text (hover labels, axis categories, legends, titles) from a small HTML-like markup in which
``<a href>``, ``<span style>``, ``<b>`` and ``<br>`` become elements; so every string that comes from the data passes
through ``plotly_text`` (markup escaped, invisible and direction-changing characters shown as their code) before it
reaches a figure, and the figures' JSON is serialised with ``<``, ``>`` and ``/`` escaped, so no cell of a raw table
can inject markup or script. A mark opens only a plain ``http(s)`` URL whose host is a bare host name
(``source_url``): never ``user@host`` forms or URLs holding invisible or direction-changing characters.
Plotly.js itself is embedded inline: the page loads nothing from the network.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
import unicodedata

import pandas as pd

from .dates import coarse_start, parse_partial_date

# Colour-blind-safe colours (seaborn's "colorblind" palette, as in helpers.plotting), as hex for the browser.
COLORS = {"signed": "#0173b2", "in_force": "#029e73", "failed": "#d55e00", "open": "#949494", "claim": "#de8f05",
          "announcement": "#cc78bc", "text": "#ca9161", "binding": "#0173b2", "order": "#029e73",
          "fentanyl_ieepa": "#d55e00", "reciprocal_ieepa": "#de8f05", "section_122": "#0173b2", "ieepa_other": "#cc78bc",
          "section_301": "#029e73", "section_338": "#56b4e9"}
TRACK_LABELS = {"congressional_fta": "congressional FTA", "executive_agreement": "executive / limited agreement",
                "renegotiation": "renegotiation", "accession": "accession", "plurilateral": "plurilateral"}
OUTCOME_LABELS = {"signed": "signed", "ended": "ended unsigned", "open": "still open"}
# The 2025–26 document stages shown, each a group of instruments (data/raw/README.md, deal_documents_2025_2026.csv).
DEAL_STAGES = {
    "announcement": ("announcement", ("announcement",), "circle-open"),
    "written text": ("text", ("joint_statement", "framework", "nonbinding_memorandum"), "square"),
    "binding agreement": ("binding", ("binding_agreement",), "star"),
    "US implementing order": ("order", ("implementing_order",), "triangle-up"),
}
PHONE_STAGE = {"US implementing order": "US order"}  # legend names that need fewer characters on a phone
LAYER_LABELS = {"fentanyl_ieepa": "IEEPA: fentanyl", "reciprocal_ieepa": "IEEPA: reciprocal", "ieepa_other": "IEEPA: other",
                "section_122": "Section 122 (Trade Act of 1974)", "section_301": "Section 301 (all goods)",
                "section_338": "Section 338 (all goods)"}
MS_PER_DAY = 86_400_000
SHORT_LABEL = 16  # characters of a row label on a phone
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# A URL a mark may open: http(s), a bare host name (letters, digits, dots, hyphens; no user@ part), an optional port,
# and a path of printable ASCII only (no spaces, quotes, angle brackets, invisible or direction-changing characters).
SAFE_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#][!#-;=?-~]*)?")


def source_url(source) -> str | None:
    """The first http(s) URL in a source cell (trailing punctuation dropped), or None for a citation without one.

    None too where the URL could mislead a reader about where it goes: a ``user@host`` form
    (``https://ustr.gov@example.org/`` opens example.org), a host that is not a plain ASCII name, or any
    invisible, control or direction-changing character (a right-to-left override can make a URL read as another).
    """
    if not isinstance(source, str):
        return None
    match = _URL.search(source)
    if not match:
        return None
    url = match.group(0).rstrip(").,;")
    return url if SAFE_URL.fullmatch(url) else None


def _visible(ch: str) -> str:
    """A character as shown on a page: control, format (zero-width, bidirectional) and separator characters other
    than the space become their code point, so they can neither hide text nor reverse it."""
    if ch == " " or unicodedata.category(ch)[0] not in "CZ":
        return ch
    return f"[U+{ord(ch):04X}]"


def plotly_text(value) -> str:
    """Data text for any string Plotly draws (hover labels, axis categories, legends, titles): ``&``, ``<`` and ``>``
    escaped, so Plotly's markup (``<a href>``, ``<span style>``, ``<b>``, ``<br>``) shows as text and creates no element;
    invisible and direction-changing characters shown as their code point. '' for a missing value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = "".join(_visible(ch) for ch in str(value))
    return html.escape(text, quote=False)  # Plotly decodes &amp; &lt; &gt; but shows &quot; literally


def safe_text(value, width: int = 70, limit: int = 240) -> str:
    """Data text for a Plotly hover label: shortened to ``limit`` characters, escaped (``plotly_text``), wrapped with ``<br>``."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "<br>".join(plotly_text(line) for line in textwrap.wrap(text, width)) or ""


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_label(partner: str, agreement: str, limit: int = SHORT_LABEL) -> str:
    """A row's name for a phone's narrow axis: the agreement alone where it names the partner (``US-Chile FTA`` →
    ``Chile FTA``), else partner and agreement; cut to ``limit`` characters (the detail panel shows the full name)."""
    agreement = agreement.removeprefix("US-")
    name = agreement if agreement.startswith(partner) else f"{partner} · {agreement}"
    return shorten(name, limit)


def _day(value) -> str | None:
    """The first day of a partial date as ``YYYY-MM-DD`` (for positions only), or None."""
    d = coarse_start(parse_partial_date(value)) if isinstance(value, str) else None
    return d.isoformat() if d else None


def negotiation_rows(table: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """One row per negotiation of the processed table, ready to draw: a unique ``label``, filter attributes (``track``,
    ``era`` = launch decade, ``outcome``), a ``short`` label for phones (both escaped for Plotly: ``plotly_text``), the
    launch and its source, and where its bars end (the end of talks: signing,
    the recorded end (for an undated end, the date its status was verified), or ``as_of`` if still open; after
    signing: entry into force, the end, or ``as_of``).

    Sorted by launch date (then id), earliest first.
    """
    out = pd.DataFrame({"key": table["negotiation_id"], "track": table["track"], "outcome": table["outcome"],
                        "status": table["status"], "era": table["launch_decade"].astype(str)})
    names = [p if a.startswith(p) or len(p) >= 22 else f"{p} – {a}" for p, a in zip(table["partner"], table["agreement"])]
    labels = pd.Series([shorten(n, 40) for n in names], index=out.index)
    dup = labels.duplicated(keep=False)
    labels[dup] = labels[dup] + " (" + out.loc[dup, "key"] + ")"
    out["label"] = labels.map(plotly_text)  # axis categories are drawn by Plotly: escaped like every other text
    out["short"] = [plotly_text(short_label(p, a)) for p, a in zip(table["partner"], table["agreement"])]
    out["name"] = [f"{p} – {a}" for p, a in zip(table["partner"], table["agreement"])]
    out["launch"] = table["launch"]
    out["launch_from"] = table["launch_from"]
    out["source_launch"] = [row[f"source_{frm}"] for frm, (_, row) in zip(table["launch_from"], table.iterrows())]
    for c in ("signed", "entered_into_force", "ended", "status_verified"):
        out[c] = table[c]
        out[f"source_{c}"] = table[f"source_{c}"]
    out["launch_day"] = out["launch"].map(_day)
    stopped = out["ended"].where(out["ended"].notna() | (out["outcome"] != "ended"), out["status_verified"])  # undated end
    talks_end = out["signed"].where(out["signed"].notna(), stopped).fillna(as_of)
    out["talks_end_day"] = talks_end.map(_day)
    after = out["entered_into_force"].where(out["entered_into_force"].notna(), out["ended"]).fillna(as_of)
    out["after_end_day"] = after.where(out["signed"].notna()).map(_day)
    out["sort"] = pd.to_datetime(out["launch_day"])
    return out.sort_values(["sort", "key"], kind="mergesort").drop(columns="sort").reset_index(drop=True)


def _custom(key: str, date_text, source) -> list:
    """customdata of one mark: the row key (for the filters), the date as cited, the source URL ('' if none)."""
    return [key, "" if date_text is None or pd.isna(date_text) else str(date_text), source_url(source) or ""]


def _bar(rows: pd.DataFrame, start: str, end: str, name: str, color: str, uid: str, what: str, opacity: float = 1.0,
         yaxis: str = "y", xaxis: str = "x", short: str | None = None):
    """A horizontal bar per row from column ``start`` to ``end`` (ISO days) on a date axis; ``short``: the legend name
    on a phone."""
    import plotly.graph_objects as go

    rows = rows[rows[start].notna() & rows[end].notna()]
    length = (pd.to_datetime(rows[end]) - pd.to_datetime(rows[start])).dt.days.clip(lower=1) * MS_PER_DAY
    hover = [f"<b>{safe_text(r.name)}</b><br>{what}: {safe_text(r.launch if start == 'launch_day' else r.signed)} → "
             f"{safe_text(getattr(r, end.removesuffix('_day') + '_text'))}<br>{TRACK_LABELS[r.track]} · {OUTCOME_LABELS[r.outcome]}"
             for r in rows.assign(talks_end_text=_end_text(rows, "talks"), after_end_text=_end_text(rows, "after")).itertuples()]
    return go.Bar(
        y=rows["label"].tolist(), base=rows[start].tolist(), x=[int(v) for v in length], orientation="h", name=name,
        marker={"color": color, "opacity": opacity, "line": {"width": 0}}, width=0.62, uid=uid,
        customdata=[_custom(r.key, None, None) for r in rows.itertuples()], hovertext=hover, hoverinfo="text",
        meta={"filter": True, "short": short or name}, xaxis=xaxis, yaxis=yaxis, legendgroup=uid)


def _end_text(rows: pd.DataFrame, which: str) -> list[str]:
    """How a bar ends, in words with the date as cited (for hover labels)."""
    out = []
    for r in rows.itertuples():
        if which == "talks":
            out.append(f"signed {r.signed}" if isinstance(r.signed, str) else
                       f"ended {r.ended}" if isinstance(r.ended, str) else
                       f"ended, date not found (status verified {r.status_verified})" if r.outcome == "ended" else
                       "still open (as-of date)")
        else:
            out.append(f"in force {r.entered_into_force}" if isinstance(r.entered_into_force, str) else
                       f"ended {r.ended}" if isinstance(r.ended, str) else "not in force (as-of date)")
    return out


def _points(rows: pd.DataFrame, column: str, source_column: str, name: str, color: str, symbol: str, uid: str,
            what: str, yaxis: str = "y", xaxis: str = "x", size: int = 8, short: str | None = None):
    """A marker per row with a date in ``column``: hover shows the date as cited and its source; click opens it;
    ``short``: the legend name on a phone."""
    import plotly.graph_objects as go

    rows = rows[rows[column].notna()]
    hover = [f"<b>{safe_text(r.name)}</b><br>{what}: {plotly_text(getattr(r, column))}<br>"
             f"<i>source:</i> {safe_text(getattr(r, source_column), 80, 160) or 'none cited'}"
             for r in rows.itertuples()]
    return go.Scatter(
        x=[_day(v) for v in rows[column]], y=rows["label"].tolist(), mode="markers", name=name, uid=uid,
        marker={"color": color, "symbol": symbol, "size": size, "line": {"width": 1, "color": "#222"}},
        customdata=[_custom(r.key, getattr(r, column), getattr(r, source_column)) for r in rows.itertuples()],
        hovertext=hover, hoverinfo="text", meta={"filter": True, "short": short or name}, xaxis=xaxis, yaxis=yaxis,
        legendgroup=uid)


def timeline_traces(rows: pd.DataFrame) -> list:
    """The traces of the negotiation timeline (``negotiation_rows``): bars for talks (signed, ended unsigned, open) and
    for signing → entry into force, and a marker for each cited launch, signing, entry into force and end.

    Trace ``uid``s name what they draw (the browser test counts the marks of each).
    """
    signed, ended, open_ = (rows[rows["outcome"] == o] for o in ("signed", "ended", "open"))
    in_force = signed[signed["entered_into_force"].notna()]
    not_in_force = signed[signed["entered_into_force"].isna()]
    return [
        _bar(signed, "launch_day", "talks_end_day", "talks: launch → signing", COLORS["signed"], "bar-signed", "talks",
             short="talks → signed"),
        _bar(ended, "launch_day", "talks_end_day", "talks: launch → ended unsigned", COLORS["failed"], "bar-ended", "talks",
             short="talks → ended"),
        _bar(open_, "launch_day", "talks_end_day", "talks still open", COLORS["open"], "bar-open", "talks", short="still open"),
        _bar(in_force.assign(sign_day=in_force["signed"].map(_day)), "sign_day", "after_end_day",
             "signed → in force", COLORS["in_force"], "bar-in-force", "after signing", opacity=0.55),
        _bar(not_in_force.assign(sign_day=not_in_force["signed"].map(_day)), "sign_day", "after_end_day",
             "signed, never / not yet in force", COLORS["open"], "bar-not-in-force", "after signing", opacity=0.45,
             short="not in force"),
        _points(rows, "launch", "source_launch", "launch (first round, else notice or announcement)", "white", "circle",
                "pt-launch", "launch", short="launch"),
        _points(rows, "signed", "source_signed", "signed", COLORS["signed"], "diamond", "pt-signed", "signed"),
        _points(rows, "entered_into_force", "source_entered_into_force", "entered into force", COLORS["in_force"], "circle",
                "pt-in-force", "entered into force", short="in force"),
        _points(ended, "ended", "source_ended", "ended unsigned", COLORS["failed"], "x", "pt-ended", "ended", size=10,
                short="ended"),
    ]


def deal_rows(documents: pd.DataFrame) -> pd.DataFrame:
    """The 2025–26 deal documents with a usable date (``date``, else ``date_by``: the date by which a source shows it
    existed), each with its ``stage`` (a key of ``DEAL_STAGES``); sorted by partner's first document, then date."""
    docs = documents.copy()
    docs["when_text"] = docs["date"].fillna(docs["date_by"])
    docs = docs[docs["when_text"].notna()].copy()
    docs["day"] = docs["when_text"].map(_day)
    stage_of = {inst: stage for stage, (_, insts, _) in DEAL_STAGES.items() for inst in insts}
    docs["stage"] = docs["instrument"].map(stage_of)
    first = docs.groupby("partner")["day"].transform("min")
    return docs.assign(first=first).sort_values(["first", "partner", "day", "document_id"], kind="mergesort").reset_index(drop=True)


def deal_traces(docs: pd.DataFrame, yaxis: str = "y2", xaxis: str = "x2") -> list:
    """One marker trace per stage of ``DEAL_STAGES`` (from ``deal_rows``); hover: title, date, basis; click: source."""
    import plotly.graph_objects as go

    traces = []
    for stage, (color, _, symbol) in DEAL_STAGES.items():
        part = docs[docs["stage"] == stage]
        hover = [f"<b>{safe_text(r.partner)}</b>: {safe_text(r.title, 70, 160)}<br>{plotly_text(r.instrument.replace('_', ' '))}, "
                 f"{'dated ' if isinstance(r.date, str) else 'existing by '}{plotly_text(r.when_text)}"
                 f"{'; legal basis ' + plotly_text(r.legal_basis) if isinstance(r.legal_basis, str) else ''}"
                 f"<br><i>source:</i> {safe_text(r.source, 80, 160)}" for r in part.itertuples()]
        traces.append(go.Scatter(
            x=part["day"].tolist(), y=[plotly_text(p) for p in part["partner"]], mode="markers", name=f"2025–26: {stage}",
            uid=f"deal-{color}", meta={"short": PHONE_STAGE.get(stage, stage)},
            marker={"color": COLORS[color], "symbol": symbol, "size": 9, "line": {"width": 1, "color": "#222"}},
            customdata=[[r.document_id, r.when_text, source_url(r.source) or ""] for r in part.itertuples()],
            hovertext=hover, hoverinfo="text", xaxis=xaxis, yaxis=yaxis, legendgroup="deals"))
    return traces


def timeline_figure(rows: pd.DataFrame, docs: pd.DataFrame, as_of: str, pledge_start: str, deals_as_of: str | None = None):
    """History (top) and the 2025–26 deal documents (bottom) on one shared date axis.

    Each panel draws its own as-of line: ``as_of`` (the negotiations table; open talks run to it) on top,
    ``deals_as_of`` (the deal documents table; ``as_of`` if not given) below; the pledge's start on both.
    ``layout.meta`` holds the short row labels a phone shows (``short_y``, ``short_y2``, aligned with the categories).
    """
    from plotly.subplots import make_subplots

    deals_as_of = deals_as_of or as_of
    first_year = min((d for d in rows["launch_day"] if d), default="")[:4]
    n_hist, n_deal = len(rows), docs["partner"].nunique()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        row_heights=[n_hist / (n_hist + n_deal), n_deal / (n_hist + n_deal)],
                        subplot_titles=(f"Every US trade negotiation since {first_year}, one row per partner (as of {as_of})",
                                        f"The 2025–26 deals: every document, by partner and stage (as of {deals_as_of})"))
    for trace in timeline_traces(rows):
        fig.add_trace(trace, row=1, col=1)
    for trace in deal_traces(docs, yaxis="y2", xaxis="x2"):
        fig.add_trace(trace, row=2, col=1)
    for row, panel_as_of in ((1, as_of), (2, deals_as_of)):
        fig.add_vline(x=pledge_start, line={"color": COLORS["claim"], "dash": "dot", "width": 1}, row=row, col=1)
        fig.add_vline(x=panel_as_of, line={"color": "#555", "dash": "dot", "width": 1}, row=row, col=1)
    partners = list(dict.fromkeys(docs["partner"]))
    fig.update_layout(meta={"short_y": rows["short"].tolist(), "short_y2": [plotly_text(shorten(p, SHORT_LABEL)) for p in partners]})
    height = int(16 * (n_hist + n_deal) + 330)
    fig.update_layout(
        template="plotly_white", height=height, barmode="overlay", hovermode="closest",
        margin={"l": 10, "r": 10, "t": 60, "b": 40}, font={"family": "system-ui, sans-serif", "size": 12},
        # the legend sits above the first panel's title (about 24 px of the plot's height)
        legend={"orientation": "h", "yanchor": "bottom", "y": round(1 + 24 / (height - 100), 4), "x": 0, "font": {"size": 11}},
        hoverlabel={"align": "left", "namelength": 0}, clickmode="event", dragmode="zoom")
    fig.update_yaxes(type="category", autorange="reversed", tickfont={"size": 10}, automargin=True)
    fig.update_yaxes(categoryorder="array", categoryarray=rows["label"].tolist(), row=1, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=[plotly_text(p) for p in partners], row=2, col=1)
    fig.update_xaxes(type="date", showgrid=True, showticklabels=True)
    for ann in fig.layout.annotations:
        ann.update(x=0, xanchor="left", font={"size": 13})
    return fig


def tariff_figure(path: pd.DataFrame, actions: pd.DataFrame, end: str, partner: str = "China"):
    """The additional economy-wide tariff on ``partner`` as stacked steps by legal authority (``tariffs.rate_path``),
    extended to ``end``, with a marker at each change listing the actions that took effect (click: the document)."""
    import plotly.graph_objects as go

    layers = [m for m in LAYER_LABELS if m in path.columns and path[m].any()]  # the layers this partner ever faced
    days = [d.strftime("%Y-%m-%d") for d in path["effective"]] + [end]
    fig = go.Figure()
    for m in layers:
        values = path[m].tolist() + [path[m].iloc[-1]]
        fig.add_trace(go.Scatter(x=days, y=values, mode="lines", line={"shape": "hv", "width": 0.5, "color": COLORS[m]},
                                 stackgroup="layers", name=LAYER_LABELS[m], uid=f"layer-{m}", hoverinfo="skip"))
    by_id = actions.set_index("action_id")
    hover, custom = [], []
    for r in path.itertuples():
        ids = r.actions.split()
        first = by_id.loc[ids[0]]
        lines = [f"<b>{r.effective:%Y-%m-%d}: total {r.total_pct:.0f}%</b>"]
        instrument = "instrument" if "instrument" in by_id.columns else "document"  # the tariff record names the instrument
        for i in ids:
            rate = by_id.at[i, "rate_pct"] if "rate_pct" in by_id.columns else None
            lines.append(f"{plotly_text(i)}: {safe_text(by_id.at[i, 'measure'])} {'' if pd.isna(rate) else plotly_text(rate) + '%'}"
                         f" — {safe_text(by_id.at[i, 'legal_authority'], 60, 80)}<br>{safe_text(by_id.at[i, instrument], 80, 160)}")
        source = first["source_document"] if isinstance(first["source_document"], str) else first["source_effective"]
        lines.append(f"<i>source:</i> {safe_text(source, 80, 160)}")
        hover.append("<br>".join(lines))
        custom.append([ids[0], r.effective.strftime("%Y-%m-%d"), source_url(source) or ""])
    fig.add_trace(go.Scatter(x=days[:-1], y=path["total_pct"].tolist(), mode="markers", name="a tariff action took effect",
                             uid="pt-tariff", marker={"color": "#222", "size": 8, "symbol": "circle"}, customdata=custom,
                             hovertext=hover, hoverinfo="text"))
    fig.update_layout(template="plotly_white", height=440, hovermode="closest", margin={"l": 10, "r": 10, "t": 40, "b": 40},
                      font={"family": "system-ui, sans-serif", "size": 12}, hoverlabel={"align": "left"},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
                      yaxis={"title": {"text": "additional tariff, %"}, "rangemode": "tozero"}, xaxis={"type": "date"})
    return fig


def filter_options(rows: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """The choices of each filter (value, label) present in the rows, in a fixed order."""
    return {"track": [(t, TRACK_LABELS[t]) for t in TRACK_LABELS if t in set(rows["track"])],
            "era": [(e, f"launched in the {e}") for e in sorted(set(rows["era"]))],
            "outcome": [(o, OUTCOME_LABELS[o]) for o in OUTCOME_LABELS if o in set(rows["outcome"])]}


def figure_json(fig) -> str:
    """A figure as JSON for an inline script: Plotly's serialiser escapes ``<``, ``>`` and ``/``, so no data string can
    close the script element; keys sorted so the bytes are the same on every run."""
    import plotly.io as pio

    return json.dumps(json.loads(pio.to_json(fig, validate=True, remove_uids=False)), sort_keys=True, ensure_ascii=True,
                      separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\/")


def page(timeline, tariffs, rows: pd.DataFrame, title: str, meta: str, intro: str, recent_end: str, partner_rates=None) -> str:
    """The explorer page (``templates/explorer.html.j2``): plotly.js inline, the figures' JSON, the filters.

    Deterministic: fixed element ids, sorted JSON keys, no timestamp. ``title``, ``meta`` and ``intro`` are plain text
    (escaped by the template); ``recent_end``: the right end (ISO day) of the 2025–26 close-up. ``partner_rates``: the
    optional figure of each partner's stages and rate (``partner_rate_figure``), drawn in its own section.
    """
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    env = Environment(loader=PackageLoader("helpers", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      keep_trailing_newline=True)
    row_attrs = {r.key: {"track": r.track, "era": r.era, "outcome": r.outcome} for r in rows.itertuples()}
    data = json.dumps(row_attrs, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\/")
    return env.get_template("explorer.html.j2").render(
        title=title, meta=meta, intro=intro, options=filter_options(rows), n_rows=len(rows),
        plotly_js=Markup(get_plotlyjs().replace("</script", "<\\/script")), timeline_json=Markup(figure_json(timeline)),
        tariff_json=Markup(figure_json(tariffs)), rows_json=Markup(data),
        recent_end=recent_end, partner_json=Markup(figure_json(partner_rates)) if partner_rates is not None else None)
