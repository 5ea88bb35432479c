"""From the cited raw negotiation dates to an analysis table: codes, precisions, durations and censoring."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .countries import UnknownCountryError, is_bloc, partner_code
from .dates import PartialDate, exact_months_between, is_before, months_between, parse_partial_date
from .io import Problem, RawDataError, line_of
from .schemas import NEGOTIATION_DATES, NEGOTIATIONS, PROCESSED_NEGOTIATIONS

LAUNCH_DEFINITIONS = ("first_round", "notified_congress", "announced")
SUCCESS_DEFINITIONS = ("signed", "entered_into_force")
# Where the chosen launch date does not exist (an executive agreement has no notice to Congress; some talks
# have no cited first round), the next date in this order stands in, and `launch_from` says so.
LAUNCH_FALLBACK = {
    "first_round": ("first_round", "announced", "notified_congress"),
    "notified_congress": ("notified_congress", "announced", "first_round"),
    "announced": ("announced", "notified_congress", "first_round"),
}
LAUNCH_NAMES = {"first_round": "first round", "notified_congress": "notice to Congress", "announced": "announcement"}
UNIT_DATES = ("announced", "notified_congress", "first_round", "concluded", "signed", "entered_into_force")


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
    for column in LAUNCH_FALLBACK[launch_definition]:
        value = row.get(column)
        if isinstance(value, str) and value:
            return parse_partial_date(value), column
    return None, launch_definition


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


ENDED_STATUSES = ("abandoned", "suspended", "superseded")
REACHED = {"signed": ("in_force", "signed_not_in_force"), "entered_into_force": ("in_force",)}


def _date(row, column: str) -> PartialDate | None:
    value = row.get(column)
    return parse_partial_date(value) if isinstance(value, str) and value else None


def end_of_talks(row, success: str, as_of: str | PartialDate) -> tuple[int | None, PartialDate | None, str]:
    """Where a negotiation's clock stops, the one definition used by every table and estimate.

    Returns ``(cause, stop, why)``: cause 1 = success (``success`` dated on or before ``as_of``), 2 = ended without
    success (``ended`` dated on or before ``as_of``), 0 = still open, censored at the last date a source confirmed its
    status (``status_verified``, never later than ``as_of``; ``as_of`` where none is given). ``cause`` is None where the
    time cannot be known (``why`` says so): ended without a dated end, or a status showing the success happened
    without a dated source — such a unit is left out and listed, never guessed.
    """
    if success not in SUCCESS_DEFINITIONS:
        raise ValueError(f"success must be one of {SUCCESS_DEFINITIONS}, not '{success}'")
    limit = as_of if isinstance(as_of, PartialDate) else parse_partial_date(as_of)
    done, ended, verified = _date(row, success), _date(row, "ended"), _date(row, "status_verified")
    if done is None and row.get("status") in REACHED[success]:
        return None, None, f"{row.get('status')}, but no {success} date was found"
    if done is not None and not is_before(limit, done):
        return 1, done, ""
    if ended is not None and not is_before(limit, ended):
        return 2, ended, ""
    if row.get("status") in ENDED_STATUSES:
        return None, None, "ended without a dated end"
    return 0, (verified if verified is not None and is_before(verified, limit) else limit), ""


def analysis_table(raw: pd.DataFrame, as_of: str, launch_definition: str = "first_round",
                   tpa_windows: pd.DataFrame | None = None, path: Path | str = NEGOTIATIONS.path) -> pd.DataFrame:
    """Derive the processed negotiations table from validated raw rows.

    Adds: partner_code, is_bloc, each date's precision, launch (and which column it came from),
    calendar and exact months launch->signing, launch->entry into force, signing->entry into force,
    the outcome of each negotiation as of ``as_of`` (signed / ended / open) and where its clock stops (``talks_stop``,
    by ``end_of_talks``: the signing, the end, or the last verified status of open talks), survival times to signing
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
        # Outcome as of as_of, by the one definition of the end of talks (``end_of_talks``): signed, ended without
        # signing (abandoned/suspended/withdrawn), or still open and censored at its last verified status.
        cause, stop, _ = end_of_talks(row, "signed", as_of_date)
        if cause is None:  # time unknown: left out of survival (an undated end, or signed on no dated source)
            outcome = "signed" if row["status"] in REACHED["signed"] else "ended"
        else:
            outcome = {1: "signed", 2: "ended", 0: "open"}[cause]
        cal, exact, basis = _months(launch, stop)
        r["outcome"] = outcome
        r["talks_stop"] = str(stop) if stop is not None else None  # where the clock to signing stops (end_of_talks)
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


def _extreme(values, latest: bool = False) -> str | None:
    """The earliest (or latest) of some partial dates given as text; None if there are none."""
    parsed = [parse_partial_date(v) for v in values if isinstance(v, str) and v]
    if not parsed:
        return None
    best = parsed[0]
    for d in parsed[1:]:
        if (is_before(best, d) if latest else is_before(d, best)):
            best = d
    return str(best)


def agreement_units(table: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of analysis: each agreement (the US-side negotiation) once, each accession once.

    The rows of an agreement other than its accessions are collapsed: the earliest date of each milestone
    (announcement, notice to Congress, first round, conclusion, signing, entry into force: when the US
    side reached it), the latest ``ended`` and ``status_verified``, and the best status reached. Accession
    rows (a partner that joined talks already under way) stay separate units of track 'accession'.
    Raises ``ValueError`` when the rows of one agreement disagree on the track.
    """
    units = []
    for agreement, rows in table.groupby("agreement", sort=True):
        core = rows[rows["track"] != "accession"]
        if len(core):
            tracks = core["track"].unique()
            if len(tracks) > 1:
                raise ValueError(f"agreement '{agreement}' has rows on different tracks: {sorted(tracks)}")
            unit = {"unit_id": agreement, "agreement": agreement, "track": tracks[0], "n_rows": len(core),
                    "partners": "; ".join(core["partner"]), "n_parties": int(core["n_parties"].max())}
            for c in UNIT_DATES:
                unit[c] = _extreme(core[c])
            # Unsigned: the talks ended when the last partner's did; signed: the agreement ended with its first end.
            unit["ended"] = _extreme(core["ended"], latest=core["signed"].isna().all())
            unit["status_verified"] = _extreme(core["status_verified"], latest=True)
            order = ["in_force", "signed_not_in_force", "superseded", "ongoing", "suspended", "abandoned"]
            statuses = [s for s in order if s in set(core["status"])]
            unit["status"] = statuses[0]
            units.append(unit)
        for _, row in rows[rows["track"] == "accession"].iterrows():
            unit = {"unit_id": row["negotiation_id"], "agreement": agreement, "track": "accession", "n_rows": 1,
                    "partners": row["partner"], "n_parties": int(row["n_parties"])}
            for c in (*UNIT_DATES, "ended", "status_verified", "status"):
                unit[c] = row.get(c) if isinstance(row.get(c), str) and row.get(c) else None
            units.append(unit)
    return pd.DataFrame(units).sort_values("unit_id", kind="mergesort").reset_index(drop=True)


def ever_reached(units: pd.DataFrame, success: str) -> pd.Series:
    """Whether each unit ever reached ``success`` (signed / entered_into_force): a dated success, or a status that shows
    it (in force implies signed, even where no signing date is cited; an agreement in force was signed)."""
    if success not in SUCCESS_DEFINITIONS:
        raise ValueError(f"success must be one of {SUCCESS_DEFINITIONS}, not '{success}'")
    dated = units[success].notna()
    if success == "signed":
        dated |= units["entered_into_force"].notna()
    return dated | units["status"].isin(REACHED[success])


def clocks_differ(units: pd.DataFrame, clock: str, other: str) -> int:
    """How many units have a ``clock`` date of their own that differs from their ``other`` date (or have no ``other``):
    where few do, the two launch definitions give the same estimate by construction, not as a robustness check."""
    own = units[clock].notna()
    return int((own & (units[clock] != units[other])).sum())


def _bounds(d: PartialDate) -> tuple[date, date]:
    """First and last possible day of a (possibly month-only) date."""
    import calendar

    if d.day is not None:
        day = d.as_date()
        return day, day
    last = calendar.monthrange(d.year, d.month)[1]
    return date(d.year, d.month, 1), date(d.year, d.month, last)


def _latest_possible_launch(u, launch: str, stop: PartialDate) -> PartialDate | None:
    """Where a unit has no date under ``launch`` = first_round, the latest day its first round can have been: before
    conclusion (or signing, or the end of the clock). None for the other definitions (no such order is known)."""
    if launch != "first_round":
        return None
    for column in ("concluded", "signed"):
        d = _date(u, column)
        if d is not None:
            return d
    return stop


def survival_frame(units: pd.DataFrame, launch: str, success: str, as_of: str,
                   days_per_month: float, bound_missing_launch: bool = False) -> pd.DataFrame:
    """Time from launch to success for each unit (row of ``units`` or of the processed table), in months.

    ``cause`` and the stop date follow ``end_of_talks``: 1 success, 2 ended without success, 0 censored at the last date
    its status was verified. ``months`` is exact days / ``days_per_month`` where both dates are known to the day and
    calendar months otherwise; ``months_calendar`` is Freund & McDaniel's whole calendar months (12·years + months);
    ``months_low`` / ``months_high`` put every month-only date at the first and last day of its month (the range a
    threshold answer must respect). ``launch_from`` says which date stood in where the unit has none under ``launch``
    (``LAUNCH_FALLBACK``); with ``bound_missing_launch`` such a unit's range also spans every day its launch can have
    been (for first_round: from the fallback date to the conclusion, or signing, or the end of its clock).
    Units with no launch date under any definition, or an outcome without a date, are dropped (``dropped`` attr).
    """
    if success not in SUCCESS_DEFINITIONS:
        raise ValueError(f"success must be one of {SUCCESS_DEFINITIONS}, not '{success}'")
    limit = parse_partial_date(as_of)
    rows, dropped = [], []
    id_col = "unit_id" if "unit_id" in units else "negotiation_id"
    for _, u in units.iterrows():
        start, start_from = launch_of(u, launch)
        if start is None or is_before(limit, start):
            dropped.append((u[id_col], "launched after as_of" if start else "no launch date"))
            continue
        cause, stop, why = end_of_talks(u, success, limit)
        if cause is None:
            dropped.append((u[id_col], why))
            continue
        if is_before(stop, start):
            stop = start  # verified before launch: no time at risk observed
        (s_lo, s_hi), (e_lo, e_hi) = _bounds(start), _bounds(stop)
        if bound_missing_launch and start_from != launch:
            latest = _latest_possible_launch(u, launch, stop)
            if latest is not None and not is_before(latest, start):
                s_hi = _bounds(latest)[1]
        exact = exact_months_between(start, stop)
        cal = months_between(start, stop)
        rows.append({
            id_col: u[id_col], "agreement": u["agreement"], "track": u["track"], "launch": str(start),
            "launch_from": start_from, "stop": str(stop), "cause": cause,
            "months": exact if not np.isnan(exact) else cal,
            "months_calendar": cal,
            "months_low": max((e_lo - s_hi).days, 0) / days_per_month,
            "months_high": (e_hi - s_lo).days / days_per_month,
        })
    frame = pd.DataFrame(rows)
    frame.attrs["dropped"] = dropped
    return frame


def check_conflicts(conflicts: pd.DataFrame, raw: pd.DataFrame, path: Path | str | None = None) -> None:
    """Each row of ``source_conflicts.csv`` must name a negotiation and repeat its current value and source exactly,
    so a recorded disagreement cannot silently go stale. Raises ``RawDataError`` naming line and column."""
    from .schemas import SOURCE_CONFLICTS

    path = path or SOURCE_CONFLICTS.path
    table = raw.set_index("negotiation_id")
    problems = []
    for idx, row in conflicts.iterrows():
        if row["subject"] not in table.index:
            problems.append(Problem(line_of(idx), "subject", f"'{row['subject']}' is not a negotiation_id in negotiations.csv"))
            continue
        ours = table.loc[row["subject"]]
        for column, raw_column in (("value_ours", row["field"]), ("source_value_ours", f"source_{row['field']}")):
            if row[column] != ours[raw_column]:
                problems.append(Problem(line_of(idx), column, f"'{row[column]}' differs from negotiations.csv "
                                        f"{raw_column} '{ours[raw_column]}' for {row['subject']}"))
    if problems:
        raise RawDataError(path, problems)
