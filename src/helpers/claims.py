"""Verdicts on quantitative claims: compare a claimed number with the evidence, by a stated rule."""

from __future__ import annotations

import pandas as pd

VERDICTS = ("accurate", "roughly accurate", "misleading", "inaccurate", "unverifiable")
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
