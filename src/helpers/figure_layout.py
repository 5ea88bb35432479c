"""Figures that a reader can read: titles wrapped to the figure, legends moved off the data, and a check that fails
naming what is still clipped or covered (``save_figure`` runs it on every figure the notebooks make)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np


def short_label(text: str, width: int = 42) -> str:
    """Shorten a label to ``width`` characters with an ellipsis, for crowded axes."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class FigureLayoutError(ValueError):
    """A saved figure would show a clipped title or label, or a legend over its data."""


def _titles(fig: plt.Figure) -> list:
    """The title texts of ``fig``: the suptitle and every axes title (left, centre, right) that holds text."""
    found = [fig._suptitle] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        found += [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]
    return [t for t in found if t.get_visible() and t.get_text()]


def fit_titles(fig: plt.Figure, margin_px: float = 4) -> None:
    """Wrap any title (suptitle or axes title) that would run past the figure's edge onto more lines.

    Each line of the title is re-wrapped on its own, so line breaks the author chose stay. Call with the layout
    engine on (``save_figure`` does): the layout then makes room for the extra lines. Leaves the figure drawn.
    """
    import textwrap

    for _ in range(4):  # wrapping changes the layout, which can move a title: measure again
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        width = fig.bbox.width
        changed = False
        for text in _titles(fig):
            box = text.get_window_extent(renderer)
            if box.x1 <= width - margin_px and box.x0 >= margin_px:
                continue
            room = (width - margin_px - max(box.x0, margin_px)) if text.get_ha() == "left" else width - 2 * margin_px
            lines = text.get_text().split("\n")
            longest = max(lines, key=len)
            chars = max(10, int(len(longest) * room / max(box.width, 1) * 0.97))
            text.set_text("\n".join(w for line in lines for w in (textwrap.wrap(line, chars) or [""])))
            changed = True
        if not changed:
            return
    fig.canvas.draw()  # leave the figure drawn as it now stands


# A legend found over the data is moved to the first of these places that is clear, else beside the axes.
LEGEND_PLACES = ("upper left", "upper right", "lower right", "lower left", "center right", "center left", "upper center",
                 "lower center", "center")


def _data_paths(ax: plt.Axes) -> list[tuple[str, object, bool]]:
    """(what, display-space path, filled) for everything an axes plots from data: lines (as drawn, steps included),
    markers, bars, filled areas and line collections. Reference lines drawn across the axes (axvline, axhline)
    and grid lines are not data."""
    from matplotlib.cbook import STEP_LOOKUP_MAP
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection
    from matplotlib.patches import Rectangle
    from matplotlib.path import Path as MplPath

    paths = []
    for line in ax.get_lines():
        if not line.get_visible() or line.get_transform() != ax.transData:
            continue
        xy = np.asarray(line.get_xydata(), dtype=float)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if not len(xy):
            continue
        if line.get_linestyle() not in ("None", "", " ") and len(xy) > 1:
            steps = STEP_LOOKUP_MAP[line.get_drawstyle()](xy[:, 0], xy[:, 1])
            paths.append((f"line '{line.get_label()}'", MplPath(ax.transData.transform(np.column_stack(steps))), False))
        if line.get_marker() not in ("None", None, "", " "):
            for p in ax.transData.transform(xy):
                paths.append((f"marker of '{line.get_label()}'", MplPath.circle(p, line.get_markersize() / 2 * fig_dpi_scale(ax)), True))
    for coll in ax.collections:
        if not coll.get_visible():
            continue
        if isinstance(coll, PathCollection) and len(coll.get_offsets()):
            sizes = coll.get_sizes() if len(coll.get_sizes()) else [36.0]
            radius = np.sqrt(max(sizes)) / 2 * fig_dpi_scale(ax)
            for p in coll.get_offset_transform().transform(np.asarray(coll.get_offsets(), dtype=float)):
                if np.isfinite(p).all():
                    paths.append((f"points of '{coll.get_label()}'", MplPath.circle(p, radius), True))
        elif isinstance(coll, (PolyCollection, LineCollection)) and coll.get_transform() == ax.transData:
            filled = not isinstance(coll, LineCollection)
            for path in coll.get_paths():
                verts = path.vertices[np.isfinite(path.vertices).all(axis=1)]
                if len(verts) > 1:
                    paths.append((f"area '{coll.get_label()}'" if filled else "lines", MplPath(ax.transData.transform(verts)), filled))
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_transform().contains_branch(ax.transData):
            box = patch.get_window_extent()
            if box.width > 0.5 and box.height > 0.5:
                paths.append(("bar", MplPath.unit_rectangle().transformed(
                    matplotlib.transforms.BboxTransformTo(box)), True))
    return paths


def fig_dpi_scale(ax: plt.Axes) -> float:
    """Display pixels per point for ``ax``'s figure (marker sizes are in points)."""
    return ax.figure.dpi / 72


def _hits(box, paths) -> list[str]:
    """Which of ``paths`` (from ``_data_paths``) cross the display-space box ``box``."""
    inner = box.padded(-1)
    return sorted({what for what, path, filled in paths if path.intersects_bbox(inner, filled=filled)})


def _legend_problems(ax: plt.Axes, renderer) -> list[str]:
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return []
    box = legend.get_window_extent(renderer)
    if not box.overlaps(ax.bbox):
        return []
    hits = _hits(box, _data_paths(ax))
    texts = [t.get_text() for t in ax.texts if t.get_visible() and t.get_text() and t.get_window_extent(renderer).overlaps(box.padded(-1))]
    return hits + [f"text '{t}'" for t in texts]


def clear_legends(fig: plt.Figure, draw: bool = True) -> None:
    """Move every axes legend that lies over plotted data (lines, markers, bars, areas, annotations) to the first
    clear place of ``LEGEND_PLACES``, else beside the axes (right, outside); the layout makes room for it.
    ``draw=False``: the figure was just drawn as it stands."""
    if draw:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    moved = False
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not _legend_problems(ax, renderer):
            continue
        legend.set_bbox_to_anchor(None)
        for place in LEGEND_PLACES:
            legend.set_loc(place)
            if not _legend_problems(ax, renderer):
                break
        else:
            legend.set_loc("upper left")
            legend.set_bbox_to_anchor((1.01, 1.0), transform=ax.transAxes)
            moved = True
    if moved:
        fig.canvas.draw()


def layout_problems(fig: plt.Figure, draw: bool = True) -> list[str]:
    """What a reader would see wrong in ``fig`` as drawn: a title, label, tick label, legend or note cut off by the
    figure's edge (the figure's tight bounding box against its size), and any legend over plotted data or text.
    ``draw=False``: the figure was just drawn as it stands."""
    if draw:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = []
    edge = fig.bbox.padded(1)
    texts = [*_titles(fig), *fig.texts]
    for ax in fig.axes:
        texts += [ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):  # only the ticks drawn (those inside the view limits)
            texts += [label for tick in axis._update_ticks() for label in (tick.label1, tick.label2) if label.get_visible()]
        if ax.get_legend() is not None:
            texts += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
    for text in texts:
        if not text.get_visible() or not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        if box.width and (box.x0 < edge.x0 or box.x1 > edge.x1 or box.y0 < edge.y0 or box.y1 > edge.y1):
            problems.append(f"'{short_label(text.get_text().replace(chr(10), ' '), 60)}' is cut off by the figure's edge")
    tight = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
    if not problems and (tight.x0 < edge.x0 or tight.x1 > edge.x1 or tight.y0 < edge.y0 or tight.y1 > edge.y1):
        problems.append("something drawn runs past the figure's edge")
    for i, ax in enumerate(fig.axes):
        for hit in _legend_problems(ax, renderer):
            problems.append(f"the legend of axes {i} ('{ax.get_title() or ax.get_ylabel()}') lies over {hit}")
    return problems


def freeze_layout(fig: plt.Figure, digits: int = 4, draw: bool = True) -> None:
    """Run the layout once, round every axes position to ``digits`` and switch the layout engine off.

    Constrained layout solves for positions numerically; their last bits can differ between processes,
    which would change the saved files. Rounded, fixed positions make PNG and SVG byte-for-byte reproducible.
    ``draw=False``: the figure was just drawn, at the saving resolution, as it stands.
    """
    if draw:
        fig.set_dpi(matplotlib.rcParams["savefig.dpi"])  # lay out text at the resolution it is saved at
        fig.canvas.draw()
    for ax in fig.axes:
        ax.set_position([round(v, digits) for v in ax.get_position().bounds])
    fig.set_layout_engine("none")
