"""Figures of the rate each partner faced (issue 22): the report's panels (matplotlib, notebook 12) and the explorer's
partner view (Plotly, notebook 09) -- each partner's headline additional rate stacked by legal authority, the duties it
paid, and its deal stages on one time axis. Apart from ``helpers.plotting`` and ``helpers.explorer``, which it draws on,
so each of those keeps one job."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .explorer import COLORS, DEAL_STAGES, LAYER_LABELS, plotly_text, safe_text, source_url
from .plotting import PALETTE

# --- The rate each partner faced (notebook 12) ----------------------------------------------------------------------
RATE_LAYERS = {"reciprocal_ieepa": ("IEEPA reciprocal", PALETTE[1]), "fentanyl_ieepa": ("IEEPA fentanyl", PALETTE[3]),
               "ieepa_other": ("IEEPA other (Brazil 40%, India 25%)", PALETTE[4]), "section_122": ("Section 122 surcharge", PALETTE[0]),
               "section_301": ("Section 301 on all goods", PALETTE[2]), "section_338": ("Section 338 on all goods", PALETTE[9])}
STAGE_MARKS = {"announced": ("o", "deal announced"), "framework_or_statement": ("s", "written framework or statement"),
               "binding_agreement": ("*", "binding agreement signed"), "implemented": ("^", "US implementing order")}


def partner_rate_panels(daily, collected, stages, partners, shares, end, ncols: int = 4) -> plt.Figure:
    """One panel per partner on one time axis: the headline additional statutory rate stacked by legal authority
    (``tariffs.daily_rates``), the collected rate by month (``duties.collected_rates``, all duties paid over imports),
    and the partner's deal stages (``deals.document_stages``) marked along the top. Product-specific rates are not
    drawn into the stack (each panel names their highest rate at ``end`` instead)."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    nrows = -(-len(partners) // ncols)
    fig = plt.figure(figsize=(13, 2.35 * nrows + 1.6))
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.32] + [1] * nrows)
    key = fig.add_subplot(grid[0, :])  # a row of its own for the key, so it never covers data or the source line
    key.axis("off")
    key.set(xticks=[], yticks=[])  # no ticks of its own to be measured against the figure's edge
    axes = np.empty((nrows, ncols), dtype=object)
    for i in range(nrows):
        for j in range(ncols):
            axes[i, j] = fig.add_subplot(grid[i + 1, j], sharex=axes[0, 0] if (i or j) else None)
    start, stop = pd.Timestamp(daily["date"].min()), pd.Timestamp(end)
    layers = [m for m in RATE_LAYERS if (daily[f"{m}_pct"] > 0).any()]
    for ax, partner in zip(axes.flat, partners):
        rows = daily[daily["partner"] == partner]
        days = pd.to_datetime(rows["date"])
        base = np.zeros(len(rows))
        for layer in layers:
            top = base + rows[f"{layer}_pct"].to_numpy()
            ax.fill_between(days, base, top, step="post", color=RATE_LAYERS[layer][1], alpha=0.85, lw=0)
            base = top
        capped = rows["all_in_layers"].fillna("").ne("").to_numpy()
        if capped.any():  # an all-in cap: the headline counts the cap (the rate where MFN is zero)
            ax.fill_between(days, 0, base, where=capped, step="post", facecolor="none", edgecolor="white", hatch="////", lw=0)
        code = rows["partner_code"].iloc[0]
        paid = collected[(collected["partner_code"] == code) & (collected["date"] >= start) & (collected["date"] <= stop)]
        ax.plot(paid["date"] + pd.Timedelta(days=14), 100 * paid["collected_rate"], color="0.1", lw=1.3, marker="o", ms=2.2)
        high = max(float(base.max()), float(100 * paid["collected_rate"].max()) if len(paid) else 0.0, 10.0)
        ax.set_ylim(0, high * 1.22)
        for stage, (marker, _) in STAGE_MARKS.items():
            when = stages.get(partner, {}).get(stage)
            if when is not None and pd.notna(when) and start <= when <= stop:
                ax.plot([when], [0.93], marker=marker, color="0.15", ms=6 if marker != "*" else 9, mfc="white" if marker == "o" else "0.15",
                        transform=ax.get_xaxis_transform(), clip_on=False, zorder=5)
        product = rows["product_max_pct"].iloc[-1]
        ax.text(0.99, 0.80, f"named products: up to {product:.0f}%", transform=ax.transAxes, ha="right", va="top", fontsize=7,
                color="0.3")
        ax.set_title(f"{partner} ({100 * shares[partner]:.1f}% of imports)", fontsize=9.5, loc="left")
        ax.tick_params(labelsize=7.5)
        ax.set_xlim(start, stop)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    for ax in list(axes.flat)[len(partners):]:
        fig.delaxes(ax)  # an empty slot of the last row: removed, not hidden, so none of its ticks is drawn or measured
    for ax in axes[:, 0]:
        ax.set_ylabel("% of import value", fontsize=8)
    handles = [Patch(color=RATE_LAYERS[m][1], label=RATE_LAYERS[m][0]) for m in layers]
    handles += [Patch(facecolor="0.75", edgecolor="white", hatch="////", label="all-in cap (counted at the cap)"),
                Line2D([], [], color="0.1", marker="o", ms=3, lw=1.3, label="collected: all duties / imports, by month")]
    handles += [Line2D([], [], ls="", marker=m, color="0.15", mfc="white" if m == "o" else "0.15", label=label)
                for m, label in STAGE_MARKS.values()]
    key.legend(handles=handles, loc="center", ncols=5, fontsize=7.8, frameon=False)
    for i, ax in enumerate(list(axes.flat)[:len(partners)]):
        if i + ncols < len(partners):  # dates only under the lowest panel of each column
            ax.tick_params(labelbottom=False)
    return fig


# --- Each partner's deal stages and the rate it faced, on one time axis (issue 22, item 5) ---------------------------------
PARTNER_LAYER_LABELS = {**LAYER_LABELS, "ieepa_other": "IEEPA: other (Brazil 40%, India 25%)"}
STAGE_SYMBOLS = {"announcement": "circle-open", "written text": "square", "binding agreement": "star",
                 "US implementing order": "triangle-up"}


def partner_rate_figure(paths: dict[str, pd.DataFrame], collected: pd.DataFrame, docs: pd.DataFrame, start: str, end: str):
    """For each partner (``paths``: partner -> ``tariffs.rate_path``, in menu order) the headline additional rate stacked
    by legal authority from ``start`` to ``end`` (every partner on the same axis), the collected rate by month
    (``collected``: partner_code, date, collected_rate), and
    each dated deal document (``deal_rows``) on the same time axis; a menu shows one partner at a time. Hover shows
    each rate and document with its date; clicking a document opens its source. Every data string is escaped."""
    import plotly.graph_objects as go

    from .countries import partner_code

    fig = go.Figure()
    owner = []  # the partner of each trace, for the menu
    for partner, path in paths.items():
        days = [d.strftime("%Y-%m-%d") for d in path["effective"]] + [end]
        first = not owner
        for m in [m for m in PARTNER_LAYER_LABELS if m in path.columns and path[m].any()]:
            values = path[m].tolist() + [path[m].iloc[-1]]
            capped = [m in str(a).split() for a in path.get("all_in", pd.Series("", index=path.index)).fillna("")]
            notes = [" (an all-in cap: MFN duty included, counted here at the cap)" if c else "" for c in capped + capped[-1:]]
            hover = [f"<b>{plotly_text(partner)}</b><br>{plotly_text(PARTNER_LAYER_LABELS[m])}: {v:g}%{note}<br>from {day}"
                     for v, note, day in zip(values, notes, days)]
            fig.add_trace(go.Scatter(x=days, y=values, mode="lines", line={"shape": "hv", "width": 0.5, "color": COLORS[m]},
                                     stackgroup=f"rate-{len(owner)}", name=PARTNER_LAYER_LABELS[m], visible=first,
                                     hovertext=hover, hoverinfo="text",
                                     legendgroup=m, uid=f"rate-{slug_id(partner)}-{m}"))
            owner.append(partner)
        code = partner_code(partner)
        paid = collected[(collected["partner_code"] == code) & (collected["date"] >= pd.Timestamp(start).replace(day=1))]
        fig.add_trace(go.Scatter(x=[(d + pd.Timedelta(days=14)).strftime("%Y-%m-%d") for d in paid["date"]],
                                 y=[round(100 * v, 2) for v in paid["collected_rate"]], mode="lines+markers", visible=first,
                                 line={"color": "#222", "width": 1.5}, marker={"size": 4}, name="collected: all duties / imports",
                                 hovertext=[f"<b>{plotly_text(partner)}</b><br>collected in {d:%b %Y}: {100 * v:.1f}% of imports"
                                            for d, v in zip(paid["date"], paid["collected_rate"])],
                                 hoverinfo="text", uid=f"paid-{slug_id(partner)}"))
        owner.append(partner)
        mine = docs[docs["partner"] == partner]
        for stage, symbol in STAGE_SYMBOLS.items():
            part = mine[mine["stage"] == stage]
            hover = [f"<b>{safe_text(r.title, 70, 160)}</b><br>{plotly_text(r.instrument.replace('_', ' '))}, "
                     f"{'dated ' if isinstance(r.date, str) else 'existing by '}{plotly_text(r.when_text)}"
                     f"<br><i>source:</i> {safe_text(r.source, 80, 160)}" for r in part.itertuples()]
            fig.add_trace(go.Scatter(x=part["day"].tolist(), y=[1.0] * len(part), yaxis="y2", mode="markers", visible=first,
                                     marker={"symbol": symbol, "size": 11, "color": COLORS[DEAL_STAGES[stage][0]],
                                             "line": {"width": 1, "color": "#222"}},
                                     name=f"deal document: {stage}", hovertext=hover, hoverinfo="text",
                                     customdata=[[r.document_id, r.when_text, source_url(r.source) or ""] for r in part.itertuples()],
                                     uid=f"stage-{slug_id(partner)}-{DEAL_STAGES[stage][0]}"))
            owner.append(partner)
    buttons = [{"label": plotly_text(p), "method": "update", "args": [{"visible": [o == p for o in owner]}]} for p in paths]
    fig.update_layout(
        template="plotly_white", height=460, hovermode="closest", margin={"l": 10, "r": 10, "t": 50, "b": 40},
        font={"family": "system-ui, sans-serif", "size": 12}, hoverlabel={"align": "left"},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left", "y": 1.13, "yanchor": "top",
                      "showactive": True}],
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        xaxis={"type": "date", "domain": [0, 1], "range": [start, end]},
        yaxis={"title": {"text": "additional tariff / duties paid, %"}, "rangemode": "tozero", "domain": [0, 0.86]},
        yaxis2={"domain": [0.88, 1], "showticklabels": False, "showgrid": False, "zeroline": False, "range": [0, 2],
                "title": {"text": "deal"}})
    return fig


def slug_id(text: str) -> str:
    """An id-safe slug of ``text`` (letters, digits, hyphens) for trace uids."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
