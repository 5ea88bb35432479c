"""One figure style for the whole project, and deterministic saving as PNG and SVG."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns

from . import paths
from .io import write_bytes

PALETTE = sns.color_palette("colorblind")  # colour-blind-safe
COLORS = {
    "history": PALETTE[0], "signed": PALETTE[0], "in_force": PALETTE[2], "failed": PALETTE[3],
    "open": PALETTE[7], "claim": PALETTE[1], "pledge": PALETTE[1], "published": PALETTE[4],
    "deals": PALETTE[2], "accent": PALETTE[5],
}
CLAIM_STYLE = {"color": COLORS["claim"], "linestyle": "--", "linewidth": 1.4}


def short_label(text: str, width: int = 42) -> str:
    """Shorten a label to ``width`` characters with an ellipsis, for crowded axes."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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


def save_figure(fig: plt.Figure, name: str, folder: Path | None = None) -> list[Path]:
    """Save ``fig`` as ``name``.png and ``name``.svg, atomically and byte-for-byte reproducibly.

    Returns the two paths. Files whose bytes are unchanged keep their timestamps.
    """
    folder = folder or paths.FIGURES
    saved = []
    for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=meta)
        target = Path(folder) / f"{name}.{fmt}"
        write_bytes(target, buf.getvalue())
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
    fig.suptitle("Rebuilt from cited dates, the published 18- and 45-month averages hold row by row",
                 x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig


def months_to_signing_bars(signed, claim_signing: float) -> plt.Figure:
    """Every signed US negotiation: calendar months from launch to signing, against the claim and 90 days."""
    order = signed.sort_values("months_launch_to_signing")
    labels = [short_label(p if a in (p, f"US-{p} FTA") else f"{p} ({a})") for p, a in zip(order["partner"], order["agreement"])]
    colors = [COLORS["accent"] if k != "fta" else COLORS["history"] for k in order["kind"]]
    fig, ax = plt.subplots(figsize=(10, max(5, 0.24 * len(order))))
    ax.barh(range(len(order)), order["months_launch_to_signing"], color=colors)
    ax.axvline(claim_signing, **CLAIM_STYLE)
    ax.axvline(90 / 30.4375, color=COLORS["pledge"], lw=1.2, ls=":")
    ax.annotate(f"{claim_signing:.0f}-month average", (claim_signing, len(order) - 0.6), xytext=(4, 0),
                textcoords="offset points", color=COLORS["claim"], fontsize=8.5)
    ax.annotate("90 days", (90 / 30.4375, 0), xytext=(4, 0), textcoords="offset points", color=COLORS["pledge"], fontsize=8.5)
    ax.set_yticks(range(len(order)), labels, fontsize=7.5)
    ax.set(xlabel="months from launch (first negotiating round) to signing", ylim=(-0.7, len(order) - 0.3))
    fastest = order.iloc[0]
    ax.set_title(f"The fastest US trade agreement took {fastest['months_launch_to_signing']:.0f} months to sign; none came close to 90 days")
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=COLORS["history"], label="free trade agreement"),
                       Patch(color=COLORS["accent"], label="limited / executive agreement or renegotiation")],
              loc="lower right", fontsize=8)
    return fig
