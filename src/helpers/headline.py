"""The headline: Deal Clock's key sentences, built from ``reports/tables/results.csv`` by key and the parameters.

One function per sentence, so each can be read and tested alone. Every sentence says its unit and sample, carries
its interval, and a comparison carries its test (with the Holm-adjusted p-value of the family the headline reports)
and says so when the difference cannot be told from zero. No number here is typed by hand.
"""

from __future__ import annotations

import pandas as pd

from .params import claim_horizon, horizon_key, horizon_label
from .report import pct
from .stats import holm

ALPHA = 0.05


class Numbers:
    """Read access to ``results.csv`` (indexed by key): value, interval and n of a key, in words."""

    def __init__(self, results: pd.DataFrame):
        self.table = results

    def v(self, key: str) -> float:
        return float(self.table.loc[key, "value"])

    def text(self, key: str) -> str:
        return str(self.table.loc[key, "value"])

    def n(self, key: str) -> int:
        return int(float(self.table.loc[key, "n"]))

    def interval(self, key: str) -> str:
        """'95% CI 24%–52%' for a share, '95% CI 0.198–0.303' for a ratio, '95% CI 14.4–22.9' otherwise (∞ where a
        bound is never reached)."""
        row = self.table.loc[key]
        if row["unit"] == "fraction":
            return f"95% CI {pct(float(row['ci_low']))}–{pct(float(row['ci_high']))}"
        low, high = (float(row[c]) for c in ("ci_low", "ci_high"))
        digits = 3 if row["unit"] == "ratio" else 1
        return f"95% CI {low:.{digits}f}–" + ("∞" if high == float("inf") else f"{high:.{digits}f}")

    def share(self, key: str) -> str:
        """'37% (95% CI 24%–52%)'."""
        return f"{pct(self.v(key))} ({self.interval(key)})"

    def months(self, key: str, digits: int = 1) -> str:
        """'17.9 months (95% CI 14.4–22.9)'."""
        return f"{self.v(key):.{digits}f} months ({self.interval(key)})"


def tests_reported(results: pd.DataFrame, params: dict) -> dict[str, str]:
    """The family of tests the headline reports: result key -> what it compares."""
    hk = claim_horizon(params)[1]
    lk = horizon_key(horizon_label(params["like_for_like_months"]))
    return {
        f"permutation_p_fta_vs_limited_{hk}": "congressional FTAs vs executive agreements",
        f"permutation_p_deals_2025_vs_limited_{lk}": "2025–26 partners vs past executive agreements, from the announcement",
        f"permutation_p_deals_2025_vs_limited_{lk}_launch_first_round": "the same, from the first round",
        "permutation_p_us_vs_world_12m": "US vs the world's agreements",
        "deadline_p": "signings at deadlines vs evenly spread timing",
    }


def adjusted_p(results: pd.DataFrame, params: dict) -> dict[str, float]:
    """Holm-adjusted p-values of ``tests_reported`` (the keys present in ``results``)."""
    keys = [k for k in tests_reported(results, params) if k in results.index]
    return holm({k: float(results.loc[k, "value"]) for k in keys})


def p_text(p: float) -> str:
    """'= 0.16', '= 1', '< 0.001'."""
    return "< 0.001" if p < 0.001 else f"= {min(p, 1):.2g}"


def test_words(results: pd.DataFrame, params: dict, key: str) -> str:
    """'permutation p = 0.16, Holm-adjusted 0.47; the difference cannot be told from zero'."""
    raw, adj = float(results.loc[key, "value"]), adjusted_p(results, params)[key]
    kind = "exact test" if key == "deadline_p" else "permutation"
    words = f"{kind} p {p_text(raw)}, Holm-adjusted p {p_text(adj)}"
    if adj >= ALPHA:
        words += "; the difference cannot be told from zero" if key != "deadline_p" else "; the excess cannot be told from chance"
    return words


def replication(r: Numbers, params: dict) -> str:
    return (f"**{params['claim_months_to_sign']} and {params['claim_months_to_implement']} months, rebuilt from cited dates for the "
            f"{r.v('fm_rows'):.0f} partner rows ({r.v('fm_agreements'):.0f} agreements) they were computed from:** "
            f"{r.months('mean_months_to_signing_fm_rebuilt')} from first round to signing and "
            f"{r.months('mean_months_to_eif_fm_rebuilt')} to entry into force, means over those rows (published "
            f"{r.v('mean_months_to_signing_fm_published'):.0f} and {r.v('mean_months_to_eif_fm_published'):.0f}); the rebuilt rows differ "
            f"from the published by {r.v('difference_months_signing_fm'):+.1f} and {r.v('difference_months_eif_fm'):+.1f} months on average. "
            f"These are means among deals that were signed: over every signed US agreement, each once "
            f"(n = {r.n('mean_months_to_signing_agreements_once')}), the mean to signing is "
            f"{r.v('mean_months_to_signing_agreements_once'):.1f} months ({r.interval('mean_months_to_signing_agreements_once')}) and "
            f"the median {r.v('median_months_to_signing_agreements_once'):.0f}.")


def counting_failures(r: Numbers, params: dict) -> str:
    h_claim, hk = claim_horizon(params)
    key = f"cif_signed_{hk}_agreements"
    first, last = r.text("agreements_launch_first")[:4], r.text("agreements_launch_last")[:4]
    return (f"**Counting every agreement once and the failures too, {pct(r.v(key))} of the {r.n(key)} US trade agreements in Deal Clock's list "
            f"(launched {first}–{last}) were signed within {h_claim} of the first round** (95% CI {pct(r.table.loc[key, 'ci_low'])}–"
            f"{pct(r.table.loc[key, 'ci_high'])}; {pct(r.v(key + '_range_low'))}–{pct(r.v(key + '_range_high'))} under other month counts). "
            f"Only {r.v('agreements_own_first_round'):.0f} have their own first-round date: over those, {r.share(key + '_own_first_round')}; "
            f"if the others' "
            f"first round fell anywhere between announcement and conclusion, {pct(r.v(key + '_launch_bounds_low'))}–"
            f"{pct(r.v(key + '_launch_bounds_high'))}. Congressional FTAs: {pct(r.v(f'cif_signed_{hk}_fta_agreements'))} of "
            f"{r.n(f'cif_signed_{hk}_fta_agreements')} ({r.interval(f'cif_signed_{hk}_fta_agreements')}); executive agreements: "
            f"{pct(r.v(f'cif_signed_{hk}_limited_agreements'))} of {r.n(f'cif_signed_{hk}_limited_agreements')} "
            f"({r.interval(f'cif_signed_{hk}_limited_agreements')}; {test_words(r.table, params, f'permutation_p_fta_vs_limited_{hk}')}). "
            f"Counted from the announcement, {r.share(key + '_launch_announced')}. "
            f"{r.v('share_signed_ever_agreements') * r.n('share_signed_ever_agreements'):.0f} of {r.n('share_signed_ever_agreements')} agreements "
            f"({pct(r.v('share_signed_ever_agreements'))}) were ever signed.")


def deals_2025(r: Numbers, params: dict) -> str:
    lk = horizon_key(horizon_label(params["like_for_like_months"]))
    lab = horizon_label(params["like_for_like_months"])
    a, a_ex = f"deals_2025_share_binding_{lk}_launch_announced", f"history_limited_share_signed_{lk}_launch_announced"
    f_, f_ex = f"deals_2025_share_binding_{lk}_launch_first_round", f"history_limited_share_signed_{lk}_launch_first_round"
    return (f"**{params['pledge_deals']} deals in {params['pledge_days']} days became {r.v('deals_2025_announced_by_day90'):.0f} announcements "
            f"and {r.v('deals_2025_binding_by_day90'):.0f} binding agreements by day {params['pledge_days']}.** By {params['as_of_deals']}: "
            f"{r.v('deals_2025_announced_latest'):.0f} of {r.v('deals_2025_partners_in_cohort'):.0f} partners in the cohort had announced a deal, "
            f"{r.v('deals_2025_binding_latest'):.0f} had signed a binding agreement. Like for like, on the same clock: within {lab} of the official "
            f"announcement of talks, {pct(r.v(a))} of {r.n(a)} 2025–26 partners had a binding agreement ({r.interval(a)}), against "
            f"{pct(r.v(a_ex))} of {r.n(a_ex)} past executive agreements ({r.interval(a_ex)}; "
            f"{test_words(r.table, params, f'permutation_p_deals_2025_vs_limited_{lk}')}); from the first negotiating round, "
            f"{pct(r.v(f_))} of {r.n(f_)} ({r.interval(f_)}) against {pct(r.v(f_ex))} of {r.n(f_ex)} ({r.interval(f_ex)}; "
            f"{test_words(r.table, params, f'permutation_p_deals_2025_vs_limited_{lk}_launch_first_round')}).")


def pace(r: Numbers, params: dict) -> str:
    w = f"{params['pledge_days']}d"
    return (f"**The pledge's own measure is a rate:** since {r.text('agreements_launch_first')[:4]} the US never signed more than "
            f"{r.v(f'max_signed_in_{w}_history'):.0f} agreements in any {params['pledge_days']} days (n = {r.n(f'max_signed_in_{w}_history')} "
            f"signed agreements) nor held more than {r.v('max_open_at_once_history'):.0f} negotiations open at once; 2025–26 reached "
            f"{r.v(f'max_binding_in_{w}_2025'):.0f} binding agreements in {params['pledge_days']} days. At the best pace on record, "
            f"{params['pledge_deals']} agreements take {r.v('years_for_pledge_at_best_pace'):.0f} years.")


def deadline(r: Numbers, params: dict) -> str:
    d = params["deadline_window_days"]
    key = f"deadline_share_signed_{d}d_before"
    return (f"**Deals are signed at deadlines:** {r.v(key) * r.n(key):.0f} of {r.n(key)} signings ({pct(r.v(key))}; {r.interval(key)}) "
            f"came within {d} days "
            f"before a legal deadline that applied to them (fast-track expiry, a tariff pause, a court ruling), against "
            f"{pct(r.v(f'deadline_share_expected_{d}d_before'))} expected from evenly spread timing "
            f"({test_words(r.table, params, 'deadline_p')}).")


def world(r: Numbers, params: dict) -> str:
    return (f"**After signing, the US against the world:** in the WTO's records — a sample conditioned on entry into force "
            f"({r.v('world_pending_n'):.0f} of {r.v('world_agreements_n') + r.v('us_agreements_n'):.0f} agreements pending, "
            f"{r.v('world_failed_n'):.0f} ended without entering into force, the US's signed-but-never-in-force agreements absent) and "
            f"with US dates corrected where "
            f"Deal Clock resolved a disagreement — US agreements took a median {r.months('us_median_months_sig_to_eif')} from signature to entry "
            f"into force (n = {r.n('us_median_months_sig_to_eif')}), the others' {r.months('world_median_months_sig_to_eif')} "
            f"(n = {r.n('world_median_months_sig_to_eif')}); within a year, {pct(r.v('us_share_in_force_12m'))} "
            f"({r.interval('us_share_in_force_12m')}) against {pct(r.v('world_share_in_force_12m'))} ({r.interval('world_share_in_force_12m')}; "
            f"{test_words(r.table, params, 'permutation_p_us_vs_world_12m')}).")


def clock_now(r: Numbers, params: dict) -> str:
    b, b0 = "backtest_brier", "backtest_brier_base_rate"
    better = r.v(b) < r.v(b0)
    return (f"**The clock now:** {r.v('open_negotiations_n'):.0f} negotiations were open on {params['as_of_forecasts']}. At the 2025–26 "
            f"cohort's own pace, a partner with a written framework has a {pct(r.v('forecast_pace_binding_12m_written'))} chance of a signed "
            f"binding agreement within 12 months ({r.interval('forecast_pace_binding_12m_written')}; n = "
            f"{r.n('forecast_pace_binding_12m_written')} partners), one with talks only {pct(r.v('forecast_pace_binding_12m_talks'))} "
            f"({r.interval('forecast_pace_binding_12m_talks')}). History's clock, backtested on {r.v('backtest_n'):.0f} past forecasts, scored "
            f"a Brier score of {r.v(b):.3f} ({r.interval(b)}) against {r.v(b0):.3f} for a plain base rate — "
            + ("better" if better else "worse") + " than the base rate; every forecast set is kept and scored when its horizon passes.")


def ledger_sentence(ledger: pd.DataFrame) -> str:
    tally = ", ".join(f"{n} {verdict}" for verdict, n in ledger["verdict"].value_counts().items())
    return f"**The claims ledger, one rule for every claim:** {tally} among {len(ledger)} claims checked."


def key_numbers(results: pd.DataFrame, params: dict, ledger: pd.DataFrame) -> list[str]:
    """The headline sentences in order, and a last line saying how many tests the prose reports."""
    r = Numbers(results)
    sentences = [replication(r, params), counting_failures(r, params), deals_2025(r, params), pace(r, params),
                 deadline(r, params), world(r, params), clock_now(r, params), ledger_sentence(ledger)]
    family = [k for k in tests_reported(results, params) if k in results.index]
    sentences.append(f"*{len(family)} tests are reported above; their p-values are Holm-adjusted as one family.*")
    return sentences


def as_markdown(sentences: list[str]) -> str:
    """The sentences as a numbered list; a closing line in italics (the note on tests) stays unnumbered."""
    numbered = [s for s in sentences if not (s.startswith("*") and not s.startswith("**"))]
    notes = [s for s in sentences if s.startswith("*") and not s.startswith("**")]
    return "\n".join(f"{i}. {s}" for i, s in enumerate(numbered, 1)) + ("\n\n" + "\n".join(notes) if notes else "")
