"""Verdicts on quantitative claims: compare a claimed number with the evidence, by a stated rule."""

from __future__ import annotations

import pandas as pd

SOURCE_ONLY = "accurate for its source sample; misleading as a general statement"
VERDICTS = ("accurate", "roughly accurate", SOURCE_ONLY, "misleading", "inaccurate", "unverifiable", "fulfilled", "unfulfilled")
CHECKS = ("number", "nearly", "at_least", "number_by_date", "pledge", "statement", "forecast")
ACCURATE_WITHIN = 0.05  # relative difference
ROUGHLY_WITHIN = 0.25


NEARLY_WITHIN = 0.10  # "nearly 60": at most 60 and within 10% of it


def verdict_for_number(claimed: float, actual: float, nearly: bool = False) -> str:
    """'accurate' within 5% of the evidence, 'roughly accurate' within 25%, else 'inaccurate'.

    With ``nearly`` (a claim worded "nearly X"), an actual value at most X and within 10% of it is accurate.
    """
    if actual is None or pd.isna(actual) or pd.isna(claimed):
        return "unverifiable"
    if nearly and actual <= claimed and (claimed - actual) / claimed <= NEARLY_WITHIN:
        return "accurate"
    if actual == 0:
        return "accurate" if claimed == 0 else "inaccurate"
    gap = abs(claimed - actual) / abs(actual)
    return "accurate" if gap <= ACCURATE_WITHIN else "roughly accurate" if gap <= ROUGHLY_WITHIN else "inaccurate"


def pct_change(before: float, after: float) -> float:
    """Percentage change from ``before`` to ``after``."""
    return 100 * (after - before) / before


def fact(facts: pd.DataFrame, fact_id: str, column: str = "value"):
    """One cell of the claim-facts table; ``KeyError`` naming the fact if it is missing."""
    rows = facts[facts["fact_id"] == fact_id]
    if rows.empty:
        raise KeyError(f"fact '{fact_id}' is not in data/raw/claim_facts.csv")
    return rows.iloc[0][column]


def ledger_row(claims: pd.DataFrame, claim_id: str, evidence: str, verdict: str, facts_used: list[str]) -> dict:
    """A ledger row: the claim as quoted, the evidence in words, the verdict (checked against ``VERDICTS``)."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict '{verdict}' is not one of {VERDICTS}")
    claim = claims.set_index("claim_id").loc[claim_id]
    return {"claim_id": claim_id, "quote": claim["quote"], "claimed_value": claim["claimed_value"],
            "unit": claim["unit"], "evidence": evidence, "verdict": verdict, "facts": " ".join(facts_used)}


def _keys(text) -> list[str]:
    return [k.strip() for k in str(text).split(";") if k.strip()] if isinstance(text, str) else []


def evidence_value(key: str, results: pd.DataFrame, facts: pd.DataFrame) -> float:
    """A number the ledger judges against: a key of results.csv, or ``fact:<fact_id>`` for a cited fact.

    Raises ``KeyError`` naming the missing key or fact.
    """
    if key.startswith("fact:"):
        return float(fact(facts, key.removeprefix("fact:")))
    if key not in results.index:
        raise KeyError(f"result '{key}' is not in reports/tables/results.csv (named in data/raw/claims.csv)")
    return float(results.loc[key, "value"])


FAVOURABLE = ("accurate", "roughly accurate", "inaccurate")  # most to least favourable


def least_favourable(verdicts) -> str:
    """The least favourable of some number verdicts ('unverifiable' if any is)."""
    verdicts = list(verdicts)
    if "unverifiable" in verdicts:
        return "unverifiable"
    return max(verdicts, key=FAVOURABLE.index)


def _sample_label(key: str) -> str:
    return key.removeprefix("fact:")


def judge_samples(claim: pd.Series, results: pd.DataFrame, facts: pd.DataFrame) -> tuple[str, str, list[dict]]:
    """The one rule every claim goes through: (verdict, rule applied, samples), from the claim's row of claims.csv.

    Each sample is a dict: role ('source' = the claim's own source sample or the assumed date; 'wider' = the same
    statistic — same clock, success and population definition — on a wider sample, or another possible date), key,
    value, verdict.

    - number / nearly: the verdict on the source sample (``verdict_for_number``; "nearly X": at most X, within 10%);
      if it is accurate or roughly accurate but a wider sample of the same statistic makes it inaccurate: accurate for
      its source sample, misleading as a general statement;
    - number_by_date: the claim depends on a date nobody knows (the article's): judged at the assumed date and at both
      ends of the possible range (``general_keys`` = low;high); the verdict is the least favourable any date gives,
      and unverifiable only if some dates make it inaccurate and others do not;
    - at_least: every evidence value at least X; pledge: fulfilled or unfulfilled, never "accurate";
      statement and forecast: unverifiable.
    """
    check = claim["check"]
    claimed = float(claim["claimed_value"]) if pd.notna(claim["claimed_value"]) else float("nan")
    keys, general = _keys(claim["evidence_keys"]), _keys(claim["general_keys"])
    if check not in CHECKS:
        raise ValueError(f"claim {claim['claim_id']}: unknown check '{check}' (one of {CHECKS})")
    if check in ("statement", "forecast"):
        return "unverifiable", "a statement of an official or a forecast: nothing to check it against", []
    values = {k: evidence_value(k, results, facts) for k in keys}
    if check == "pledge":
        (key, v), = list(values.items())[:1]
        verdict = "fulfilled" if v >= claimed else "unfulfilled"
        return verdict, f"a pledge: {v:g} against {claimed:g} pledged", [{"role": "source", "key": key, "value": v, "verdict": verdict}]
    if check == "at_least":
        samples = [{"role": "source" if i == 0 else "wider", "key": k, "value": v,
                    "verdict": "accurate" if v >= claimed else "inaccurate"} for i, (k, v) in enumerate(values.items())]
        verdict = "accurate" if all(s["verdict"] == "accurate" for s in samples) else "inaccurate"
        return verdict, f"at least {claimed:g} in every sample", samples
    nearly = check == "nearly"
    key = keys[0]
    samples = [{"role": "source", "key": key, "value": values[key], "verdict": verdict_for_number(claimed, values[key], nearly)}]
    samples += [{"role": "wider", "key": k, "value": (v := evidence_value(k, results, facts)),
                 "verdict": verdict_for_number(claimed, v, nearly)} for k in general]
    source, others = samples[0]["verdict"], [s["verdict"] for s in samples[1:]]
    if check == "number_by_date":
        verdicts = {source, *others}
        if "inaccurate" in verdicts and verdicts != {"inaccurate"}:
            return "unverifiable", "depends on the unknown date: some possible dates make it inaccurate, others not", samples
        return least_favourable(verdicts), "the least favourable verdict over every possible date", samples
    if source in ("accurate", "roughly accurate") and "inaccurate" in others:
        return SOURCE_ONLY, "holds on its source sample, not on a wider sample of the same statistic", samples
    return source, ("the same statistic on its source sample" + (" and every wider sample" if others else "")), samples


def judge(claim: pd.Series, results: pd.DataFrame, facts: pd.DataFrame) -> tuple[str, str]:
    """(verdict, how it was reached) by ``judge_samples``; ``how`` lists every sample's value and verdict."""
    verdict, rule, samples = judge_samples(claim, results, facts)
    shown = "; ".join(f"{s['role']} {_sample_label(s['key'])} = {s['value']:.4g} ({s['verdict']})" for s in samples)
    return verdict, f"{rule}" + (f": {shown}" if shown else "")


def check_references(claims: pd.DataFrame, facts: pd.DataFrame, results: pd.DataFrame | None = None) -> None:
    """Every fact a claim uses exists, every fact belongs to a claim, and (given ``results``, indexed by key) every
    result key a claim is judged on is published. ``RawDataError`` names file, line and column."""
    from .io import Problem, RawDataError, line_of

    fact_ids, claim_ids = set(facts["fact_id"]), set(claims["claim_id"])
    problems = []
    for i, row in claims.iterrows():
        used = str(row["facts_used"]).split() if isinstance(row["facts_used"], str) else []
        used += [k.removeprefix("fact:") for k in _keys(row["evidence_keys"]) if k.startswith("fact:")]
        problems += [Problem(line_of(i), "facts_used", f"fact '{f}' is not in data/raw/claim_facts.csv") for f in used if f not in fact_ids]
        if results is not None:
            problems += [Problem(line_of(i), column, f"result '{k}' is not in reports/tables/results.csv")
                         for column in ("evidence_keys", "general_keys") for k in _keys(row[column])
                         if not k.startswith("fact:") and k not in results.index]
    if problems:
        raise RawDataError("data/raw/claims.csv", problems)
    problems = [Problem(line_of(i), "claim_id", f"claim '{c}' is not in data/raw/claims.csv")
                for i, c in facts["claim_id"].items() if c not in claim_ids]
    if problems:
        raise RawDataError("data/raw/claim_facts.csv", problems)


def ledger(claims: pd.DataFrame, evidence: dict[str, str], results: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The claims ledger: every claim of ``claims`` with its evidence in words, the verdict of ``judge_samples``, the
    rule applied and every sample it was judged on. Raises ``KeyError`` naming a claim without evidence text."""
    missing = [c for c in claims["claim_id"] if c not in evidence]
    if missing:
        raise KeyError(f"no evidence written for claim(s) {missing}")
    rows = []
    for _, claim in claims.iterrows():
        verdict, rule, samples = judge_samples(claim, results, facts)
        used = claim["facts_used"].split() if isinstance(claim["facts_used"], str) else []
        rows.append({**ledger_row(claims, claim["claim_id"], evidence[claim["claim_id"]], verdict, used),
                     "check": claim["check"], "rule": rule, "samples": describe_samples(samples),
                     "how": judge(claim, results, facts)[1]})
    return pd.DataFrame(rows)


def describe_samples(samples: list[dict]) -> str:
    """The samples a claim was judged on, in words: 'source: key = value (verdict); wider: …'."""
    return "; ".join(f"{s['role']}: {_sample_label(s['key'])} = {s['value']:.4g} ({s['verdict']})" for s in samples)

