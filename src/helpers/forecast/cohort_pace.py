"""The 2025–26 cohort's own pace: constant monthly rates of moving between stages over the latest window of its
record (a Markov model), and the probability of a binding agreement within h months from each stage."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from .. import survival

PACE_STATES = ("no documented talks", "talks or announcement", "written text")  # transient, in order
BINDING, BROKEN_OFF = 3, 4  # absorbing states after the transient ones
PACE_STATE_NAMES = (*PACE_STATES, "signed binding agreement", "talks broken off")


def stage_paths(frame: pd.DataFrame, stages: pd.DataFrame, documented: pd.Series, days_per_month: float) -> pd.DataFrame:
    """Each 2025–26 partner's path through the stages, as dated moves: one row per move (partner, date, to_state),
    the first row entering its starting state on the day its clock starts.

    ``frame`` is a ``deals.cohort_frame`` (binding agreement as the event; its ``stop`` and ``cause``);
    ``stages`` are ``deals.document_stages``; ``documented`` maps partner -> True where the start of talks is cited.
    A partner starts in 'talks or announcement' if its talks are documented, else in 'no documented talks'; moves
    up at its first announcement and first written text (only if earlier than its binding agreement; the same day
    counts as a direct move to the agreement); ends at the binding agreement (cause 1) or talks broken off
    (cause 2), and is followed until its ``stop`` otherwise. Moves dated before the clock starts count from the start.
    """
    st = stages.set_index("partner")
    rows = []
    for _, u in frame.iterrows():
        stop = pd.Timestamp(u["stop"])
        start = stop - pd.Timedelta(days=float(u["months"]) * days_per_month)  # the cohort frame's (mid-month) start
        state = 1 if bool(documented.get(u["unit_id"], False)) else 0
        rows.append({"partner": u["unit_id"], "date": start, "to_state": state, "stop": stop})
        binding = st["binding_agreement"].get(u["unit_id"], pd.NaT) if u["unit_id"] in st.index else pd.NaT
        for column, level in (("announced", 1), ("framework_or_statement", 2)):
            when = st[column].get(u["unit_id"], pd.NaT) if u["unit_id"] in st.index else pd.NaT
            if pd.isna(when) or when > stop or (pd.notna(binding) and when >= binding) or level <= state:
                continue
            state = level
            rows.append({"partner": u["unit_id"], "date": max(when, start), "to_state": level, "stop": stop})
        if u["cause"] in (1, 2):
            rows.append({"partner": u["unit_id"], "date": stop, "to_state": BINDING if u["cause"] == 1 else BROKEN_OFF,
                         "stop": stop})
    return pd.DataFrame(rows)


def pace_counts(paths: pd.DataFrame, window_start, window_end, days_per_month: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per partner, months spent in each transient state and moves between states within [window_start, window_end].

    Returns (partners, exposure (partners × 3, months), moves (partners × 3 × 5): from a transient state to any
    state). Several moves on one day count as one move to the highest.
    """
    w0, w1 = pd.Timestamp(window_start), pd.Timestamp(window_end)
    partners = sorted(paths["partner"].unique())
    exposure = np.zeros((len(partners), len(PACE_STATES)))
    moves = np.zeros((len(partners), len(PACE_STATES), len(PACE_STATE_NAMES)))
    for i, p in enumerate(partners):
        rows = paths[paths["partner"] == p].sort_values(["date", "to_state"], kind="mergesort")
        rows = rows.groupby("date", sort=True).tail(1)  # same day: the highest state reached
        dates, states = list(rows["date"]), list(rows["to_state"])
        end = min(rows["stop"].iloc[0], w1)
        for k, (d, s) in enumerate(zip(dates, states)):
            if s >= len(PACE_STATES):
                break
            seg_end = dates[k + 1] if k + 1 < len(dates) else end
            lo, hi = max(d, w0), min(seg_end, end)
            if hi > lo:
                exposure[i, s] += (hi - lo).days / days_per_month
            if k + 1 < len(dates) and w0 < dates[k + 1] <= w1:
                moves[i, s, states[k + 1]] += 1
    return partners, exposure, moves


def _generator(exposure: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """Transition-rate matrix (5 × 5) from total exposures (3,) and moves (3 × 5); a state never occupied keeps rate 0."""
    q = np.zeros((len(PACE_STATE_NAMES), len(PACE_STATE_NAMES)))
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(exposure[:, None] > 0, moves / exposure[:, None], 0.0)
    for i in range(len(PACE_STATES)):
        rates[i, i] = 0.0
        q[i] = rates[i]
        q[i, i] = -rates[i].sum()
    return q


def expm_batch(a: np.ndarray, order: int = 18) -> np.ndarray:
    """Matrix exponential of a stack of small matrices (..., n, n): Taylor series of ``order`` terms after scaling by a
    power of two, then repeated squaring. Checked in the tests against ``scipy.linalg.expm``; far faster for the
    thousands of 5 × 5 generators a bootstrap needs."""
    a = np.asarray(a, dtype=float)
    norm = float(np.abs(a).sum(axis=-1).max()) if a.size else 0.0
    squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    scaled = a / 2.0 ** squarings
    out = np.broadcast_to(np.eye(a.shape[-1]), a.shape).copy()
    term = out.copy()
    for k in range(1, order + 1):
        term = term @ scaled / k
        out = out + term
    for _ in range(squarings):
        out = out @ out
    return out


def pace_probability(q: np.ndarray, h: float) -> np.ndarray:
    """P(signed binding agreement within ``h`` months) from each transient state, under the rates ``q`` (5 × 5, or a
    stack of them: (..., 5, 5) gives (..., 3))."""
    return expm_batch(np.asarray(q) * h)[..., : len(PACE_STATES), BINDING]


def _garwood(n: float, exposure: float, confidence: float) -> tuple[float, float]:
    """Exact Poisson interval of a rate: n events over ``exposure`` months (one-sided at 0 events)."""
    from scipy.stats import chi2

    alpha = 1 - confidence
    if exposure <= 0:
        return 0.0, 0.0
    if n == 0:
        return 0.0, float(chi2.ppf(confidence, 2) / 2 / exposure)
    return float(chi2.ppf(alpha / 2, 2 * n) / 2 / exposure), float(chi2.ppf(1 - alpha / 2, 2 * n + 2) / 2 / exposure)


def pace_estimates(paths: pd.DataFrame, window_start, window_end, horizons: dict[str, float], days_per_month: float,
                   n_resamples: int, seed: int, confidence: float = 0.95) -> pd.DataFrame:
    """P(binding agreement within each horizon | in each stage), the cohort's recent pace held constant.

    Rates = moves / months in the state within the window (one unit per partner). The interval follows the
    project's rule in its form for rates: where at most ``survival.FEW_EVENTS`` binding agreements were reached
    from the stage or the stages above it, the exact interval — every rate at its exact Poisson (Garwood) bound,
    the lowest and highest probability over every combination of bounds (conservative: the bounds hold
    jointly) — otherwise a percentile bootstrap resampling partners. Columns: state, horizon, months, value,
    ci_low, ci_high, method, binding_events (reached from this stage or above), exposure_months, partners.
    """
    partners, exposure, moves = pace_counts(paths, window_start, window_end, days_per_month)
    e_tot, m_tot = exposure.sum(axis=0), moves.sum(axis=0)
    q = _generator(e_tot, m_tot)
    counts = survival._bootstrap_counts(np.arange(len(partners)), n_resamples, seed)
    e_boot = counts @ exposure
    m_boot = np.einsum("rp,pij->rij", counts, moves)
    used = [(i, j) for i in range(len(PACE_STATES)) for j in range(i + 1, len(PACE_STATE_NAMES)) if e_tot[i] > 0]
    bounds = {(i, j): _garwood(m_tot[i, j], e_tot[i], confidence) for i, j in used}
    q_boot = np.stack([_generator(e_boot[r], m_boot[r]) for r in range(len(counts))])
    q_corners = np.zeros((2 ** len(used), *q.shape))
    for c, combo in enumerate(itertools.product((0, 1), repeat=len(used))):
        for (i, j), side in zip(used, combo):
            q_corners[c, i, j] = bounds[(i, j)][side]
        for i in range(len(PACE_STATES)):
            q_corners[c, i, i] = -q_corners[c, i].sum()
    rows = []
    for label, h in horizons.items():
        point = pace_probability(q, h)
        boot = pace_probability(q_boot, h)
        corners = pace_probability(q_corners, h)
        for s, state in enumerate(PACE_STATES):
            events = int(m_tot[s:, BINDING].sum())
            if e_tot[s] <= 0:
                value, low, high, method = math.nan, math.nan, math.nan, "not estimable: no partner in this stage during the window"
            elif events <= survival.FEW_EVENTS:
                value, low, high = float(point[s]), float(corners[:, s].min()), float(corners[:, s].max())
                method = f"exact Poisson bounds on every rate, jointly ({events} binding agreements from this stage or above)"
            else:
                value = float(point[s])
                low, high = survival._percentiles(boot[:, s], confidence)
                method = "bootstrap over partners"
            rows.append({"state": state, "horizon": label, "months": h, "value": value,
                         "ci_low": min(low, value) if not math.isnan(value) else low,
                         "ci_high": max(high, value) if not math.isnan(value) else high, "method": method,
                         "binding_events": events, "exposure_months": float(e_tot[s]), "partners": len(partners)})
    return pd.DataFrame(rows)


def pace_rates(paths: pd.DataFrame, window_start, window_end, days_per_month: float) -> pd.DataFrame:
    """The estimated monthly rates of the pace model: one row per move observed (from, to, moves, months, rate)."""
    _, exposure, moves = pace_counts(paths, window_start, window_end, days_per_month)
    e_tot, m_tot = exposure.sum(axis=0), moves.sum(axis=0)
    rows = [{"from": PACE_STATE_NAMES[i], "to": PACE_STATE_NAMES[j], "moves": int(m_tot[i, j]),
             "months_in_state": round(float(e_tot[i]), 6), "rate_per_month": round(float(m_tot[i, j] / e_tot[i]), 6) if e_tot[i] else math.nan}
            for i in range(len(PACE_STATES)) for j in range(i + 1, len(PACE_STATE_NAMES))]
    return pd.DataFrame(rows)


