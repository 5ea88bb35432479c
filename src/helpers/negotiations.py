"""From the cited raw negotiation dates to an analysis table: codes, precisions, durations and censoring."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .countries import UnknownCountryError, is_bloc, partner_code
from .dates import PartialDate, exact_months_between, months_between, parse_partial_date
from .io import Problem, RawDataError, line_of
from .schemas import NEGOTIATION_DATES, NEGOTIATIONS, PROCESSED_NEGOTIATIONS

LAUNCH_DEFINITIONS = ("first_round", "announced")


def _months(start: PartialDate | None, end: PartialDate | None) -> tuple[float, float, str]:
    """(calendar months, exact months, basis of the survival time): exact where both are known to the day."""
    cal = months_between(start, end)
    exact = exact_months_between(start, end)
    if np.isnan(cal):
        return cal, exact, ""
    return cal, exact, ("exact" if not np.isnan(exact) else "calendar")


def launch_of(row: pd.Series, launch_definition: str) -> tuple[PartialDate | None, str]:
    """The launch date under a definition, falling back on the other definition (and saying so)."""
    if launch_definition not in LAUNCH_DEFINITIONS:
        raise ValueError(f"launch_definition must be one of {LAUNCH_DEFINITIONS}, not '{launch_definition}'")
    other = "announced" if launch_definition == "first_round" else "first_round"
    chosen = parse_partial_date(row.get(launch_definition))
    if chosen is not None:
        return chosen, launch_definition
    return parse_partial_date(row.get(other)), other


def in_windows(day: PartialDate | None, windows: pd.DataFrame) -> bool | None:
    """True if ``day`` falls inside any [start, end) window (columns start, end); None if that cannot be told.

    A window whose end no source gives lasted at most until the next window began (a later grant replaced
    it): a day between its start and the next start is 'unknown' (None).
    """
    if day is None:
        return None
    d = date(day.year, day.month, day.day or 1)
    spans = sorted((parse_partial_date(s).as_date(), parse_partial_date(e)) for s, e in zip(windows["start"], windows["end"]))
    for i, (start, end) in enumerate(spans):
        if d < start:
            continue
        if end is not None:
            if d < end.as_date():
                return True
        elif i + 1 == len(spans) or d < spans[i + 1][0]:
            return None
    return False


def add_partner_codes(raw: pd.DataFrame, path: Path | str = NEGOTIATIONS.path) -> pd.Series:
    """ISO3 (or bloc) code of each row's partner; one ``RawDataError`` names every unknown partner's line."""
    codes, problems = [], []
    for idx, name in raw["partner"].items():
        try:
            codes.append(partner_code(name))
        except UnknownCountryError as exc:
            codes.append(None)
            problems.append(Problem(line_of(idx), "partner", str(exc)))
    if problems:
        raise RawDataError(path, problems)
    return pd.Series(codes, index=raw.index, name="partner_code")


def analysis_table(raw: pd.DataFrame, as_of: str, launch_definition: str = "first_round",
                   tpa_windows: pd.DataFrame | None = None, path: Path | str = NEGOTIATIONS.path) -> pd.DataFrame:
    """Derive the processed negotiations table from validated raw rows.

    Adds: partner_code, is_bloc, each date's precision, launch (and which column it came from),
    calendar and exact months launch->signing, launch->entry into force, signing->entry into force,
    the outcome of each negotiation as of ``as_of`` (signed / ended / open), survival times to signing
    and from signing to entry into force with their event flags, launch year and decade, and whether
    trade promotion authority was in force at launch (if ``tpa_windows`` is given). Negotiations launched
    after ``as_of`` are left out. The result is checked against ``PROCESSED_NEGOTIATIONS``.
    """
    as_of_date = parse_partial_date(as_of)
    if as_of_date is None or as_of_date.day is None:
        raise ValueError(f"as_of must be a full date YYYY-MM-DD, got '{as_of}'")
    out = raw.copy()
    out.insert(3, "partner_code", add_partner_codes(raw, path))
    out.insert(4, "is_bloc", out["partner_code"].map(is_bloc))
    for col in NEGOTIATION_DATES:
        out[f"{col}_precision"] = [d.precision if d else None for d in map(parse_partial_date, out[col])]
    rows = []
    for _, row in out.iterrows():
        launch, launch_from = launch_of(row, launch_definition)
        signed = parse_partial_date(row["signed"])
        eif = parse_partial_date(row["entered_into_force"])
        ended = parse_partial_date(row["ended"])
        r = {"launch": str(launch) if launch else None, "launch_from": launch_from}
        r["months_launch_to_signing"], r["months_launch_to_signing_exact"], _ = _months(launch, signed)
        r["months_launch_to_eif"], r["months_launch_to_eif_exact"], _ = _months(launch, eif)
        r["months_signing_to_eif"], r["months_signing_to_eif_exact"], _ = _months(signed, eif)
        # Outcome as of as_of: signed, ended without signing (abandoned/suspended/withdrawn), or still open.
        if signed is not None and not (as_of_date < signed):
            outcome, stop = "signed", signed
        elif ended is not None:
            outcome, stop = "ended", ended
        elif row["status"] in ("abandoned", "suspended", "superseded"):
            outcome, stop = "ended", None  # ended without a sourced date: time unknown, left out of survival
        else:
            outcome, stop = "open", as_of_date
        cal, exact, basis = _months(launch, stop)
        r["outcome"] = outcome
        r["signing_event"] = int(outcome == "signed")
        r["time_to_signing_months"] = exact if basis == "exact" else cal
        r["time_to_signing_basis"] = basis
        # From signing to entry into force: censored at the end of the agreement (e.g. US withdrawal) or as_of.
        if outcome == "signed":
            if eif is not None:
                e_stop, e_event = eif, 1
            elif ended is not None:
                e_stop, e_event = ended, 0
            else:
                e_stop, e_event = as_of_date, 0
            cal, exact, basis = _months(signed, e_stop)
            r["eif_event"] = e_event
            r["time_signing_to_eif_months"] = exact if basis == "exact" else cal
            r["time_signing_to_eif_basis"] = basis
        else:
            r["eif_event"], r["time_signing_to_eif_months"], r["time_signing_to_eif_basis"] = None, None, None
        r["launch_year"] = launch.year if launch else None
        r["launch_decade"] = f"{launch.year // 10 * 10}s" if launch else None
        r["tpa_at_launch"] = in_windows(launch, tpa_windows) if tpa_windows is not None else None
        rows.append(r)
    derived = pd.DataFrame(rows, index=out.index)
    result = pd.concat([out, derived], axis=1)
    # As of ``as_of``, negotiations launched later had not begun: they are not part of that world.
    started = [not as_of_date < parse_partial_date(x) for x in result["launch"]]
    result = result[started]
    for c in ["n_parties", "launch_year", "signing_event", "eif_event"]:
        result[c] = pd.to_numeric(result[c]).astype("Int64")
    result = result.sort_values("negotiation_id", kind="mergesort").reset_index(drop=True)
    return PROCESSED_NEGOTIATIONS.validate(result)
