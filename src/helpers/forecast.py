"""The clock now: where each open negotiation stands and what comes next.

Three parts, each used by notebook 11 and tested in ``tests/test_forecast.py``:

- **Conditional incidence** (history's clock): P(success within the next h months | still open after t months)
  = (F₁(t+h) − F₁(t)) / S(t), from the Aalen–Johansen cumulative incidence with failures as a competing outcome;
  the same number is the Aalen–Johansen incidence by h of the units still open after t, restarted at t (the
  *landmark* set), which is what the bootstrap resamples. Intervals follow the project's one rule
  (``survival.interval_for``): exact over the landmark units whose status at t+h is known where events are few.
- **The 2025–26 cohort's own pace**: the cohort's record is shorter than the time its open partners have already
  been talking, so its incidence cannot be read at their t. Its pace is taken instead as constant monthly rates of
  moving between stages (no documented talks → talks or an announcement → a written text → a signed binding
  agreement, or talks broken off) over the most recent window of its record: a Markov model whose probability of
  a binding agreement within h months from each stage is read off the matrix exponential of the rates.
- **The landmark backtest**: at landmarks (months open) each historical negotiation still open is predicted with
  the same method using only what was known on that day (rolling origin) or every other agreement (leave one
  out), scored against what happened within the horizon: Brier score, a naive base rate, a calibration table.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from . import survival
from .dates import coarse_start, exact_months_between, months_between, parse_partial_date

# --- conditional incidence ---------------------------------------------------------------------------------


def _arrays(months, cause) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray(months, dtype=float)
    c = np.asarray(cause).astype(int)
    if len(m) != len(c):
        raise ValueError(f"months has {len(m)} values but cause has {len(c)}")
    if np.isnan(m).any():
        raise ValueError("months must not contain missing values")
    return m, c


def conditional_incidence(months, cause, t: float, h: float, event_cause: int = 1) -> float:
    """P(``event_cause`` within (t, t+h] | no outcome by t) = (F_k(t+h) − F_k(t)) / S(t), Aalen–Johansen.

    ``cause`` is 0 (censored), 1, 2, … (competing outcomes); S(t) = 1 − Σ_k F_k(t) is the share with no outcome
    by t (inclusive). NaN when no unit is still followed after t (nothing is known about what comes next).
    """
    m, c = _arrays(months, cause)
    if h < 0:
        raise ValueError(f"the horizon must not be negative, got {h}")
    if not (m > t).any():
        return math.nan
    f_t = survival.cif_at(m, c, t, event_cause)
    f_th = survival.cif_at(m, c, t + h, event_cause)
    surv = 1.0 - sum(survival.cif_at(m, c, t, k) for k in np.unique(c[c > 0]))
    return float((f_th - f_t) / surv)


def landmark_counts(months, cause, t: float, h: float, event_cause: int = 1) -> dict[str, int]:
    """The units behind a conditional forecast: ``at_risk`` (still open after t), ``events`` (``event_cause`` in
    (t, t+h]), ``known`` (at risk and with a known status at t+h: an outcome by then, or followed to t+h)."""
    m, c = _arrays(months, cause)
    at_risk = m > t
    decided = at_risk & (c > 0) & (m <= t + h)
    return {"at_risk": int(at_risk.sum()), "events": int((decided & (c == event_cause)).sum()),
            "known": int((decided | (at_risk & (m >= t + h))).sum())}


def conditional_estimates(frame: pd.DataFrame, t: float, horizons: dict[str, float], n_resamples: int, seed: int,
                          confidence: float = 0.95) -> dict[str, dict]:
    """P(success within each horizon | still open after ``t`` months) from a survival frame (one row per unit:
    ``months``, ``cause``), with the project's interval.

    The interval is exact (Clopper–Pearson over the landmark units whose status at t+h is known) where at most
    ``survival.FEW_EVENTS`` had the event or did not, otherwise a percentile bootstrap resampling the units still
    open after t; it always contains the point. Each value: value, ci_low, ci_high, method, at_risk, events, known.
    With no unit open after t every number is NaN and ``method`` says why.
    """
    months, cause = _arrays(frame["months"], frame["cause"])
    keep = months > t
    out = {}
    if not keep.any():
        for label in horizons:
            out[label] = {"value": math.nan, "ci_low": math.nan, "ci_high": math.nan, "at_risk": 0, "events": 0, "known": 0,
                          "method": f"not estimable: no unit still open after {t:.1f} months"}
        return out
    shifted, c = months[keep] - t, cause[keep]  # the landmark set, restarted at t
    marks = np.array(list(horizons.values()), dtype=float)
    if keep.sum() >= 2:
        counts = survival._bootstrap_counts(np.arange(int(keep.sum())), n_resamples, seed)
        boot = survival._weighted_cif_at(counts, shifted, c, marks)
    else:  # one unit: no bootstrap, the exact interval decides
        boot = np.full((1, len(marks)), np.nan)
    for j, (label, h) in enumerate(horizons.items()):
        value = conditional_incidence(months, cause, t, h)
        n = landmark_counts(months, cause, t, h)
        b = boot[:, j][np.isfinite(boot[:, j])]
        b_low, b_high = survival._percentiles(b, confidence) if len(b) else (math.nan, math.nan)
        low, high, method = survival.interval_for(n["events"], n["known"], b_low, b_high,
                                                  "bootstrap over the units still open", confidence)
        if n["known"] == 0 and len(b) == 0:
            low, high, method = 0.0, 1.0, "no unit followed to the horizon: any value is possible"
        out[label] = {"value": value, "ci_low": min(low, value), "ci_high": max(high, value), "method": method, **n}
    return out


# --- history's clock: era and sample -----------------------------------------------------------------------


def with_launch_year(frame: pd.DataFrame) -> pd.DataFrame:
    """A survival frame with ``launch_year`` (from its ``launch`` date)."""
    return frame.assign(launch_year=frame["launch"].str[:4].astype(int))


def era_tests(frame: pd.DataFrame, era_start: int, horizon: float, n_resamples: int, seed: int,
              alpha: float = 0.05) -> dict:
    """Is history one regime? Tests a break at ``era_start`` (talks launched since then against earlier ones) over
    agreements once (accessions excluded), for the outcome a conditional forecast depends on: how fast talks end, and how.

    Returns log-rank p-values (statsmodels ``survdiff``) for reaching any outcome (``p_any``), for signing and for ending
    unsigned (cause-specific: ``p_signed``, ``p_ended``); ``p_permutation``, a two-sided permutation test of the
    difference in P(signed within ``horizon``), with the two incidences and unit counts; Cox fits of the hazard of any
    outcome on the era indicator and on a linear trend in the launch year (hazard ratio, p-value, AIC; ``null_aic`` with
    no covariate); and ``choice``: 'era' when the time to an outcome differs between the eras at ``alpha`` and the era
    fits at least as well as the trend, 'trend' when the trend fits better and is significant, else 'one regime'.
    """
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.duration.survfunc import survdiff

    f = with_launch_year(frame[frame["track"] != "accession"])
    recent_mask = f["launch_year"] >= era_start
    f = f.assign(era=np.where(recent_mask, f"since {era_start}", f"before {era_start}"))
    months, cause = f["months"].to_numpy(float), f["cause"].to_numpy(int)
    recent, early = f[recent_mask], f[~recent_mask]
    out = {"era_start": era_start, "horizon": horizon, "n_recent": len(recent), "n_early": len(early),
           "p_permutation": survival.permutation_test_cif(f, "era", horizon, n_resamples, seed),
           "cif_recent": survival.cif_at(recent["months"], recent["cause"], horizon),
           "cif_early": survival.cif_at(early["months"], early["cause"], horizon)}
    for name, event in (("any", cause > 0), ("signed", cause == 1), ("ended", cause == 2)):
        out[f"p_{name}"] = float(survdiff(months, event.astype(int), f["era"].to_numpy())[1])
    status = (cause > 0).astype(float)
    covariates = {"era": recent_mask.astype(float), "trend": f["launch_year"].astype(float) - era_start}
    for name, x in covariates.items():
        model = PHReg(months, x.to_numpy()[:, None], status=status, ties="efron")
        fit = model.fit()
        out[f"{name}_hazard_ratio"] = float(np.exp(fit.params[0]))
        out[f"{name}_p"] = float(fit.pvalues[0])
        out[f"{name}_aic"] = float(-2 * fit.llf + 2)
        out["null_aic"] = float(-2 * model.loglike(np.zeros(1)))
    if out["p_any"] < alpha and not out["trend_aic"] < out["era_aic"]:  # an era that separates the outcomes has no finite AIC
        out["choice"] = "era"
    elif out["trend_aic"] < out["era_aic"] and out["trend_p"] < alpha:
        out["choice"] = "trend"
    else:
        out["choice"] = "one regime"
    return out


def history_sample(frame: pd.DataFrame, t: float, track: str, launch_year: int | None, era_start: int | None,
                   min_at_risk: int) -> tuple[pd.DataFrame | None, str]:
    """The historical units a forecast at ``t`` months rests on, and a label saying which.

    The narrowest sample with at least ``min_at_risk`` units still open after t, in this order: the negotiation's
    class launched in its era (since ``era_start``, when it was launched then and ``era_start`` is given), every
    class of that era, its class in every era, every agreement (accessions count only for accessions). Where none
    has enough, no forecast: (None, the reason).
    """
    f = frame if "launch_year" in frame else with_launch_year(frame)
    own_class = f["track"] == track
    pooled = f["track"] == "accession" if track == "accession" else f["track"] != "accession"
    in_era = f["launch_year"] >= era_start if era_start is not None else None
    name = survival.CLASS_LABELS.get(track, track)
    ladder = []
    if in_era is not None and launch_year is not None and launch_year >= era_start:
        ladder += [(own_class & in_era, f"{name} launched since {era_start}"),
                   (pooled & in_era, f"all agreements launched since {era_start}")]
    ladder += [(own_class, f"{name}, all eras"), (pooled, "all agreements, all eras")]
    for mask, label in ladder:
        sub = f[mask]
        if int((sub["months"] > t).sum()) >= min_at_risk:
            return sub, label
    return None, f"no forecast: fewer than {min_at_risk} agreements still open at {t:.0f} months"


# --- the 2025-26 cohort's own pace: a Markov model of stages -----------------------------------------------

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


# --- months and dates --------------------------------------------------------------------------------------


def months_from(start: str, end: str) -> float:
    """Months from ``start`` to ``end`` (text dates): exact days / 30.4375 where both are known to the day,
    calendar months otherwise (as ``negotiations.survival_frame`` counts them)."""
    s, e = parse_partial_date(start), parse_partial_date(end)
    exact = exact_months_between(s, e)
    return exact if not math.isnan(exact) else months_between(s, e)


def add_months(day: str, months: int) -> str:
    """``day`` (YYYY-MM-DD) plus whole calendar months, the day clamped to the month's end (2026-11-30 + 3 → 2027-02-28)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=int(months))).strftime("%Y-%m-%d")


# --- the landmark backtest ---------------------------------------------------------------------------------


def landmark_outcome(months: float, cause: int, landmark: float, h: float) -> float:
    """What happened to a unit open after ``landmark`` months within the next ``h``: 1 signed, 0 not (ended
    unsigned, or followed to the horizon without signing), NaN unknown (censored earlier) or not open at the landmark."""
    if months <= landmark:
        return math.nan
    if cause == 1 and months <= landmark + h:
        return 1.0
    if (cause > 0 and months <= landmark + h) or months >= landmark + h:
        return 0.0
    return math.nan


def base_rate(frame: pd.DataFrame, landmarks, h: float) -> tuple[float, int]:
    """The naive forecast: of the units open at any landmark whose status h months later is known, the share that
    signed within those h months, pooled over landmarks, classes and eras. Returns (share, cases); NaN if none."""
    outcomes = [landmark_outcome(m, c, lm, h) for lm in landmarks for m, c in zip(frame["months"], frame["cause"])]
    known = [o for o in outcomes if not math.isnan(o)]
    return (float(np.mean(known)) if known else math.nan), len(known)


def backtest(units: pd.DataFrame, launch: str, as_of: str, days_per_month: float, landmarks, horizons: dict[str, float],
             era_start: int | None, min_at_risk: int, scheme: str) -> pd.DataFrame:
    """Score the conditional forecast on history: every agreement (accessions apart) still open at each landmark.

    ``scheme`` 'rolling origin': the forecast for an agreement at landmark L uses only agreements launched in an
    earlier year, each as known on the day of the forecast (its launch + L months; later outcomes censored there).
    'leave one out': every other agreement, as known at ``as_of``. The sample follows ``history_sample`` (era,
    class, ``min_at_risk``); where even every agreement leaves too few open at L, the method issues no forecast and
    the case is not scored. The naive forecast (``base_rate``) comes from the same training data.
    Columns: unit_id, track, launch_year, landmark, horizon, months_ahead, predicted, base_rate, outcome, sample,
    at_risk, scheme. Cases whose outcome is unknown or whose training data hold no unit open at L are left out.
    """
    from .negotiations import survival_frame

    if scheme not in ("rolling origin", "leave one out"):
        raise ValueError(f"scheme must be 'rolling origin' or 'leave one out', not '{scheme}'")
    agreements = units[units["track"] != "accession"]
    full = with_launch_year(survival_frame(agreements, launch, "signed", as_of, days_per_month))
    rows = []
    for _, unit in full.iterrows():
        for landmark in landmarks:
            outcomes = {label: landmark_outcome(unit["months"], unit["cause"], landmark, h) for label, h in horizons.items()}
            if all(math.isnan(o) for o in outcomes.values()):
                continue
            if scheme == "leave one out":
                train = full[full["unit_id"] != unit["unit_id"]]
            else:
                # The day of the forecast: launch (a month-only launch at its first day: never later) + L months.
                day = (pd.Timestamp(coarse_start(parse_partial_date(unit["launch"])))
                       + pd.Timedelta(days=landmark * days_per_month)).strftime("%Y-%m-%d")
                earlier = agreements[agreements["unit_id"].isin(full.loc[full["launch_year"] < unit["launch_year"], "unit_id"])]
                if earlier.empty:
                    continue
                train = with_launch_year(survival_frame(earlier, launch, "signed", day, days_per_month))
            if train.empty:
                continue
            sample, label = history_sample(train, landmark, unit["track"], int(unit["launch_year"]), era_start, min_at_risk)
            if sample is None:
                continue
            for h_label, h in horizons.items():
                if math.isnan(outcomes[h_label]):
                    continue
                predicted = conditional_incidence(sample["months"], sample["cause"], landmark, h)
                naive, _ = base_rate(train, landmarks, h)
                if math.isnan(predicted) or math.isnan(naive):
                    continue
                rows.append({"unit_id": unit["unit_id"], "track": unit["track"], "launch_year": int(unit["launch_year"]),
                             "landmark": landmark, "horizon": h_label, "months_ahead": h, "predicted": predicted,
                             "base_rate": naive, "outcome": outcomes[h_label], "sample": label,
                             "at_risk": int((sample["months"] > landmark).sum()), "scheme": scheme})
    columns = ["unit_id", "track", "launch_year", "landmark", "horizon", "months_ahead", "predicted", "base_rate", "outcome",
               "sample", "at_risk", "scheme"]
    return pd.DataFrame(rows, columns=columns)


def brier(predicted, outcome) -> float:
    """Mean squared difference between forecast probabilities and what happened (0/1): 0 is perfect, 0.25 a coin."""
    p, y = np.asarray(predicted, dtype=float), np.asarray(outcome, dtype=float)
    if len(p) != len(y) or not len(p):
        raise ValueError("brier needs as many outcomes as forecasts, and at least one")
    return float(np.mean((p - y) ** 2))


def brier_estimates(cases: pd.DataFrame, n_resamples: int, seed: int, confidence: float = 0.95) -> dict[str, dict]:
    """Brier score of the method and of the naive base rate over backtest cases, each with a bootstrap interval that
    resamples whole agreements (one agreement is scored at several landmarks), and the difference (base rate − method)."""
    out = {}
    stats = {"method": lambda f: float(np.mean((f["predicted"] - f["outcome"]) ** 2)),
             "base_rate": lambda f: float(np.mean((f["base_rate"] - f["outcome"]) ** 2))}
    stats["difference"] = lambda f: stats["base_rate"](f) - stats["method"](f)
    for name, stat in stats.items():
        low, high = survival.cluster_bootstrap(cases, stat, "unit_id", n_resamples, seed, confidence)
        value = stat({c: cases[c].to_numpy() for c in cases.columns})
        out[name] = {"value": value, "ci_low": min(low, value), "ci_high": max(high, value), "n": len(cases),
                     "agreements": int(cases["unit_id"].nunique())}
    return out


CALIBRATION_BINS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)


def calibration_table(cases: pd.DataFrame, bins=CALIBRATION_BINS, confidence: float = 0.95) -> pd.DataFrame:
    """Predicted against observed by bin of the forecast probability: cases, mean forecast, share that happened
    with its exact (Clopper–Pearson) interval. Bins are closed on the left, the last also on the right."""
    edges = np.asarray(bins, dtype=float)
    which = np.clip(np.searchsorted(edges, cases["predicted"].to_numpy(float), side="right") - 1, 0, len(edges) - 2)
    rows = []
    for b in range(len(edges) - 1):
        sub = cases[which == b]
        row = {"bin": f"{edges[b]:.0%}–{edges[b + 1]:.0%}", "cases": len(sub), "mean_forecast": math.nan, "observed": math.nan,
               "observed_low": math.nan, "observed_high": math.nan}
        if len(sub):
            events = int(sub["outcome"].sum())
            low, high = survival.clopper_pearson(events, len(sub), confidence)
            row.update(mean_forecast=float(sub["predicted"].mean()), observed=events / len(sub), observed_low=low, observed_high=high)
        rows.append(row)
    return pd.DataFrame(rows)


# --- where each open negotiation stands --------------------------------------------------------------------

COHORT_ID_PREFIX = "deals-2025-"
PAUSE_ORIGIN = "pause (no documented talks)"


def negotiation_ids(units: pd.DataFrame, rows: pd.DataFrame) -> dict[str, str]:
    """A stable id for each unit of ``negotiations.agreement_units``: the raw ``negotiation_id`` where the unit is one
    row of ``negotiations.csv`` (e.g. 'us-kenya-stip'), the agreement's name where it collapses several rows."""
    out = {}
    for _, u in units.iterrows():
        mine = rows[rows["negotiation_id"] == u["unit_id"]] if u["track"] == "accession" else \
            rows[(rows["agreement"] == u["agreement"]) & (rows["track"] != "accession")]
        out[u["unit_id"]] = mine["negotiation_id"].iloc[0] if len(mine) == 1 else u["unit_id"]
    return out


def cohort_id(partner_code: str) -> str:
    """The id of a 2025–26 cohort partner's negotiation, e.g. 'deals-2025-euu'."""
    return COHORT_ID_PREFIX + partner_code.lower().replace("+", "-")


def _source_of(rows: pd.DataFrame, column: str, value: str | None) -> str | None:
    """The cited source of a unit's date: the ``source_<column>`` of the row holding that date."""
    if value is None or f"source_{column}" not in rows:
        return None
    hit = rows[rows[column] == value]
    return hit[f"source_{column}"].dropna().iloc[0] if len(hit) and hit[f"source_{column}"].notna().any() else None


def open_history_units(units: pd.DataFrame, rows: pd.DataFrame, as_of: str, forecast_as_of: str, launch: str) -> pd.DataFrame:
    """Every historical negotiation still open at ``as_of`` (``negotiations.end_of_talks``: no success, no end), one row
    per unit: its launch by each definition, the launch used (``launch``, with fallback), months open at its status
    date and at ``forecast_as_of``, and the furthest stage reached with its date and cited source (from ``rows``, the
    processed negotiations table, which keeps the sources)."""
    from .negotiations import LAUNCH_DEFINITIONS, end_of_talks, launch_of

    ids = negotiation_ids(units, rows)
    out = []
    for _, u in units.iterrows():
        cause, stop, _ = end_of_talks(u, "signed", as_of)
        if cause != 0:
            continue
        mine = rows[rows["negotiation_id"] == ids[u["unit_id"]]] if ids[u["unit_id"]] != u["unit_id"] else rows[rows["agreement"] == u["agreement"]]
        start, start_from = launch_of(u, launch)
        stage = {"column": None}
        for column, label in (("announced", "announcement"), ("first_round", "first round"), ("concluded", "text concluded")):
            if isinstance(u.get(column), str) and u[column]:
                stage = {"column": column, "stage": label, "stage_date": u[column]}
        out.append({
            "negotiation_id": ids[u["unit_id"]], "population": "history", "negotiation": u["agreement"], "partner": u["partners"],
            "partner_code": "; ".join(sorted(set(mine["partner_code"]))), "class": u["track"], "history_class": u["track"],
            "state": "open", "talks_documented": True,
            **{f"launch_{c}": u[c] if isinstance(u.get(c), str) else None for c in LAUNCH_DEFINITIONS},
            "launch": str(start), "launch_from": start_from, "status_date": str(stop),
            "months_open_at_status": months_from(str(start), str(stop)),
            "as_of": forecast_as_of, "months_open_at_as_of": months_from(str(start), forecast_as_of),
            "stage": stage.get("stage"), "stage_date": stage.get("stage_date"),
            "stage_source": _source_of(mine, stage["column"], stage.get("stage_date")) if stage["column"] else None,
        })
    return pd.DataFrame(out)


WRITTEN_INSTRUMENTS = ("joint_statement", "framework", "nonbinding_memorandum")


def open_cohort_partners(partners: pd.DataFrame, frame: pd.DataFrame, documents: pd.DataFrame, forecast_as_of: str,
                         pause_start: str) -> pd.DataFrame:
    """Every 2025–26 cohort partner without a signed binding agreement, one row each, from a ``deals.cohort_frame`` with
    the binding agreement as the event (``frame``): state ('open', 'open, no documented talks' — in the cohort by
    Annex I alone, no start of talks cited and no deal document — or 'talks broken off'), each launch date the
    partner table gives (``talks_began`` cited; ``talks_announced`` and ``first_round`` where the table has them), the
    clock's start (talks began, or the pause), months open at its status date and at ``forecast_as_of``, and the
    furthest stage its documents reached (announcement, written framework) with date, document and source."""
    from .countries import partner_code
    from .deals import dated

    docs = dated(documents)
    docs = docs[docs["instrument"] != "implementing_order"]
    f = frame.set_index("unit_id")
    out = []
    for _, p in partners.sort_values("partner", kind="mergesort").iterrows():
        u = f.loc[p["partner"]]
        if u["cause"] == 1:
            continue
        mine = docs[docs["partner"] == p["partner"]].sort_values(["when", "document_id"], kind="mergesort")
        mine = mine[mine["when"] <= pd.Timestamp(u["stop"])]
        documented = p["talks_began_basis"] == "cited"
        stage = {"stage": "no deal document"}
        for instruments, label in ((("announcement",), "announcement"), (WRITTEN_INSTRUMENTS, "written framework")):
            hit = mine[mine["instrument"].isin(instruments)]
            if len(hit):
                first = hit.iloc[0]
                stage = {"stage": label, "stage_date": first["when"].strftime("%Y-%m-%d"), "stage_document": first["title"],
                         "stage_source": first["source"]}
        if u["cause"] == 2:
            state = "talks broken off"
        elif documented or len(mine):
            state = "open"
        else:
            state = "open, no documented talks"
        code = partner_code(p["partner"])
        start = p["talks_began"] if documented else pause_start
        out.append({
            "negotiation_id": cohort_id(code), "population": "2025-26 cohort", "negotiation": f"US–{p['partner']} (2025–26)",
            "partner": p["partner"], "partner_code": code, "class": "2025-26 cohort", "history_class": "executive_agreement",
            "state": state, "talks_documented": bool(documented),
            "launch_talks_began": p["talks_began"] if documented else None,
            **{f"launch_{c}": p.get(c) if isinstance(p.get(c), str) else None for c in ("talks_announced", "first_round")},
            "launch": start, "launch_from": "talks_began" if documented else PAUSE_ORIGIN, "status_date": u["stop"],
            "months_open_at_status": float(u["months"]), "as_of": forecast_as_of,
            "months_open_at_as_of": months_from(start, forecast_as_of), **stage,
        })
    return pd.DataFrame(out)


OPEN_COLUMNS = ["negotiation_id", "population", "negotiation", "partner", "partner_code", "class", "state", "talks_documented",
                "launch_announced", "launch_notified_congress", "launch_first_round", "launch_talks_announced", "launch_talks_began",
                "launch", "launch_from", "status_date", "months_open_at_status", "as_of", "months_open_at_as_of",
                "stage", "stage_date", "stage_document", "stage_source"]


def open_negotiations(history: pd.DataFrame, cohort: pd.DataFrame) -> pd.DataFrame:
    """The open-negotiations table: history's open units and the cohort's partners in one frame (``OPEN_COLUMNS``,
    plus ``history_class``), the cohort first, each sorted by id."""
    table = pd.concat([cohort, history], ignore_index=True)
    for c in OPEN_COLUMNS:
        if c not in table:
            table[c] = None
    table["_order"] = (table["population"] != "2025-26 cohort").astype(int)
    table = table.sort_values(["_order", "negotiation_id"], kind="mergesort").drop(columns="_order").reset_index(drop=True)
    return table[OPEN_COLUMNS + ["history_class"]]


# --- the forecasts ------------------------------------------------------------------------------------------

HISTORY_MODEL = "history's clock"
PACE_MODEL = "2025-26 pace"
COHORT_CLOCKS = {"first_round": "first_round", "talks_announced": "announced", "talks_began": "announced"}


def history_clock_of(row: pd.Series) -> tuple[str | None, str | None, str]:
    """Which of history's clocks a negotiation is put on: (launch definition, its start date, note).

    A historical unit keeps its own launch. A 2025–26 partner goes on history's first-round clock where its first
    round is cited, else on history's announcement clock from the official announcement of talks, else from the first
    reported meeting (``talks_began``: the closest of history's clocks is the announcement); with no documented start
    of talks, on none.
    """
    if row["population"] == "history":
        return row["launch_from"], row["launch"], ""
    for column, clock in COHORT_CLOCKS.items():
        value = row.get(f"launch_{column}")
        if isinstance(value, str) and value:
            note = "" if column != "talks_began" else "first reported meeting taken as the announcement of talks"
            return clock, value, note
    return None, None, "no documented start of talks: history's clock cannot start"


def forecast_table(open_table: pd.DataFrame, history_frames: dict[str, pd.DataFrame], pace: pd.DataFrame,
                   pace_state: dict[str, str], horizons: dict[str, float], era_start: int | None, min_at_risk: int,
                   n_resamples: int, seed: int, confidence: float = 0.95) -> pd.DataFrame:
    """Both models' forecasts for every open negotiation (state 'open' or 'open, no documented talks'), long format.

    ``history_frames``: launch definition -> survival frame of history (signed as success, agreements and accessions).
    History's clock: ``conditional_estimates`` at the months open at the forecast date on the sample
    ``history_sample`` picks (era only when ``era_start`` is given). The pace model (``pace``, from ``pace_estimates``)
    applies to 2025–26 partners, by the stage each is in (``pace_state``: partner -> state). Columns: negotiation_id,
    model, horizon, months_ahead, months_open, probability, ci_low, ci_high, interval, sample, at_risk, events.
    """
    rows = []
    pace_by = pace.set_index(["state", "horizon"]) if len(pace) else None
    for _, r in open_table[open_table["state"] != "talks broken off"].iterrows():
        clock, start, note = history_clock_of(r)
        base = {"negotiation_id": r["negotiation_id"], "model": HISTORY_MODEL}
        if clock is None:
            for label, h in horizons.items():
                rows.append({**base, "horizon": label, "months_ahead": h, "months_open": math.nan, "probability": math.nan,
                             "ci_low": math.nan, "ci_high": math.nan, "interval": note, "sample": "", "at_risk": 0, "events": 0})
        else:
            t = months_from(start, r["as_of"])
            launch_year = int(start[:4])
            sample, label_s = history_sample(history_frames[clock], t, r["history_class"], launch_year, era_start, min_at_risk)
            if sample is None:
                est = {label: {"value": math.nan, "ci_low": math.nan, "ci_high": math.nan, "method": label_s, "at_risk": 0, "events": 0}
                       for label in horizons}
            else:
                est = conditional_estimates(sample, t, horizons, n_resamples, seed, confidence)
            clock_text = f"{clock.replace('_', ' ')} clock" + (f"; {note}" if note else "")
            for label, h in horizons.items():
                e = est[label]
                rows.append({**base, "horizon": label, "months_ahead": h, "months_open": t, "probability": e["value"],
                             "ci_low": e["ci_low"], "ci_high": e["ci_high"], "interval": e["method"],
                             "sample": f"{label_s} ({clock_text})" if sample is not None else label_s,
                             "at_risk": e["at_risk"], "events": e["events"]})
        if r["population"] == "2025-26 cohort" and pace_by is not None:
            state = pace_state[r["partner"]]
            for label, h in horizons.items():
                e = pace_by.loc[(state, label)]
                rows.append({"negotiation_id": r["negotiation_id"], "model": PACE_MODEL, "horizon": label, "months_ahead": h,
                             "months_open": r["months_open_at_as_of"], "probability": e["value"], "ci_low": e["ci_low"],
                             "ci_high": e["ci_high"], "interval": e["method"], "sample": f"2025-26 partners, stage: {state}",
                             "at_risk": int(e["partners"]), "events": int(e["binding_events"])})
    return pd.DataFrame(rows)


def current_state(paths: pd.DataFrame) -> dict[str, str]:
    """Each partner's stage at the end of its record (the last transient state in ``stage_paths``)."""
    transient = paths[paths["to_state"] < len(PACE_STATES)].sort_values(["partner", "date", "to_state"], kind="mergesort")
    return {p: PACE_STATES[int(g["to_state"].iloc[-1])] for p, g in transient.groupby("partner")}


def current_outcomes(history: pd.DataFrame, ids: dict[str, str], cohort: pd.DataFrame) -> pd.DataFrame:
    """What the current data say about every negotiation, for scoring the ledgers: negotiation_id, success (date),
    ended (date ended without success), known_through (last date its status is confirmed, where still open).

    ``history``: a ``negotiations.survival_frame`` with signing as success; ``ids``: unit_id -> negotiation_id
    (``negotiation_ids``); ``cohort``: a ``deals.cohort_frame`` with the binding agreement as the event, whose
    ``unit_id`` is the partner."""
    from .countries import partner_code

    rows = []
    for frame, to_id in ((history, lambda u: ids.get(u, u)), (cohort, lambda p: cohort_id(partner_code(p)))):
        for _, r in frame.iterrows():
            rows.append({"negotiation_id": to_id(r["unit_id"]), "success": r["stop"] if r["cause"] == 1 else None,
                         "ended": r["stop"] if r["cause"] == 2 else None, "known_through": r["stop"] if r["cause"] == 0 else None})
    return pd.DataFrame(rows, columns=["negotiation_id", "success", "ended", "known_through"])


def headline_model(population: str) -> str:
    """The model a negotiation's headline forecast uses: the 2025–26 cohort's own pace for its partners (the process
    they are in; history's clock did not beat a base rate on history), history's clock for past negotiations."""
    return PACE_MODEL if population == "2025-26 cohort" else HISTORY_MODEL


def ledger_frame(forecasts: pd.DataFrame, open_table: pd.DataFrame, as_of: str, data_version: str) -> pd.DataFrame:
    """The forecast set in the ledger's columns (``ledger.COLUMNS``): each forecast with its negotiation, whether it is
    the headline model's, the forecast date, the horizon date (``as_of`` + whole months) and the raw data version;
    probabilities rounded to six decimals so that the file's bytes do not depend on the last bits of a float."""
    from .ledger import COLUMNS

    info = open_table.set_index("negotiation_id")
    out = forecasts.copy()
    for column in ("negotiation", "partner_code", "population"):
        out[column] = out["negotiation_id"].map(info[column])
    out["headline"] = [m == headline_model(p) for m, p in zip(out["model"], out["population"])]
    out["as_of"] = as_of
    out["horizon_months"] = out["months_ahead"].astype(int)
    out["horizon_date"] = [add_months(as_of, m) for m in out["horizon_months"]]
    out["data_version"] = data_version
    out["interval"] = out["interval"].fillna("")
    for column in ("months_open", "probability", "ci_low", "ci_high"):
        out[column] = out[column].astype(float).round(6)
    return out[COLUMNS].sort_values(["negotiation_id", "model", "horizon_months"], kind="mergesort").reset_index(drop=True)


def brier_verdict(difference: dict) -> str:
    """How a method's Brier score compares with the base rate's, from the difference base rate − method and its interval:
    'beat the base rate' (interval above 0), 'did worse than the base rate' (below 0), or 'could not be told apart from
    the base rate'."""
    low, high = float(difference["ci_low"]), float(difference["ci_high"])
    if low > 0:
        return "beat the base rate"
    if high < 0:
        return "did worse than the base rate"
    return "could not be told apart from the base rate"
