"""The world's trade agreements (WTO RTA database export): signature to entry into force, censoring-aware."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SIGNED = ("Date of Signature (G)", "Date of Signature (S)")
IN_FORCE = ("Date of Entry into Force (G)", "Date of Entry into Force (S)")
# Groups of parties, matched in the agreement's name and signatory lists (the export's spelling).
PARTIES = {
    "United States": ("United States",),
    "European Union": ("European Union", "European Communities", "EU "),
    "EFTA": ("European Free Trade Association", "EFTA"),
    "Japan": ("Japan",),
    "China": ("China",),
    "ASEAN members": ("ASEAN", "Brunei", "Cambodia", "Indonesia", "Lao People", "Malaysia", "Myanmar", "Philippines",
                      "Singapore", "Thailand", "Viet Nam"),
}


NEEDED = ("RTA ID", "RTA Name", "Accession?", "RTA Composition", "Current signatories", "Original signatories",
          "Inactive Date", *SIGNED, *IN_FORCE)


def _dates(df: pd.DataFrame, column: str) -> pd.Series:
    """A column of dates (empty = NaT); ``ValueError`` naming the column, the agreement and the value otherwise."""
    parsed = pd.to_datetime(df[column], errors="coerce", format="ISO8601")
    bad = parsed.isna() & df[column].notna() & df[column].astype(str).str.strip().ne("")
    if bad.any():
        i = bad.idxmax()
        raise ValueError(f"WTO export, RTA ID {df.at[i, 'RTA ID']}, column '{column}': '{df.at[i, column]}' is not a "
                         "date of the form YYYY-MM-DD or YYYY-MM")
    return parsed


def _earliest(df: pd.DataFrame, columns) -> pd.Series:
    return pd.concat([_dates(df, c) for c in columns], axis=1).min(axis=1)


def agreements(wto: pd.DataFrame, export_date: str, days_per_month: float,
               corrections: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """One row per signed, non-accession agreement of the WTO export, with the time from signature to entry into force.

    signed / in_force: the earliest of the goods (G) and services (S) dates. cause: 1 in force; 2 inactive without
    ever entering into force (a competing outcome); 0 signed but not yet in force, censored at ``export_date``.
    months: days / ``days_per_month`` (0 where entry into force is dated before signature, e.g. provisional
    application; counted in ``attrs['in_force_before_signature']``). Adds decade of signature, bilateral flag, and
    one boolean column per group of ``PARTIES``. ``corrections`` ((RTA ID, 'signed' | 'in_force') -> date, from
    ``corrections_from_conflicts``) replace the export's date where a recorded disagreement was resolved against it;
    ``attrs['corrected']`` lists what was replaced. Raises ``ValueError`` naming a missing column or a value that is
    not a date.
    """
    missing = [c for c in NEEDED if c not in wto.columns]
    if missing:
        raise ValueError(f"WTO export lacks column(s) {missing}")
    df = wto[wto["Accession?"].str.strip() == "No"].copy()
    df["signed"] = _earliest(df, SIGNED)
    df["in_force"] = _earliest(df, IN_FORCE)
    corrected = []
    for (rta_id, field), value in sorted((corrections or {}).items()):
        hit = df["RTA ID"].astype(str) == str(rta_id)
        if not hit.any():
            raise KeyError(f"correction for RTA ID {rta_id}: no such agreement in the WTO export")
        corrected.append((str(rta_id), field, str(df.loc[hit, field].iloc[0])[:10], value))
        df.loc[hit, field] = pd.Timestamp(value)
    df = df[df["signed"].notna()]
    df["inactive"] = _dates(df, "Inactive Date")
    export = pd.Timestamp(export_date)
    stop = df["in_force"].where(df["in_force"].notna(), df["inactive"].where(df["inactive"].notna(), export))
    df["cause"] = np.select([df["in_force"].notna(), df["inactive"].notna()], [1, 2], 0)
    days = (stop - df["signed"]).dt.days
    df["months"] = days.clip(lower=0) / days_per_month
    df["months_low"] = df["months_high"] = df["months"]
    df["decade"] = (df["signed"].dt.year // 10 * 10).astype(str) + "s"
    df["bilateral"] = df["RTA Composition"].str.startswith("Bilateral")
    text = (df["RTA Name"].fillna("") + " | " + df["Current signatories"].fillna("") + " | "
            + df["Original signatories"].fillna(""))
    for group, names in PARTIES.items():
        df[group] = text.map(lambda t, names=names: any(n in t for n in names))
    df["unit_id"] = df["RTA ID"].astype(str)
    df = df.reset_index(drop=True)
    df.attrs["in_force_before_signature"] = int((days < 0).sum())
    df.attrs["corrected"] = corrected
    return df


WTO_FIELDS = {"signed": "signed", "entered_into_force": "in_force"}
RTA_ID_IN_SOURCE = re.compile(r"rtaid=(\d+)", re.IGNORECASE)


def corrections_from_conflicts(conflicts: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(RTA ID, field) -> our date, for every recorded disagreement with the WTO database resolved in our favour.

    A row of ``source_conflicts.csv`` applies when its ``other_dataset`` is the WTO RTA database and its resolution
    keeps our value ("Keep ours ..."); the RTA ID is read from the WTO card cited in ``source_value_other``. Several
    rows of one agreement (CAFTA-DR's partners) give its earliest date, as the agreement unit does. A WTO conflict
    whose card names no RTA ID raises ``ValueError``: the correction could not be applied, so the rejected value
    would reach the estimates.
    """
    out: dict[tuple[str, str], str] = {}
    for _, row in conflicts.iterrows():
        if "WTO" not in str(row["other_dataset"]) or not str(row["resolution"]).lower().startswith("keep ours"):
            continue
        match = RTA_ID_IN_SOURCE.search(str(row["source_value_other"]))
        if match is None or row["field"] not in WTO_FIELDS:
            raise ValueError(f"source_conflicts.csv, {row['subject']} {row['field']}: cannot tell which WTO agreement "
                             "and date to correct (cite the WTO card rtaid=… and use field signed or entered_into_force)")
        key = (match.group(1), WTO_FIELDS[row["field"]])
        out[key] = min(out.get(key, row["value_ours"]), row["value_ours"])
    return out


def naive_median(frame: pd.DataFrame) -> float:
    """Median months among the agreements already in force — what ignoring the censored ones would report — taken as
    the lower median (the first time half are in force), the same convention as ``survival.cif_median``."""
    months = np.sort(frame.loc[frame["cause"] == 1, "months"].to_numpy())
    return float(months[(len(months) + 1) // 2 - 1]) if len(months) else float("nan")
