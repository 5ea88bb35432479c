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


def judge(claim: pd.Series, results: pd.DataFrame, facts: pd.DataFrame) -> tuple[str, str]:
    """The one rule every claim goes through: (verdict, how it was reached), from the claim's row of claims.csv.

    - number: ``verdict_for_number`` against the first evidence key (the claim's source sample); if that is accurate or
      roughly accurate but any ``general_keys`` sample makes it inaccurate: accurate for its source sample, misleading
      as a general statement;
    - nearly: "nearly X" (at most X, within 10%); at_least: every evidence value at least X;
    - number_by_date: the check depends on a date nobody knows (the article's): judged at the assumed date and at both
      ends of the possible range (``general_keys`` = low;high); if the verdicts differ, unverifiable;
    - pledge: fulfilled or unfulfilled, never "accurate"; statement and forecast: unverifiable.
    """
    check, claimed = claim["check"], float(claim["claimed_value"]) if pd.notna(claim["claimed_value"]) else float("nan")
    keys, general = _keys(claim["evidence_keys"]), _keys(claim["general_keys"])
    values = [evidence_value(k, results, facts) for k in keys]
    if check in ("statement", "forecast"):
        return "unverifiable", "a statement of an official or a forecast: nothing to check it against"
    if check == "pledge":
        return ("fulfilled" if values[0] >= claimed else "unfulfilled"), f"{values[0]:g} against {claimed:g} pledged"
    if check == "at_least":
        ok = all(v >= claimed for v in values)
        return ("accurate" if ok else "inaccurate"), ", ".join(f"{v:g}" for v in values) + f" against at least {claimed:g}"
    if check == "nearly":
        return verdict_for_number(claimed, values[0], nearly=True), f"{values[0]:g} against nearly {claimed:g}"
    if check == "number_by_date":
        low, high = (evidence_value(k, results, facts) for k in general)
        verdicts = {verdict_for_number(claimed, v) for v in (values[0], low, high)}
        how = f"at the assumed date {values[0]:.1f}; over the possible dates {min(low, high):.1f} to {max(low, high):.1f}"
        return (verdicts.pop() if len(verdicts) == 1 else "unverifiable"), how
    if check == "number":
        verdict = verdict_for_number(claimed, values[0])
        others = {k: evidence_value(k, results, facts) for k in general}
        how = f"{values[0]:.1f} on its source sample" + "".join(f"; {v:.1f} ({k})" for k, v in others.items())
        if verdict in ("accurate", "roughly accurate") and any(verdict_for_number(claimed, v) == "inaccurate" for v in others.values()):
            return SOURCE_ONLY, how
        return verdict, how
    raise ValueError(f"claim {claim['claim_id']}: unknown check '{check}' (one of {CHECKS})")


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
    """The claims ledger: every claim of ``claims`` with its evidence in words, the verdict of ``judge`` and how it was
    reached. Raises ``KeyError`` naming a claim without evidence text."""
    missing = [c for c in claims["claim_id"] if c not in evidence]
    if missing:
        raise KeyError(f"no evidence written for claim(s) {missing}")
    rows = []
    for _, claim in claims.iterrows():
        verdict, how = judge(claim, results, facts)
        used = claim["facts_used"].split() if isinstance(claim["facts_used"], str) else []
        rows.append({**ledger_row(claims, claim["claim_id"], evidence[claim["claim_id"]], verdict, used),
                     "check": claim["check"], "how": how})
    return pd.DataFrame(rows)

