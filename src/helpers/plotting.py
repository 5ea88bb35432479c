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
    fig.text(0.01, 0.005, f"Source: {source}", ha="left", va="bottom", fontsize=7.5, color="0.35")
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))


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
