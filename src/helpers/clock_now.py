"""The clock now, for readers: the partners' table, the README and report text, and the two figures of notebook 11.

Numbers come from ``reports/tables/results.csv`` by key and from the forecast and open-negotiation tables of
notebook 11; nothing here is typed by hand.
"""

from __future__ import annotations

import html
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .forecast import brier_verdict
from .plotting import COLORS, PALETTE

HISTORY = "history's clock"
MODEL_COLORS = {"2025-26 pace": COLORS["deals"], "history's clock": COLORS["history"]}
LIMITS = ("It cannot know what moves a deal in 2025–26: a tariff threat or its withdrawal, a court ruling on the legal "
          "basis of the tariffs, or one decision-maker's choice can close or stop a deal in days, and none of these is in "
          "either model. History's clock only knows how long past negotiations stayed open; the cohort's pace assumes the "
          "last year's rates go on. Each forecast is conditional on the talks still being open on its date, and the ledger "
          "will show how good it was.")


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def _with_interval(p: float, low: float, high: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "no forecast"
    return f"{_pct(p)} ({_pct(low)}–{_pct(high)})"


def partner_rows(forecasts: pd.DataFrame, open_table: pd.DataFrame, partners: list[str], horizon_months: float) -> pd.DataFrame:
    """One row per partner a reader asks about, in the order given: where its talks stand and each model's probability
    of a signed binding agreement within ``horizon_months`` (with interval). A partner with no open 2025–26 negotiation
    says why (talks broken off, or a binding agreement already signed)."""
    cohort = open_table[open_table["population"] == "2025-26 cohort"].set_index("partner")
    f = forecasts[forecasts["horizon_months"] == horizon_months].set_index(["negotiation_id", "model"])
    rows = []
    for partner in partners:
        if partner not in cohort.index:
            rows.append({"partner": partner, "where the talks stand": "signed binding agreement (not open)",
                         "2025–26 pace": "", "history's clock": "", "months open": math.nan})
            continue
        r = cohort.loc[partner]
        stage = r["stage"] + (f" ({r['stage_date']})" if isinstance(r["stage_date"], str) else "")
        if r["state"] == "talks broken off":
            stand = f"talks broken off (status {r['status_date']})"
            pace = hist = "no forecast: talks not open"
        else:
            stand = stage
            pace, hist = ("" if (r["negotiation_id"], m) not in f.index else
                          _with_interval(*f.loc[(r["negotiation_id"], m), ["probability", "ci_low", "ci_high"]])
                          for m in ("2025-26 pace", "history's clock"))
        rows.append({"partner": partner, "where the talks stand": stand, "2025–26 pace": pace, "history's clock": hist,
                     "months open": round(float(r["months_open_at_as_of"]), 1)})
    return pd.DataFrame(rows)


def clock_now_markdown(results: pd.DataFrame, table: pd.DataFrame, as_of: str, horizon_months: float) -> str:
    """The README section "The clock now": the partners readers ask about first, then the count of open negotiations,
    the backtest against the base rate, and what the forecast cannot know. ``results`` is ``results.load()``;
    ``table`` is ``partner_rows``."""
    R = results
    lines = ["| partner | where the talks stand | months open | 2025–26 pace | history's clock |", "|---|---|---|---|---|"]
    for _, r in table.iterrows():
        months = "" if math.isnan(r["months open"]) else f"{r['months open']:.0f}"
        lines.append(f"| {r['partner']} | {r['where the talks stand']} | {months} | {r['2025–26 pace']} | {r[HISTORY]} |")
    head = "\n".join(lines) + "\n"
    n_open = int(float(R.loc["open_negotiations_n", "value"]))
    median = float(R.loc["forecast_binding_12m_median", "value"])
    b, b0 = R.loc["backtest_brier"], R.loc["backtest_brier_base_rate"]
    return (
        f"### The clock now\n\n"
        f"Chance of a signed binding agreement within {horizon_months:.0f} months of {as_of}, if the talks are still open then "
        f"(95% interval). The headline is the 2025–26 cohort's own pace, by the stage a partner has reached; history's clock "
        f"is the share of past US negotiations, open as long, that were signed within the next {horizon_months:.0f} months.\n\n"
        + head +
        f"\n{n_open} negotiations are open; the median chance over them is {_pct(median)} "
        f"(`reports/tables/open_negotiations.csv`, `reports/tables/forecasts_current.csv`). "
        f"Backtested on {int(float(R.loc['backtest_n', 'value']))} forecasts for past negotiations, history's clock scored a Brier "
        f"score of {float(b['value']):.3f} (95% CI {float(b['ci_low']):.3f}–{float(b['ci_high']):.3f}) against "
        f"{float(b0['value']):.3f} for a plain base rate: it {brier_verdict(R.loc['backtest_brier_difference'])}. "
        f"Every forecast set is kept unchanged in `reports/forecasts/` and scored when its horizon has passed.\n\n"
        f"*What the forecast cannot know.* {LIMITS}\n"
    )


def clock_now_caption(results: pd.DataFrame, as_of: str) -> str:
    """The report's caption for the clock-now figure (trusted HTML: every value escaped, links to the tables)."""
    R = results
    b, b0 = float(R.loc["backtest_brier", "value"]), float(R.loc["backtest_brier_base_rate", "value"])
    text = (f"Each open negotiation's chance of a signed binding agreement within 12 months of {as_of}, if still open then, under "
            f"the 2025–26 cohort's own pace and history's clock (95% intervals). {int(float(R.loc['open_negotiations_n', 'value']))} "
            f"negotiations are open. On history, the clock's Brier score was {b:.3f} against {b0:.3f} for a base rate. {LIMITS}")
    return (html.escape(text) + " <a href='tables/open_negotiations.csv'>Open negotiations</a>, "
            "<a href='tables/forecasts_current.csv'>forecasts</a>, <a href='tables/forecast_backtest.csv'>backtest</a>, "
            "<a href='tables/forecast_scores.csv'>scores of earlier forecasts</a>.")


def forecast_dots(forecasts: pd.DataFrame, open_table: pd.DataFrame, horizon_months: float) -> plt.Figure:
    """Each open negotiation with documented talks: both models' probability within ``horizon_months`` with 95%
    intervals, one row per negotiation — the 2025–26 partners first, highest headline forecast on top, then the older
    negotiations still open. Partners with no documented talks share one forecast and are left out (say so in the
    source line); a negotiation with no forecast under either model is labelled so."""
    f = forecasts[forecasts["horizon_months"] == horizon_months].merge(
        open_table[["negotiation_id", "partner", "state", "stage"]], on="negotiation_id")
    f = f[f["state"] == "open"]
    f["label"] = np.where(f["population"] == "history", f["negotiation"], f["partner"] + " · " + f["stage"])
    head = f[f["headline"]].assign(group=lambda d: (d["population"] == "history").astype(int),
                                   sort_p=lambda d: -d["probability"].fillna(-1))
    order = head.sort_values(["group", "sort_p", "label"], kind="mergesort")["label"].tolist()[::-1]  # top of the chart first
    fig, ax = plt.subplots(figsize=(10, max(5.0, 0.3 * len(order) + 2.2)))
    y = {label: i for i, label in enumerate(order)}
    for k, (model, offset) in enumerate((("2025-26 pace", 0.17), ("history's clock", -0.17))):
        part = f[(f["model"] == model) & f["label"].isin(y)].dropna(subset=["probability"])
        ys = part["label"].map(y).to_numpy(float) + offset
        ax.hlines(ys, part["ci_low"], part["ci_high"], color=MODEL_COLORS[model], lw=1.6, alpha=0.7)
        ax.scatter(part["probability"], ys, color=MODEL_COLORS[model], s=30, zorder=3, marker="o" if k == 0 else "D",
                   label={"2025-26 pace": "2025–26 cohort's own pace (the headline for 2025–26 partners)",
                          "history's clock": "history's clock (the headline for older negotiations)"}[model])
    for label in head.loc[head["probability"].isna(), "label"]:
        ax.annotate("no forecast: too few past negotiations open as long", (0.01, y[label]), va="center", fontsize=8, color="0.35")
    n_cohort = int((head["group"] == 0).sum())
    if n_cohort < len(order):  # a line between the 2025-26 partners and the older negotiations
        ax.axhline(len(order) - n_cohort - 0.5, color="0.5", lw=0.8)
    ax.set_yticks(range(len(order)), order, fontsize=8)
    ax.set_xlim(-0.02, 1.0)  # a forecast of 0% stays visible
    ax.set_ylim(-0.7, len(order) - 0.3)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel(f"chance of a signed binding agreement within {horizon_months:.0f} months, if still open (95% interval)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.09), ncol=2, fontsize=8, frameon=False)
    return fig


def calibration_figure(calibration: pd.DataFrame, by_landmark: pd.DataFrame) -> plt.Figure:
    """Left: the backtest's calibration (mean forecast against the share that happened, by bin, exact intervals, marker
    area by cases); right: Brier score by landmark, the method against the base rate (lower is better)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8))
    c = calibration.dropna(subset=["mean_forecast"])
    left.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfect calibration")
    left.errorbar(c["mean_forecast"], c["observed"], yerr=[c["observed"] - c["observed_low"], c["observed_high"] - c["observed"]],
                  fmt="none", ecolor=COLORS["history"], elinewidth=1.2, capsize=3)
    left.scatter(c["mean_forecast"], c["observed"], s=12 * c["cases"], color=COLORS["history"], zorder=3,
                 label="forecasts by bin (area: cases)")
    for _, r in c.iterrows():
        left.annotate(f"n={r['cases']}", (r["mean_forecast"], r["observed"]), xytext=(6, -3), textcoords="offset points", fontsize=7.5)
    left.set(xlim=(0, 1), ylim=(0, 1), xlabel="mean forecast probability", ylabel="share signed within 12 months",
             title="Calibration (rolling origin)")
    left.legend(loc="upper left", fontsize=8, markerscale=0.4)
    x = np.arange(len(by_landmark))
    right.bar(x - 0.2, by_landmark["brier"], width=0.4, color=COLORS["history"], label="history's clock")
    right.bar(x + 0.2, by_landmark["brier_base_rate"], width=0.4, color=PALETTE[7], label="naive base rate")
    right.set_xticks(x, [f"{m:.0f}" for m in by_landmark["landmark"]])
    for i, n in enumerate(by_landmark["cases"]):
        right.annotate(f"n={n}", (i, max(by_landmark["brier"].iloc[i], by_landmark["brier_base_rate"].iloc[i])),
                       xytext=(0, 3), textcoords="offset points", ha="center", fontsize=7.5)
    right.set(xlabel="months open when forecast (landmark)", ylabel="Brier score (lower is better)", title="Brier score by landmark")
    right.legend(loc="upper right", fontsize=8)
    for ax in (left,):
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    return fig
