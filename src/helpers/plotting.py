"""One figure style for the whole project, and deterministic saving as PNG and SVG."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from . import paths
from .figure_layout import (  # noqa: F401  (re-exported: tests and notebooks use them through plotting)
    LEGEND_PLACES,
    FigureLayoutError,
    clear_legends,
    fig_dpi_scale,
    fit_titles,
    freeze_layout,
    layout_problems,
    short_label,
)
from .io import write_bytes

PALETTE = sns.color_palette("colorblind")  # colour-blind-safe
COLORS = {
    "history": PALETTE[0], "signed": PALETTE[0], "in_force": PALETTE[2], "failed": PALETTE[3],
    "open": PALETTE[7], "claim": PALETTE[1], "pledge": PALETTE[1], "published": PALETTE[4],
    "deals": PALETTE[2], "accent": PALETTE[5],
}
CLAIM_STYLE = {"color": COLORS["claim"], "linestyle": "--", "linewidth": 1.4}


def use_style() -> None:
    """Apply the project style (call once per notebook) and pin what makes output files vary between runs."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    matplotlib.rcParams.update({
        "svg.hashsalt": "deal-clock",  # stable element ids in SVG
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.titlelocation": "left",
        "figure.constrained_layout.use": True,
        "font.family": "DejaVu Sans",
    })


def add_source(fig: plt.Figure, source: str) -> None:
    """Write a source line under the figure (bottom left, small grey)."""
    import textwrap

    width_chars = int(fig.get_figwidth() * 16)  # about 16 characters per inch at 7.5 pt
    lines = textwrap.wrap(f"Source: {source}", width_chars)
    fig.text(0.01, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=7.5, color="0.35")
    margin = 0.012 + 0.028 * len(lines) * 4.8 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, margin, 1, 1 - margin))


def stable_svg_ids(svg: bytes) -> bytes:
    """Renumber matplotlib's clip-path ids in order of appearance.

    Matplotlib derives them from a hash of each clip box, whose last floating-point bits can differ between
    processes (layout arithmetic in a different order); the drawing is the same, the ids are not.
    """
    import re

    mapping: dict[bytes, bytes] = {}

    def new_id(match: re.Match) -> bytes:
        old = match.group(2)
        mapping.setdefault(old, b"clip%d" % len(mapping))
        return match.group(1) + mapping[old]

    return re.sub(rb'(clipPath id="|url\(#)(p[0-9a-f]{10})', new_id, svg)


def save_figure(fig: plt.Figure, name: str, folder: Path | None = None) -> list[Path]:
    """Save ``fig`` as ``name``.png and ``name``.svg, atomically and byte-for-byte reproducibly.

    Before saving, long titles are wrapped to fit (``fit_titles``) and a legend over the data is moved clear of it
    (``clear_legends``); a figure that would still show a clipped text or a legend over data raises
    ``FigureLayoutError`` naming what is wrong (``layout_problems``). Returns the two paths. Files whose bytes are
    unchanged keep their timestamps.
    """
    folder = folder or paths.FIGURES
    fig.set_dpi(matplotlib.rcParams["savefig.dpi"])
    fit_titles(fig)  # leaves the figure drawn
    clear_legends(fig, draw=False)  # draws it again only if it moved a legend beside an axes
    freeze_layout(fig, draw=False)
    problems = layout_problems(fig, draw=False)
    if problems:
        raise FigureLayoutError(f"figure '{name}': " + "; ".join(problems))
    saved = []
    for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=meta)
        data = buf.getvalue() if fmt == "png" else stable_svg_ids(buf.getvalue())
        target = Path(folder) / f"{name}.{fmt}"
        write_bytes(target, data)
        saved.append(target)
    return saved


def draw_rate_path(ax: plt.Axes, path, end=None, labels: bool = True) -> None:
    """Step chart of a ``tariffs.rate_path`` (total additional tariff, %), each change labelled with its level."""
    import pandas as pd

    x = list(path["effective"]) + [pd.Timestamp(end) if end is not None else path["effective"].iloc[-1]]
    y = list(path["total_pct"]) + [path["total_pct"].iloc[-1]]
    ax.step(x, y, where="post", color=COLORS["failed"], lw=1.8)
    if labels:
        for r in path.itertuples():
            ax.annotate(f"{r.total_pct:.0f}%", (r.effective, r.total_pct), xytext=(3, 3),
                        textcoords="offset points", fontsize=8, color="0.25")
    ax.set_ylim(0, max(y) * 1.15)


def replication_dumbbell(rebuilt, claim_signing: float, claim_implementation: float) -> plt.Figure:
    """Published vs rebuilt months per partner, launch->signing and launch->entry into force, claim lines marked."""
    order = rebuilt.sort_values("ours_months_to_implementation")
    fig, axes = plt.subplots(1, 2, figsize=(10, 6.5), sharey=True)
    y = range(len(order))
    for ax, what, claim in ((axes[0], "signing", claim_signing), (axes[1], "implementation", claim_implementation)):
        pub, ours = order[f"published_months_to_{what}"], order[f"ours_months_to_{what}"]
        ax.hlines(y, pub, ours, color="0.7", lw=1.5)
        ax.scatter(pub, y, color=COLORS["published"], label="Freund & McDaniel (2016)", zorder=3, s=28)
        ax.scatter(ours, y, color=COLORS["history"], label="rebuilt from cited dates", zorder=3, s=28, marker="D")
        ax.axvline(claim, **CLAIM_STYLE)
        ax.annotate(f"claim: {claim:.0f}", (claim, len(order) - 0.5), xytext=(4, 0), textcoords="offset points",
                    color=COLORS["claim"], fontsize=8.5)
        ax.set(xlabel=f"months from first round to {'signing' if what == 'signing' else 'entry into force'}")
    axes[0].set_yticks(list(y), order["partner"])
    axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle(f"Rebuilt from cited dates, the published averages hold: mean {order['ours_months_to_signing'].mean():.1f} months to "
                 f"signing (published {claim_signing:.0f}),\n{order['ours_months_to_implementation'].mean():.1f} to entry into force "
                 f"({claim_implementation:.0f})", x=0.01, ha="left", fontweight="bold", fontsize=11.5)
    return fig


def months_to_signing_bars(agreements, claim_signing: float, pledge_days: float, days_per_month: float) -> plt.Figure:
    """Every signed US trade agreement once (``replication.signed_agreements``): calendar months from launch to
    signing, against the claim and the pledge. Accessions (a partner joining talks under way) are their own class:
    drawn hatched and grey, and left out of the count in the title."""
    from matplotlib.patches import Patch

    order = agreements.sort_values(["months", "unit_id"], ascending=[False, True], kind="mergesort")
    accession = (order["track"] == "accession").to_numpy()
    labels = [short_label(f"{a}: {p} joins" if t == "accession" else f"{a} ({n} partners)" if n > 1 else a, 40)
              for a, p, t, n in zip(order["agreement"], order["partners"], order["track"], order["n_rows"])]
    colors = [COLORS["open"] if t == "accession" else COLORS["history"] if t == "congressional_fta" else COLORS["accent"]
              for t in order["track"]]
    fig, ax = plt.subplots(figsize=(11, max(5, 0.26 * len(order) + 1.2)))
    bars = ax.barh(range(len(order)), order["months"], color=colors)
    for bar, joined in zip(bars, accession):
        if joined:
            bar.set_hatch("///")
            bar.set_edgecolor("white")
    pledge_months = pledge_days / days_per_month
    ax.axvline(claim_signing, **CLAIM_STYLE)
    ax.axvline(pledge_months, color=COLORS["pledge"], lw=1.2, ls=":")
    ax.annotate(f"{claim_signing:.0f}-month average", (claim_signing, -0.6), xytext=(4, 0),
                textcoords="offset points", color=COLORS["claim"], fontsize=8.5, va="bottom")
    ax.annotate(f"{pledge_days:g} days", (pledge_months, -0.6), xytext=(-4, 0), textcoords="offset points", ha="right",
                color=COLORS["pledge"], fontsize=8.5, va="bottom")
    ax.set_yticks(range(len(order)), labels, fontsize=8)
    ax.set(xlabel="calendar months from launch (first round; the announcement where none is cited) to signing",
           ylim=(len(order) - 0.4, -1.6))
    counted = order[~accession]
    within = int((counted["months"] <= pledge_months).sum())
    ax.set_title(f"{within} of {len(counted)} signed US trade agreements, each counted once, took {pledge_days:g} days or less; "
                 f"the median took {counted['months'].median():.0f} months")
    handles = [Patch(color=COLORS["history"], label="congressional free trade agreement"),
               Patch(color=COLORS["accent"], label="executive / limited agreement, renegotiation or plurilateral")]
    if accession.any():
        handles.append(Patch(facecolor=COLORS["open"], edgecolor="white", hatch="///",
                             label="accession: a partner joining talks under way (its own class, not counted)"))
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    return fig


def negotiation_timeline(table, as_of: str, claim_signing: float, claim_implementation: float) -> plt.Figure:
    """Every negotiation as a line from launch: to signing, on to entry into force, or to its end (x) or today.

    Ticks mark where each negotiation would stand at the claimed months to signing and to implementation.
    """
    import pandas as pd

    from .dates import coarse_start, parse_partial_date

    def ts(value):
        d = coarse_start(parse_partial_date(value)) if isinstance(value, str) else None
        return pd.Timestamp(d) if d else None

    rows = table.assign(launch_ts=table["launch"].map(ts)).sort_values(["launch_ts", "negotiation_id"], ascending=[False, True])
    fig, ax = plt.subplots(figsize=(12, max(6, 0.22 * len(rows))))
    today = pd.Timestamp(as_of)
    for y, r in enumerate(rows.itertuples()):
        launch, signed, eif, ended = r.launch_ts, ts(r.signed), ts(r.entered_into_force), ts(r.ended)
        if signed is not None:
            ax.plot([launch, signed], [y, y], color=COLORS["signed"], lw=3, solid_capstyle="butt")
            end_force = eif or (ended if ended is not None else today)
            ax.plot([signed, end_force], [y, y], color=COLORS["in_force"] if eif else COLORS["open"], lw=1.6,
                    ls="-" if eif else ":")
            if eif is not None:
                ax.plot(eif, y, "o", color=COLORS["in_force"], ms=3.5)
        else:
            stop = ended if ended is not None else today
            ax.plot([launch, stop], [y, y], color=COLORS["failed"] if r.outcome == "ended" else COLORS["open"], lw=3,
                    solid_capstyle="butt")
            if r.outcome == "ended" and ended is not None:
                ax.plot(stop, y, "x", color=COLORS["failed"], ms=6, mew=1.8)
        for months in (claim_signing, claim_implementation):
            ax.plot(launch + pd.DateOffset(months=int(months)), y, "|", color=COLORS["claim"], ms=7, mew=1.2)
    ax.set_yticks(range(len(rows)), [short_label(f"{p} – {a}" if len(p) < 20 else a, 34)
                                     for p, a in zip(rows["partner"], rows["agreement"])], fontsize=7)
    ax.set(xlabel="year", ylim=(-0.8, len(rows) - 0.2))
    from matplotlib.lines import Line2D
    ax.legend(handles=[
        Line2D([], [], color=COLORS["signed"], lw=3, label="launch to signing"),
        Line2D([], [], color=COLORS["in_force"], lw=1.6, marker="o", ms=3.5, label="signing to entry into force"),
        Line2D([], [], color=COLORS["failed"], lw=3, marker="x", label="never signed: ended"),
        Line2D([], [], color=COLORS["open"], lw=3, label="open, or signed and not in force"),
        Line2D([], [], color=COLORS["claim"], lw=0, marker="|", ms=8, label=f"{claim_signing:g} and {claim_implementation:g} months after launch"),
    ], loc="lower left", fontsize=7.5)
    return fig


def draw_marks(ax: plt.Axes, marks: dict[str, float], label: bool = False) -> None:
    """Vertical reference lines: the first mark dotted (the pledge), the others dashed (the claim), optional labels."""
    for i, (name, months) in enumerate(marks.items()):
        style = {"color": COLORS["pledge"], "lw": 1.2, "ls": ":"} if i == 0 else CLAIM_STYLE
        ax.axvline(months, **style)
        if label:
            ax.annotate(name, (months, 0.02), xytext=(3, 0), textcoords="offset points", fontsize=7.5,
                        color=COLORS["claim"], va="bottom", rotation=90, xycoords=("data", "axes fraction"))


CLASS_COLORS = {"all agreements": "0.25", "congressional FTAs": PALETTE[0], "executive / limited": PALETTE[2],
                "renegotiations": PALETTE[4], "2025–26 partners": PALETTE[3], "accessions": PALETTE[7],
                "2025–26, talks documented": PALETTE[3], "2025–26, whole cohort": PALETTE[4],
                "2025–26, from the announcement": PALETTE[3], "2025–26, from the first round": PALETTE[4],
                "United States": PALETTE[3], "all but the United States": PALETTE[0]}


def incidence_panels(panels: dict, marks: dict[str, float], horizon_months: float = 72,
                     ylabel: str = "share of agreements signed") -> plt.Figure:
    """Small multiples of cumulative-incidence step curves: ``panels`` maps a panel title to
    {curve label: (times, incidence, n[, until])}, ``until`` being where the curve's follow-up ends;
    ``marks`` are reference lines (label -> months)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.1 * len(panels) + 0.6, 4.6), sharey=True, squeeze=False)
    for ax, (title, curves) in zip(axes[0], panels.items()):
        for k, (label, (times, inc, n, *until)) in enumerate(curves.items()):
            end = min(until[0], horizon_months) if until else horizon_months  # a curve stops where its follow-up ends
            keep = np.asarray(times, dtype=float) <= end
            times, inc = np.asarray(times, dtype=float)[keep], np.asarray(inc, dtype=float)[keep]
            x = np.r_[0.0, times, end]
            y = np.r_[0.0, inc, inc[-1] if len(inc) else 0.0]
            ax.step(x, y, where="post", lw=2 if label != "all agreements" else 1.4,
                    color=CLASS_COLORS.get(label, PALETTE[(k + 5) % len(PALETTE)]), label=f"{label} (n = {n})",
                    ls="-" if label != "all agreements" else "--")
        ax.legend(loc="upper left", fontsize=7.5)
        draw_marks(ax, marks, label=ax is axes[0][0])
        ax.set(title=title, xlabel="months since launch", xlim=(0, horizon_months), ylim=(0, 1))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    axes[0][0].set_ylabel(ylabel)
    return fig


def survival_curves(km, cif, marks: dict[str, float], horizon_months: float = 75) -> plt.Figure:
    """Left: Kaplan-Meier P(signed by t) with its band; right: cumulative incidence of signing and of ending unsigned."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8), sharey=True)
    left.step(km["time"], 1 - km["survival"], where="post", color=COLORS["signed"], label="Kaplan–Meier: 1 − S(t)")
    left.fill_between(km["time"], 1 - km["upper"], 1 - km["lower"], step="post", color=COLORS["signed"], alpha=0.2,
                      label="95% interval")
    left.set(title="Ending unsigned treated as censoring", xlabel="months since launch", ylabel="probability")
    from .survival import pointwise_ci

    for cause, color in (("signed", COLORS["signed"]), ("ended unsigned", COLORS["failed"])):
        part = cif[cif["cause"] == cause]
        right.step(part["time"], part["incidence"], where="post", color=color, label=f"{cause}")
        low, high = pointwise_ci(1 - part["incidence"], part["se"])
        right.fill_between(part["time"], 1 - high, 1 - low, step="post", color=color, alpha=0.15)
    right.set(title="Ending unsigned as a competing outcome", xlabel="months since launch")
    for ax in (left, right):
        draw_marks(ax, marks)
        ax.set_xlim(0, horizon_months)
        ax.set_ylim(0, 1)
        ax.legend(loc="upper left", fontsize=8)
    return fig


def scorecard(counts, pledge, coverage=None, milestones=None) -> plt.Figure:
    """Cumulative 2025-26 deals by stage against the pledge line; optional lower panel: share of imports covered."""
    from .deals import DOCUMENT_STAGE_LABELS as STAGE_LABELS
    from .deals import DOCUMENT_STAGES

    STAGES = list(DOCUMENT_STAGES)

    rows = 2 if coverage is not None else 1
    fig, axes = plt.subplots(rows, 1, figsize=(10, 6.6 if rows == 2 else 4.8), sharex=True,
                             height_ratios=[3, 1.4][:rows], squeeze=False)
    ax = axes[0, 0]
    ax.plot(counts["date"], pledge, color=COLORS["pledge"], ls="--", lw=1.6, label="pledge: 90 deals in 90 days")
    shades = [PALETTE[2], PALETTE[0], PALETTE[4], PALETTE[3], PALETTE[7]]
    for stage, color in zip(STAGES + ["in_effect"], shades):
        ax.step(counts["date"], counts[stage], where="post", color=color, lw=2 if stage != "in_effect" else 1.4,
                ls="-" if stage != "in_effect" else "--", label=STAGE_LABELS[stage])
    for label, day in (milestones or {}).items():
        ax.axvline(day, color="0.5", lw=0.8, ls=":")
        ax.annotate(label, (day, ax.get_ylim()[1] * 0.93), rotation=90, va="top", ha="right", fontsize=7.5, color="0.3",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set(ylabel="partners (cumulative)")
    ax.legend(loc="center right", bbox_to_anchor=(1.0, 0.6), fontsize=8)
    if coverage is not None:
        low = axes[1, 0]
        low.fill_between(counts["date"], 100 * coverage, step="post", color=PALETTE[2], alpha=0.35)
        low.step(counts["date"], 100 * coverage, where="post", color=PALETTE[2])
        low.set(ylabel="% of 2024 US\nimports covered", ylim=(0, 100), xlabel="date")
    else:
        ax.set_xlabel("date")
    return fig


def labelled_rate_path(path, labels: list[str], end) -> plt.Figure:
    """China's additional tariff as a step chart; each change numbered on the line and listed in a key."""
    import matplotlib.dates as mdates

    fig, ax = plt.subplots(figsize=(11, 5.2))
    draw_rate_path(ax, path, end=end, labels=False)
    for i, r in enumerate(path.itertuples(), start=1):
        ax.annotate(str(i), (r.effective, r.total_pct), xytext=(4, 4), textcoords="offset points", fontsize=8,
                    fontweight="bold", color=COLORS["failed"])
    key = "\n".join(f"{i}. {text} (total {t:g}%)" for i, (text, t) in enumerate(zip(labels, path["total_pct"]), start=1))
    ax.text(0.99, 0.97, key, transform=ax.transAxes, ha="right", va="top", multialignment="left", fontsize=7.8, color="0.2", linespacing=1.5,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8"})
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set(xlabel="date the rate took effect",
           ylabel="additional US tariff on Chinese goods, %\n(economy-wide layers; excl. product lists)")
    return fig


def jitter(n: int, spread: float = 0.25) -> np.ndarray:
    """Deterministic vertical offsets for ``n`` points of a strip plot (no randomness: figures stay reproducible)."""
    import numpy as np

    return (np.arange(n) % 5 - 2) * spread / 2


def pace_panels(signed: dict, open_now: dict, window_days: int, pledge: int) -> plt.Figure:
    """Top: agreements signed in the ``window_days`` days ending each day (one step line per group); bottom: negotiations
    open at once. ``signed`` and ``open_now`` map a group label to a daily series (``pace.rolling_counts`` /
    ``pace.open_at_once``). The pledge is marked as text where it would be off the scale."""
    from matplotlib.ticker import MaxNLocator

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6.4), sharex=True, gridspec_kw={"height_ratios": [1.2, 1]})
    colors = [COLORS["history"], COLORS["deals"], COLORS["accent"]]
    for k, (label, series) in enumerate(signed.items()):
        top.step(series.index, series.to_numpy(), where="post", color=colors[k % 3], lw=1.6, label=label)
    peak = max(int(s.max()) for s in signed.values())
    top.set(ylabel=f"signed in the last {window_days} days", ylim=(0, peak + 2))
    top.annotate(f"the pledge: {pledge} in {window_days} days (off the scale)", xy=(0.99, 0.93), xycoords="axes fraction",
                 ha="right", va="top", fontsize=8.5, color=COLORS["pledge"])
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.legend(loc="upper left", fontsize=8)
    for k, (label, series) in enumerate(open_now.items()):
        bottom.step(series.index, series.to_numpy(), where="post", color=colors[k % 3], lw=1.6, label=label)
    bottom.set(ylabel="negotiations open at once", xlabel="")
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.legend(loc="upper left", fontsize=8)
    return fig


def deadline_strip(table, window_days: int, horizon_days: int = 365) -> plt.Figure:
    """Each signing's days to the next applicable legal deadline (one dot per agreement, by group), with the
    ``window_days`` band shaded; signings with no deadline within ``horizon_days`` sit at the right edge."""
    fig, ax = plt.subplots(figsize=(11, 3.4 + 0.35 * table["group"].nunique()))
    groups = list(dict.fromkeys(table["group"]))
    ax.axvspan(0, window_days, color=COLORS["pledge"], alpha=0.12, lw=0)
    for k, group in enumerate(groups):
        part = table[table["group"] == group]
        days = np.minimum(part["days_to_deadline"].to_numpy(float), horizon_days)
        jitter = (np.arange(len(days)) % 5 - 2) * 0.06
        ax.scatter(days, np.full(len(days), k) + jitter, s=28, color=PALETTE[k % len(PALETTE)], zorder=3,
                   edgecolor="white", linewidth=0.5)
    ax.set_yticks(range(len(groups)), groups)
    ax.set(xlim=(-5, horizon_days + 10), ylim=(-0.7, len(groups) - 0.3),
           xlabel=f"days from signing to the next legal deadline (no deadline within {horizon_days} days: right edge)")
    ax.annotate(f"within {window_days} days\nbefore a deadline", (window_days + 4, -0.6), ha="left", va="bottom",
                fontsize=8, color="0.3")
    return fig
