"""Rebuild Freund & McDaniel's (2016) Table 1 from our cited dates and explain each difference."""

from __future__ import annotations

import math

import pandas as pd

from .dates import PartialDate, exact_months_between, months_between, parse_partial_date

# Which of our negotiations each published partner is. Canada is the 1986-88 CUSFTA (its published
# 20 months fit CUSFTA, not NAFTA); Mexico is NAFTA; Korea is the 2006-07 KORUS negotiation.
PUBLISHED_PARTNERS = {
    "Israel": "us-israel-fta", "Canada": "cusfta-canada", "Mexico": "nafta-mexico", "Jordan": "us-jordan-fta",
    "Singapore": "us-singapore-fta", "Chile": "us-chile-fta", "Australia": "us-australia-fta",
    "Morocco": "us-morocco-fta", "Costa Rica": "cafta-dr-costa-rica", "El Salvador": "cafta-dr-el-salvador",
    "Guatemala": "cafta-dr-guatemala", "Honduras": "cafta-dr-honduras", "Nicaragua": "cafta-dr-nicaragua",
    "Dominican Republic": "cafta-dr-dominican-republic", "Bahrain": "us-bahrain-fta", "Oman": "us-oman-fta",
    "Peru": "us-peru-tpa", "Colombia": "us-colombia-tpa", "Panama": "us-panama-tpa", "South Korea": "korus",
}
AVERAGE_ROW = "Average"


def check_published_partners(published: pd.DataFrame, negotiations: pd.DataFrame,
                             path: str = "data/raw/published_durations.csv") -> None:
    """Every published partner row must map (``PUBLISHED_PARTNERS``) to a negotiation_id still in ``negotiations``
    (the raw or processed table), so a renamed or deleted negotiation stops notebook 01 with the line of the published
    row that needs it, not notebook 03 with a bare ``KeyError``. Raises ``RawDataError``."""
    from .io import Problem, RawDataError, line_of

    ids = set(negotiations["negotiation_id"])
    problems = []
    for idx, partner in published["partner"].items():
        if partner == AVERAGE_ROW:
            continue
        nid = PUBLISHED_PARTNERS.get(partner)
        if nid is None:
            problems.append(Problem(line_of(idx), "partner", f"'{partner}' is not a partner of the published table "
                                                             "(helpers.replication.PUBLISHED_PARTNERS)"))
        elif nid not in ids:
            problems.append(Problem(line_of(idx), "partner", f"{partner} is the negotiation '{nid}', which is not a "
                                    "negotiation_id in data/raw/negotiations.csv (renamed or deleted?)"))
    if problems:
        raise RawDataError(path, problems)


def _shift(d: PartialDate, months: float) -> str:
    total = d.year * 12 + (d.month - 1) + int(months)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _elapsed(start: PartialDate | None, end: PartialDate | None) -> float:
    """Whole months elapsed: exact months rounded down (NaN for month-precision dates)."""
    x = exact_months_between(start, end)
    return math.floor(x) if not math.isnan(x) else math.nan


def _rounded(start: PartialDate | None, end: PartialDate | None) -> float:
    """Exact months rounded to the nearest month (NaN for month-precision dates)."""
    x = exact_months_between(start, end)
    return float(round(x)) if not math.isnan(x) else math.nan


# Ways of counting months that a published integer may have used.
CONVENTIONS = {
    "calendar months": months_between,
    "whole months elapsed (days/30.4375 rounded down)": _elapsed,
    "days/30.4375 rounded": _rounded,
}


def _reproductions(start_options, end_options, target: float) -> list[str]:
    """Every (convention, start, end) combination that gives ``target`` months."""
    hits = []
    for cname, count in CONVENTIONS.items():
        for sname, start in start_options:
            for ename, end in end_options:
                if start is not None and end is not None and count(start, end) == target:
                    hits.append(f"{cname} from {sname} ({start}) to {ename} ({end})")
    return hits


def explain(row: pd.Series, published_s: float, published_i: float, agreement_signed: PartialDate | None) -> str:
    """Which cited dates and which month-counting convention reproduce each published figure.

    Tries launch = first round or announcement; signing = this partner's signature or the last signature
    of the whole agreement; months counted as calendar months, whole months elapsed, or rounded months.
    """
    launches = [("first round", parse_partial_date(row["first_round"])),
                ("announcement", parse_partial_date(row["announced"]))]
    signed = parse_partial_date(row["signed"])
    signings = [("signing", signed)]
    if agreement_signed is not None and signed is not None and agreement_signed != signed:
        signings.append((f"the last signature of {row['agreement']}", agreement_signed))
    eif = [("entry into force", parse_partial_date(row["entered_into_force"]))]
    parts = []
    for label, target, ends in (("signing", published_s, signings), ("implementation", published_i, eif)):
        hits = _reproductions(launches, ends, target)
        if hits:
            parts.append(f"{label} {target:.0f} = " + hits[0] + (f" (also {len(hits) - 1} other way(s))" if len(hits) > 1 else ""))
        else:
            launch = launches[0][1] or launches[1][1]
            parts.append(f"{label} {target:.0f} is not reproduced by any cited date or convention: it implies "
                         f"{ends[0][0]} in {_shift(launch, target)} given launch {launch}, against our cited {ends[0][1]}")
    return "; ".join(parts) + "."


def rebuild_table(published: pd.DataFrame, negotiations: pd.DataFrame) -> pd.DataFrame:
    """One row per published partner: published and rebuilt months (calendar, launch = first round) and why they differ.

    ``negotiations`` is the processed table; missing mappings raise ``KeyError`` naming the partner.
    """
    table = negotiations.set_index("negotiation_id")
    agreement_signed = {a: max((parse_partial_date(s) for s in g["signed"].dropna()), default=None)
                        for a, g in negotiations.groupby("agreement")}
    rows = []
    for p in published[published["partner"] != AVERAGE_ROW].itertuples():
        if p.partner not in PUBLISHED_PARTNERS:
            raise KeyError(f"published partner '{p.partner}' has no negotiation in PUBLISHED_PARTNERS")
        row = table.loc[PUBLISHED_PARTNERS[p.partner]]
        launch = parse_partial_date(row["first_round"]) or parse_partial_date(row["announced"])
        signed, eif = parse_partial_date(row["signed"]), parse_partial_date(row["entered_into_force"])
        rows.append({
            "partner": p.partner, "negotiation_id": row.name, "agreement": row["agreement"],
            "published_months_to_signing": float(p.months_to_signing),
            "ours_months_to_signing": months_between(launch, signed),
            "published_months_to_implementation": float(p.months_to_implementation),
            "ours_months_to_implementation": months_between(launch, eif),
            "explanation": explain(row, float(p.months_to_signing), float(p.months_to_implementation),
                                   agreement_signed.get(row["agreement"])),
        })
    out = pd.DataFrame(rows)
    out["difference_signing"] = out["ours_months_to_signing"] - out["published_months_to_signing"]
    out["difference_implementation"] = out["ours_months_to_implementation"] - out["published_months_to_implementation"]
    return out


def convention_scores(published: pd.DataFrame, negotiations: pd.DataFrame) -> pd.DataFrame:
    """How many of the published figures each month-counting convention reproduces exactly from our dates.

    Launch = first round (announcement where no first round is cited); signing as in our table, or (last row)
    the last signature of the agreement, which moves CAFTA-DR's five Central American rows to 2004-08-05.
    """
    table = negotiations.set_index("negotiation_id")
    last_signed = {a: max(parse_partial_date(s) for s in g["signed"].dropna())
                   for a, g in negotiations.dropna(subset=["signed"]).groupby("agreement")}
    rows = []
    pub = published[published["partner"] != AVERAGE_ROW]
    for use_last in (False, True):
        for cname, count in CONVENTIONS.items():
            hit_s = hit_i = 0
            for p in pub.itertuples():
                r = table.loc[PUBLISHED_PARTNERS[p.partner]]
                launch = parse_partial_date(r["first_round"]) or parse_partial_date(r["announced"])
                signed = last_signed[r["agreement"]] if use_last else parse_partial_date(r["signed"])
                hit_s += count(launch, signed) == float(p.months_to_signing)
                hit_i += count(launch, parse_partial_date(r["entered_into_force"])) == float(p.months_to_implementation)
            rows.append({"convention": cname, "signing date": "last signature of the agreement" if use_last else "partner's own signature",
                         "signing figures reproduced": hit_s, "implementation figures reproduced": hit_i, "of": len(pub)})
    return pd.DataFrame(rows)


def collapse_agreement(df: pd.DataFrame, agreement: str, columns: list[str]) -> pd.DataFrame:
    """Replace the rows of one plurilateral ``agreement`` by a single row holding their mean of ``columns``."""
    inside = df["agreement"] == agreement
    if not inside.any():
        return df
    merged = df[inside].iloc[[0]].copy()
    merged[columns] = df.loc[inside, columns].mean().values
    merged["partner"] = agreement
    return pd.concat([df[~inside], merged], ignore_index=True)


OLDEST = ("us-israel-fta", "cusfta-canada", "nafta-mexico")


def sensitivity_samples(base: pd.DataFrame, later: pd.DataFrame, signed: pd.DataFrame) -> dict[str, dict[str, pd.Series]]:
    """Months launch->signing ('signing') and launch->entry into force ('eif') under alternative choices.

    ``base`` holds the processed rows of the published partners, ``later`` the agreements signed since,
    ``signed`` every signed negotiation (its partner rows averaged per agreement: congressional FTAs alone, and every
    class but accessions).
    """
    def months_from(df: pd.DataFrame, start_col: str, end_col: str) -> pd.Series:
        return pd.Series([months_between(parse_partial_date(a), parse_partial_date(b))
                          for a, b in zip(df[start_col], df[end_col])], index=df.index, dtype=float)

    cols = ["months_launch_to_signing", "months_launch_to_eif"]
    one_cafta = collapse_agreement(base, "CAFTA-DR", cols)
    without_oldest = base[~base["negotiation_id"].isin(OLDEST)]
    extended = pd.concat([base, later], ignore_index=True)
    per_agreement = signed[signed["track"] == "congressional_fta"].groupby("agreement")[cols].mean()  # accessions left out
    every_agreement = signed[signed["track"] != "accession"].groupby("agreement")[cols].mean()
    return {
        "first round, calendar months (baseline)": {"signing": base[cols[0]], "eif": base[cols[1]]},
        "first round, exact months (day-precision rows)": {"signing": base["months_launch_to_signing_exact"],
                                                           "eif": base["months_launch_to_eif_exact"]},
        "announcement, calendar months": {"signing": months_from(base, "announced", "signed"),
                                          "eif": months_from(base, "announced", "entered_into_force")},
        "CAFTA-DR as one agreement": {"signing": one_cafta[cols[0]], "eif": one_cafta[cols[1]]},
        "without Israel, Canada, NAFTA": {"signing": without_oldest[cols[0]], "eif": without_oldest[cols[1]]},
        "with agreements signed 2017 on": {"signing": extended[cols[0]], "eif": extended[cols[1]]},
        "all signed FTAs, one per agreement": {"signing": per_agreement[cols[0]], "eif": per_agreement[cols[1]]},
        "all signed agreements, one per agreement": {"signing": every_agreement[cols[0]], "eif": every_agreement[cols[1]]},
    }


def paired_comparison(rebuilt: pd.DataFrame, n_resamples: int, seed: int, confidence: float = 0.95) -> pd.DataFrame:
    """Rebuilt against published months, row by row, for signing and for entry into force.

    One row per measure: n, published and rebuilt means, the rebuilt mean's agreement-cluster bootstrap interval,
    the mean difference (rebuilt - published) with its agreement-cluster interval, the Wilcoxon signed-rank p-value of
    the row differences (zero differences dropped) and the paired t-test p-value.
    """
    from scipy import stats as sps

    from .survival import cluster_bootstrap

    out = []
    for measure, ours, theirs in (("launch to signing", "ours_months_to_signing", "published_months_to_signing"),
                                  ("launch to entry into force", "ours_months_to_implementation", "published_months_to_implementation")):
        d = rebuilt[["agreement", ours, theirs]].dropna()
        diff = d[ours] - d[theirs]
        nonzero = diff[diff != 0]
        lo, hi = cluster_bootstrap(d, lambda f, o=ours: f[o].mean(), "agreement", n_resamples, seed, confidence)
        dlo, dhi = cluster_bootstrap(d, lambda f, o=ours, t=theirs: (f[o] - f[t]).mean(), "agreement", n_resamples, seed, confidence)
        out.append({"measure": measure, "n": len(d), "agreements": d["agreement"].nunique(),
                    "published_mean": d[theirs].mean(), "rebuilt_mean": d[ours].mean(),
                    "rebuilt_ci_low": lo, "rebuilt_ci_high": hi, "mean_difference": diff.mean(),
                    "difference_ci_low": dlo, "difference_ci_high": dhi,
                    "wilcoxon_pvalue": float(sps.wilcoxon(nonzero).pvalue) if len(nonzero) else 1.0,
                    "paired_t_pvalue": float(sps.ttest_rel(d[ours], d[theirs]).pvalue)})
    return pd.DataFrame(out)


def signed_agreements(table: pd.DataFrame, launch_definition: str = "first_round") -> pd.DataFrame:
    """Every signed unit of analysis once (``negotiations.agreement_units``: an agreement's partner rows collapsed to
    the US side's earliest dates, each accession its own unit), with calendar ``months`` from its launch
    (``launch_definition``, falling back as ``negotiations.launch_of`` does; ``launch_from`` says which) to its
    first signature. Units without a dated signature or launch are left out. Sorted by months, then unit id.
    """
    from .negotiations import agreement_units, launch_of

    rows = []
    for _, unit in agreement_units(table).iterrows():
        if not isinstance(unit["signed"], str) or not unit["signed"]:
            continue
        start, start_from = launch_of(unit, launch_definition)
        if start is None:
            continue
        rows.append({"unit_id": unit["unit_id"], "agreement": unit["agreement"], "track": unit["track"],
                     "partners": unit["partners"], "n_rows": int(unit["n_rows"]), "launch": str(start),
                     "launch_from": start_from, "signed": unit["signed"],
                     "months": float(months_between(start, parse_partial_date(unit["signed"])))})
    columns = ["unit_id", "agreement", "track", "partners", "n_rows", "launch", "launch_from", "signed", "months"]
    return pd.DataFrame(rows, columns=columns).sort_values(["months", "unit_id"], kind="mergesort").reset_index(drop=True)
