"""Figures checked by a test as well as by eye: no title, label or note cut off by the figure's edge, no legend over
plotted data. ``plotting.save_figure`` wraps long titles and moves a legend off the data before saving, and refuses to
save a figure that still shows either fault, so every figure the notebooks make is checked when they run; here every
figure function of ``helpers.plotting`` is drawn on the project's own data, and the four figures found faulty
(issue 27) are rebuilt as the notebooks build them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import plotting, replication, schemas, tariffs  # noqa: E402
from helpers.io import input_path  # noqa: E402
from helpers.paths import REPORTS  # noqa: E402

LONG_TITLE = ("90 deals promised in 90 days: 3 announced and 0 binding by day 90; 11 binding by August 2026, "
              "and a few more words so that no figure width can hold it")


@pytest.fixture(autouse=True)
def style():
    plotting.use_style()
    yield
    plt.close("all")


def saved(fig, tmp_path, name="figure") -> plt.Figure:
    plotting.save_figure(fig, name, tmp_path)
    assert plotting.layout_problems(fig) == []
    return fig


# --- the checker itself can fail --------------------------------------------------------------------------------------

def test_a_clipped_title_is_found():
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([0, 1], [0, 1])
    ax.set_title(LONG_TITLE)
    problems = plotting.layout_problems(fig)
    assert problems and "cut off by the figure's edge" in problems[0] and "90 deals promised" in problems[0]


def test_a_legend_over_a_line_is_found():
    fig, ax = plt.subplots(figsize=(6, 4))
    x = np.linspace(0, 10, 50)
    ax.plot(x, np.full_like(x, 0.05), label="a flat line along the bottom")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower left")
    problems = plotting.layout_problems(fig)
    assert problems == ["the legend of axes 0 ('') lies over line 'a flat line along the bottom'"]


def test_a_legend_over_bars_markers_and_areas_is_found():
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    axes[0].bar(range(5), [9, 9, 9, 9, 9], label="bars")
    axes[0].legend(loc="lower center")
    axes[1].scatter([0.1, 0.2], [0.1, 0.15], s=60, label="points")
    axes[1].set(xlim=(0, 1), ylim=(0, 1))
    axes[1].legend(loc="lower left")
    axes[2].fill_between([0, 1], [0.8, 0.8], label="area")
    axes[2].set(xlim=(0, 1), ylim=(0, 1))
    axes[2].legend(loc="lower right")
    found = " ".join(plotting.layout_problems(fig))
    assert "bar" in found and "points of 'points'" in found and "area 'area'" in found


def test_a_legend_clear_of_the_data_is_not_a_problem():
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([0, 10], [0, 0.2], label="low line")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right")
    assert plotting.layout_problems(fig) == []


# --- save_figure fixes what it can, refuses what it cannot ------------------------------------------------------------

def test_save_figure_wraps_a_long_title(tmp_path):
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([0, 1], [0, 1])
    ax.set_title(LONG_TITLE)
    saved(fig, tmp_path)
    assert "\n" in ax.get_title("left") and ax.get_title("left").replace("\n", " ") == LONG_TITLE


def test_save_figure_keeps_the_authors_line_breaks(tmp_path):
    fig, ax = plt.subplots(figsize=(6, 4))
    fig.suptitle("First line, short\n" + LONG_TITLE, x=0.01, ha="left")
    ax.plot([0, 1], [0, 1])
    saved(fig, tmp_path)
    assert fig._suptitle.get_text().startswith("First line, short\n")


def test_save_figure_moves_a_legend_off_the_data(tmp_path):
    fig, ax = plt.subplots(figsize=(6, 4))
    x = np.linspace(0, 10, 50)
    ax.plot(x, np.full_like(x, 0.05), label="along the bottom")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower left")
    saved(fig, tmp_path)


def test_save_figure_puts_a_legend_beside_axes_full_of_data(tmp_path):
    fig, ax = plt.subplots(figsize=(6, 4))
    x = np.linspace(0, 1, 200)
    for k in range(12):
        ax.plot(x, (x * 7 + k / 12) % 1, label=f"curve {k}")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left")
    saved(fig, tmp_path)
    legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend.x0 >= ax.bbox.x1


def test_save_figure_refuses_a_figure_it_cannot_fix(tmp_path):
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([0, 1], [0, 1])
    fig.text(0.9, 0.5, "a note that runs far past the right-hand edge of the figure")
    with pytest.raises(plotting.FigureLayoutError, match="figure 'broken': 'a note that runs"):
        plotting.save_figure(fig, "broken", tmp_path)
    assert not (tmp_path / "broken.png").exists()


# --- every figure function, on the project's data -------------------------------------------------------------------

@pytest.fixture(scope="module")
def negotiations():
    return schemas.load_processed("negotiations.csv")


def test_months_to_signing_counts_each_agreement_once(tmp_path, negotiations):
    agreements = replication.signed_agreements(negotiations)
    assert agreements["unit_id"].is_unique
    assert len(agreements) < int((negotiations["outcome"] == "signed").sum())  # partner rows collapse
    fig = saved(plotting.months_to_signing_bars(agreements, 18, 90, 30.4375), tmp_path)
    counted = agreements[agreements["track"] != "accession"]
    title = fig.axes[0].get_title("left").replace("\n", " ")
    assert f"of {len(counted)} signed US trade agreements, each counted once" in title
    assert len(fig.axes[0].patches) == len(agreements)


def test_replication_and_timeline_figures(tmp_path, negotiations):
    rebuilt = replication.rebuild_table(schemas.load_processed("published_durations.csv"), negotiations)
    saved(plotting.replication_dumbbell(rebuilt, 18, 45), tmp_path)
    saved(plotting.negotiation_timeline(negotiations, "2026-11-27", 18, 45), tmp_path)


def test_scorecard_with_the_notebooks_long_title(tmp_path):
    """deals_scorecard.png: the title was cut at '...August 202'."""
    counts = pd.read_csv(input_path(REPORTS / "tables" / "deals_scorecard.csv"), parse_dates=["date"])
    fig = plotting.scorecard(counts, counts["pledge"], counts["coverage_announced"],
                             milestones={"day 90": pd.Timestamp("2025-07-09"), "1 Aug deadline": pd.Timestamp("2025-08-01")})
    fig.axes[0].set_title("90 deals promised in 90 days: 3 announced and 0 binding by day 90; 11 binding by August 2026")
    plotting.add_source(fig, "a source line")
    saved(fig, tmp_path)


def test_dumbbell_with_the_notebooks_long_title(tmp_path):
    """deal_partners_collected_before_after.png: the title was cut at '...took effec'."""
    fig, ax = plt.subplots(figsize=(9, 5.6))
    ax.hlines(range(8), np.arange(8), np.arange(8) + 5, color="0.7")
    ax.scatter(np.arange(8), range(8), label="6 months before", zorder=3)
    ax.scatter(np.arange(8) + 5, range(8), label="6 months from the implementing order", zorder=3)
    ax.set_yticks(range(8), [f"European Union ({2025 + k % 2}-07)" for k in range(8)])
    ax.set(title="Duties collected rose for 6 of 8 deal partners after their deal took effect", xlabel="duties, %")
    ax.legend(loc="lower right", fontsize=8)
    saved(fig, tmp_path)


def test_incidence_panels_with_many_curves(tmp_path):
    """world_signature_to_force.png: the decade panel's legend lay over the curves."""
    rng = np.random.default_rng(1)
    decades = {f"{d}s": (np.sort(rng.exponential(8 + k, 60)), np.linspace(0.02, 0.97, 60), 60)
               for k, d in enumerate(range(1960, 2030, 10))}
    panels = {"United States against the rest": {"United States": (np.array([4, 12, 19, 35]), np.array([0.1, 0.4, 0.7, 0.85]), 16)},
              "by decade of signature": decades}
    fig = plotting.incidence_panels(panels, {"12 months": 12.0, "27 months": 27.0}, horizon_months=60)
    fig.suptitle("Signature to entry into force: median 14 months for US agreements, 10 elsewhere", x=0.01, ha="left")
    saved(fig, tmp_path)


def test_two_panel_trade_figure_legend_clear_of_the_export_line(tmp_path):
    """us_china_monthly_trade.png: the legend ('lower left') lay over the export line (the Census monthly series)."""
    china = schemas.load_processed("trade_china_monthly.csv")
    china = china[china["month"].notna()]
    days = pd.to_datetime(dict(year=china["year"], month=china["month"], day=1))
    fig, (ax, low) = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True, height_ratios=[3, 1.4])
    ax.plot(days, china["imports_musd"] / 1000, label="US imports from China")
    ax.plot(days, china["exports_musd"] / 1000, label="US exports to China")
    ax.set(ylim=(0, None), title="US imports from China were 45% lower year on year by June 2025, but never stopped")
    ax.legend(loc="lower left")
    path = tariffs.rate_path(*tariffs.load_record(), "China")
    plotting.draw_rate_path(low, path, end=days.max(), labels=False)
    saved(fig, tmp_path)


def test_labelled_rate_path(tmp_path):
    path = tariffs.rate_path(*tariffs.load_record(), "China")
    fig = plotting.labelled_rate_path(path, [f"change {i}" for i in range(len(path))], end="2026-10-10")
    saved(fig, tmp_path)
