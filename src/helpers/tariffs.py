"""The rate each partner faces under the 2025–26 US tariff record, layer by legal authority.

The record is two raw tables (``data/raw/tariff_actions.csv``, ``tariff_rates.csv``): each rate row sets one layer for
one partner (or ``All``) from a day, for goods in general (``economy_wide``) or for a named product group
(``product_specific``). Rules, in order:

- **Which row applies.** A row applies from its start (its own ``effective``, else its action's) until its action
  ``ended``. Within one action, a partner's own started row overrides the action's ``All`` row for that layer (an
  ``unchanged`` row says the ``All`` row does not reach the partner). Across actions of one proceeding, the latest
  start wins; on the same day, the later-signed action (then the one that names the other in ``superseded_by``, then
  file order). A termination is a row setting 0 (EO 14389: IEEPA duties ended 2026-02-24). Separate proceedings of
  one layer (an action's ``proceeding``: two Section 301 investigations) add up.
- **Headline.** The economy-wide rates of the headline layers (IEEPA reciprocal, fentanyl, other IEEPA, Section 122,
  and Section 301 or 338 where they reach all goods) are summed into the headline additional rate. It is the rate on a
  good whose MFN duty is zero: an ``all_in`` layer (a ceiling including MFN, e.g. the EU's and Japan's 15%) counts at
  its cap, which is the additional rate only where MFN is zero and an upper bound otherwise; ``all_in_layers`` says
  when this is so.
- **Product layers.** Rates on named products (Section 232, Section 301 and 338 product lists, Section 201) are never
  summed into the headline: ``product_rates`` lists them beside it, with their highest rate (``product_max_pct``).

Rows without a day to start (no effective date, or a month only) are not placed on the timeline (``unplaced_rows``).
"""

from __future__ import annotations

import pandas as pd

HEADLINE_LAYERS = ("reciprocal_ieepa", "fentanyl_ieepa", "ieepa_other", "section_122", "section_301", "section_338")
PRODUCT_LAYERS = ("section_232", "section_301", "section_338", "section_201")
LAYER_NAMES = {"reciprocal_ieepa": "IEEPA reciprocal", "fentanyl_ieepa": "IEEPA fentanyl", "ieepa_other": "IEEPA other",
               "section_122": "Section 122", "section_301": "Section 301", "section_338": "Section 338",
               "section_232": "Section 232", "section_201": "Section 201", "de_minimis": "de minimis"}
IEEPA_END = "eo14389-ending-ieepa-tariffs"  # the order ending every IEEPA duty (collection stopped 2026-02-24)
ALL = "ALL"  # partner code of the `All` rows


def load_record() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The validated tariff record: (actions, rates), each checked on its own and the two against each other."""
    from . import schemas

    actions, rates = schemas.load_raw(schemas.TARIFF_ACTIONS), schemas.load_raw(schemas.TARIFF_RATES)
    check_record(actions, rates)
    return actions, rates


def ieepa_end(actions: pd.DataFrame) -> str:
    """The day IEEPA duties stopped being collected (the effective date of EO 14389), as ``YYYY-MM-DD``."""
    return str(actions.set_index("action_id").at[IEEPA_END, "effective"])


def _full_day(value) -> pd.Timestamp | None:
    return pd.Timestamp(value) if isinstance(value, str) and len(value) == 10 else None


def _code(name: str) -> str:
    from .countries import partner_code

    return ALL if name == "All" else partner_code(name)


def rate_rows(actions: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """The rate rows with what the rules need: ``partner_code`` (``ALL`` for All), ``rate`` (float, NaN if none),
    ``start`` (the row's effective, else its action's; NaT if not a full day), ``end`` (its action's ended; NaT if
    none or not a full day) and ``rank`` (order among rows starting on one day: later-signed action, superseding
    action, file order)."""
    act = actions.set_index("action_id")
    out = rates.copy()
    out["partner_code"] = out["partner"].map(_code)
    out["rate"] = pd.to_numeric(out["rate_pct"], errors="coerce")
    own = out["effective"].map(_full_day)
    inherited = out["action_id"].map(lambda a: _full_day(act.at[a, "effective"]) if a in act.index else None)
    out["start"] = pd.to_datetime(own.where(out["effective"].notna(), inherited))
    out["end"] = pd.to_datetime(out["action_id"].map(lambda a: _full_day(act.at[a, "ended"]) if a in act.index else None))
    out["rank"] = out["action_id"].map(_action_rank(actions))
    out["row"] = range(len(out))
    proceeding = actions.set_index("action_id")["proceeding"] if "proceeding" in actions.columns else pd.Series(dtype=object)
    out["proceeding"] = out["action_id"].map(proceeding).where(lambda p: p.notna() & (p != ""), out["layer"])
    return out


def _action_rank(actions: pd.DataFrame) -> dict[str, int]:
    """Order of the actions for rows that start on the same day: by signing date (else announcement, else effective);
    among actions signed the same day, an action after every action whose ``superseded_by`` names it; then file order."""
    signed = actions["signed"].fillna(actions["announced"]).fillna(actions["effective"]).fillna("").str[:10]
    replaces = {a: {s.strip() for s in cell.split(";")} for a, cell in zip(actions["action_id"], actions["superseded_by"])
                if isinstance(cell, str)}
    order = []
    for _, group in pd.DataFrame({"a": actions["action_id"], "s": signed}).groupby("s", sort=True):
        ids = list(group["a"])
        for _ in range(len(ids)):  # move each replaced action before the action replacing it, until stable
            moved = False
            for i, a in enumerate(ids):
                for later in replaces.get(a, ()):
                    if later in ids and ids.index(later) < i:
                        ids.remove(later)
                        ids.insert(ids.index(a) + 1, later)
                        moved = True
            if not moved:
                break
        order += ids
    return {a: i for i, a in enumerate(order)}


def unplaced_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Rate rows (from ``rate_rows``) that cannot be placed on the timeline: no full-day start."""
    return rows[rows["start"].isna()]


def _applicable(rows: pd.DataFrame, code: str, day: pd.Timestamp) -> pd.DataFrame:
    """The rows in force on ``day`` for partner ``code``: started, not ended, the partner's own or All, an action's
    All row dropped where the same action has a started row of the partner for that layer and coverage."""
    live = rows[rows["start"].notna() & (rows["start"] <= day) & (rows["end"].isna() | (day < rows["end"]))
                & rows["partner_code"].isin([code, ALL])]
    own = set(zip(*(live.loc[live["partner_code"] == code, c] for c in ("action_id", "layer", "coverage"))))
    if own:
        keys = zip(live["action_id"], live["layer"], live["coverage"])
        shadowed = [key in own for key in keys]
        live = live[~((live["partner_code"] == ALL).to_numpy() & shadowed)]
    return live


def layer_rates(rows: pd.DataFrame, code: str, day, layers=HEADLINE_LAYERS) -> dict[str, dict]:
    """The economy-wide rate of each layer for partner ``code`` on ``day``: ``{layer: {"rate", "basis", "action_id"}}``
    (rate 0 and no action where nothing applies; an ``unchanged`` row leaves the earlier rate in force)."""
    day = pd.Timestamp(day)
    live = _applicable(rows, code, day)
    live = live[(live["coverage"] == "economy_wide") & (live["rate_basis"] != "unchanged")]
    out = {}
    for layer in layers:
        cands = live[live["layer"] == layer]
        if cands.empty:
            out[layer] = {"rate": 0.0, "basis": "none", "action_id": None}
            continue
        # the latest row of each proceeding; the proceedings of one layer add up
        wins = [g.sort_values(["start", "rank", "row"], kind="mergesort").iloc[-1] for _, g in cands.groupby("proceeding", sort=True)]
        rates = [0.0 if w["rate_basis"] == "exempt" or pd.isna(w["rate"]) else float(w["rate"]) for w in wins]
        capped = any(w["rate_basis"] == "all_in" and r > 0 for w, r in zip(wins, rates))
        basis = "all_in" if capped else ("additional" if any(rates) else wins[-1]["rate_basis"])
        out[layer] = {"rate": float(sum(rates)), "basis": basis,
                      "action_id": " ".join(w["action_id"] for w, r in zip(wins, rates) if r > 0) or wins[-1]["action_id"]}
    return out


def headline(state: dict[str, dict]) -> tuple[float, list[str]]:
    """The headline additional rate of a ``layer_rates`` state (sum of the layers) and the layers counted at an
    ``all_in`` cap (for those, the headline is the rate on a good with zero MFN duty: an upper bound otherwise)."""
    capped = [layer for layer, s in state.items() if s["basis"] == "all_in" and s["rate"] > 0]
    return float(sum(s["rate"] for s in state.values())), capped


def _change_days(rows: pd.DataFrame, code: str, layers=HEADLINE_LAYERS) -> list[pd.Timestamp]:
    mine = rows[rows["partner_code"].isin([code, ALL]) & rows["layer"].isin(layers) & (rows["coverage"] == "economy_wide")]
    days = set(mine["start"].dropna()) | set(mine["end"].dropna())
    return sorted(days)


def rate_path(actions: pd.DataFrame, rates: pd.DataFrame, partner: str, layers=HEADLINE_LAYERS,
              rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Step path of the headline additional rate on ``partner``: one row per day it or any layer changed.

    Columns: ``effective`` (Timestamp), one column per layer (percent), ``total_pct`` (their sum: the headline),
    ``all_in`` (layers counted at an all-in cap, space-separated), ``actions`` (the action behind each layer that
    changed that day, space-separated). A path that never leaves 0 is one row at the first change day.
    """
    rows = rate_rows(actions, rates) if rows is None else rows
    code = _code(partner)
    out, previous = [], {layer: {"rate": 0.0, "basis": "none", "action_id": None} for layer in layers}
    for day in _change_days(rows, code, layers):  # a path starts at its first non-zero layer
        state = layer_rates(rows, code, day, layers)
        moved = [layer for layer in layers if (state[layer]["rate"], state[layer]["basis"])
                 != (previous[layer]["rate"], previous[layer]["basis"])]
        if not moved:
            continue
        total, capped = headline(state)
        # the action behind each layer that moved (for a layer whose action ended, the action that ended)
        ids = []  # the actions behind each layer that moved: those that began applying, else those that stopped
        for layer in moved:
            now, before = (str(s[layer]["action_id"] or "").split() for s in (state, previous))
            ids += [a for a in now if a not in before] or [a for a in before if a not in now] or now
        out.append({"effective": day, **{layer: s["rate"] for layer, s in state.items()}, "total_pct": total,
                    "all_in": " ".join(capped), "actions": " ".join(dict.fromkeys(ids))})
        previous = state
    if not out:
        raise ValueError(f"no dated rates for '{partner}'")
    return pd.DataFrame(out)


def rate_on(path: pd.DataFrame, day: str | pd.Timestamp, column: str = "total_pct") -> float:
    """The value of ``column`` of a ``rate_path`` in force on ``day`` (0 before the first step)."""
    before = path[path["effective"] <= pd.Timestamp(day)]
    return float(before[column].iloc[-1]) if len(before) else 0.0


def product_rates(actions: pd.DataFrame, rates: pd.DataFrame, partner: str, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rates set on named products that reach ``partner`` (product layers: Section 232, 301, 338, 201), one row per
    rate row with its ``start`` and ``end`` (NaT: still in force). Within an action, a partner row replaces the All row
    for the same product scope (a deal cap on the same goods); other All rows stay (they reach the partner's goods)."""
    rows = rate_rows(actions, rates) if rows is None else rows
    code = _code(partner)
    mine = rows[rows["layer"].isin(PRODUCT_LAYERS) & (rows["coverage"] == "product_specific")
                & rows["partner_code"].isin([code, ALL]) & rows["start"].notna()]
    own_scopes = set(zip(mine.loc[mine["partner_code"] == code, "action_id"], mine.loc[mine["partner_code"] == code, "product_scope"]))
    keep = [not (r.partner_code == ALL and (r.action_id, r.product_scope) in own_scopes) for r in mine.itertuples()]
    cols = ["action_id", "layer", "partner", "product_scope", "rate", "rate_basis", "start", "end", "source"]
    return mine[keep][cols].sort_values(["start", "layer", "action_id"], kind="mergesort").reset_index(drop=True)


def product_max(products: pd.DataFrame, day) -> tuple[float, int]:
    """Highest rate (additional, or an all-in cap) among ``product_rates`` in force on ``day``, and how many are."""
    day = pd.Timestamp(day)
    live = products[(products["start"] <= day) & (products["end"].isna() | (day < products["end"]))]
    rated = live[live["rate_basis"].isin(["additional", "all_in"]) & live["rate"].notna()]
    return (float(rated["rate"].max()) if len(rated) else 0.0), len(live)


def _product_maxima(products: pd.DataFrame, days: pd.DatetimeIndex) -> list[tuple[float, int]]:
    """``product_max`` for every day at once (days × rows)."""
    import numpy as np

    d = days.to_numpy()[:, None]
    start, end = products["start"].to_numpy()[None, :], products["end"].to_numpy()[None, :]
    live = (start <= d) & (pd.isna(end) | (d < end))
    rated = (products["rate_basis"].isin(["additional", "all_in"]) & products["rate"].notna()).to_numpy()[None, :]
    rates = np.where(live & rated, products["rate"].fillna(0).to_numpy()[None, :], 0.0)
    top = rates.max(axis=1) if rates.shape[1] else np.zeros(len(days))
    return [(float(m), int(n)) for m, n in zip(top, live.sum(axis=1))]


def daily_rates(actions: pd.DataFrame, rates: pd.DataFrame, partners: list[str], start: str, end: str) -> pd.DataFrame:
    """Day by day from ``start`` to ``end`` (inclusive), for each partner: each headline layer's rate (percent),
    ``headline_pct``, ``all_in_layers``, and beside them ``product_max_pct`` and ``product_rates_in_force``."""
    from .countries import partner_code

    rows = rate_rows(actions, rates)
    days = pd.date_range(start, end, freq="D")
    frames = []
    for partner in partners:
        path = rate_path(actions, rates, partner, rows=rows)
        steps = path.set_index("effective").reindex(days, method="ffill")
        before = steps["total_pct"].isna()
        for layer in HEADLINE_LAYERS:
            steps[layer] = steps[layer].where(~before, 0.0)
        steps["total_pct"] = steps["total_pct"].where(~before, 0.0)
        steps["all_in"] = steps["all_in"].where(~before, "")
        maxima = _product_maxima(product_rates(actions, rates, partner, rows=rows), days)
        frames.append(pd.DataFrame({
            "date": days.strftime("%Y-%m-%d"), "partner": partner, "partner_code": partner_code(partner),
            **{f"{layer}_pct": steps[layer].to_numpy() for layer in HEADLINE_LAYERS},
            "headline_pct": steps["total_pct"].to_numpy(), "all_in_layers": steps["all_in"].fillna("").to_numpy(),
            "product_max_pct": [m for m, _ in maxima], "product_rates_in_force": [n for _, n in maxima]}))
    return pd.concat(frames, ignore_index=True)


def change_labels(path: pd.DataFrame) -> list[str]:
    """A short label per step of a ``rate_path``: the date and each layer that changed, with its new rate (an all-in
    cap marked)."""
    layers = [m for m in LAYER_NAMES if m in path.columns]
    labels, previous = [], {m: 0.0 for m in layers}
    for _, row in path.iterrows():
        capped = set(str(row.get("all_in", "")).split())
        changed = [f"{LAYER_NAMES[m]} {row[m]:g}%{' all-in' if m in capped else ''}" for m in layers if row[m] != previous[m]]
        labels.append(f"{row['effective']:%d %b %Y}: " + (", ".join(changed) or "basis changed"))
        previous = {m: row[m] for m in layers}
    return labels


def check_record(actions: pd.DataFrame, rates: pd.DataFrame, path=None) -> None:
    """The rules across the two tables, reported on ``tariff_rates.csv`` with its lines: each rate's action exists; a
    rate starts on or after its action takes effect and before it ends; one action sets at most one economy-wide rate
    per layer, partner and day; two actions setting one on the same day are ordered (different signing dates, or one
    names the other in ``superseded_by``). Raises ``RawDataError``."""
    from .io import Problem, RawDataError, line_of

    act = actions.set_index("action_id")
    problems = []
    known = rates["action_id"].isin(act.index)
    for idx in rates.index[~known]:
        problems.append(Problem(line_of(idx), "action_id", f"'{rates.at[idx, 'action_id']}' is not an action_id in "
                                                           "data/raw/tariff_actions.csv"))
    rows = rate_rows(actions, rates[known])
    for idx, r in rows.iterrows():
        if not isinstance(r["effective"], str):
            continue
        begins, ends = _full_day(act.at[r["action_id"], "effective"]), r["end"]
        if begins is not None and r["start"] is not pd.NaT and r["start"] < begins:
            problems.append(Problem(line_of(idx), "effective", f"effective ({r['effective']}) is before its action's "
                                    f"effective date ({begins:%Y-%m-%d}) in tariff_actions.csv"))
        if pd.notna(ends) and r["start"] is not pd.NaT and r["start"] >= ends:
            problems.append(Problem(line_of(idx), "effective", f"effective ({r['effective']}) is not before its action "
                                    f"ended ({ends:%Y-%m-%d})"))
    wide = rows[(rows["coverage"] == "economy_wide") & rows["start"].notna()]
    for (action, layer, _code, day), group in wide.groupby(["action_id", "layer", "partner_code", "start"]):
        for idx in group.index[1:]:
            problems.append(Problem(line_of(idx), "partner", f"a second economy-wide {layer} rate for "
                                    f"{rows.at[idx, 'partner']} from {day:%Y-%m-%d} in action {action}"))
    superseded = {(a, s.strip()) for a, cell in zip(actions["action_id"], actions["superseded_by"]) if isinstance(cell, str)
                  for s in cell.split(";")}
    signed = actions.set_index("action_id")["signed"].fillna(actions.set_index("action_id")["announced"])
    for (layer, _code, day, _proceeding), group in wide.groupby(["layer", "partner_code", "start", "proceeding"]):
        firsts = group.drop_duplicates("action_id")
        for i, a in enumerate(firsts.itertuples()):
            for b in list(firsts.itertuples())[i + 1:]:
                if signed.get(a.action_id) != signed.get(b.action_id):
                    continue
                if (a.action_id, b.action_id) in superseded or (b.action_id, a.action_id) in superseded:
                    continue
                problems.append(Problem(line_of(b.Index), "action_id", f"{a.action_id} and {b.action_id} both set the "
                                        f"economy-wide {layer} rate for {b.partner} from {day:%Y-%m-%d} and were signed the "
                                        "same day: name the one that prevails in the other's superseded_by"))
    if problems:
        raise RawDataError(path or "data/raw/tariff_rates.csv", problems)


def major_partners(partners: list[str], trade_annual: pd.DataFrame, year: int, min_share: float) -> pd.DataFrame:
    """The ``partners`` (cohort names) whose goods imports into the US were at least ``min_share`` of the US total in
    ``year`` (``trade_annual``: partner_code, year, imports_musd, with the world as ``WLD``), largest first: partner,
    partner_code, imports_musd, share. A partner absent from the trade table has no share and is left out."""
    from .countries import partner_code

    year_rows = trade_annual[pd.to_numeric(trade_annual["year"]) == int(year)].set_index("partner_code")
    world = float(year_rows.at["WLD", "imports_musd"])
    rows = []
    for name in partners:
        code = partner_code(name)
        if code in year_rows.index:
            imports = float(year_rows.at[code, "imports_musd"])
            rows.append({"partner": name, "partner_code": code, "imports_musd": imports, "share": imports / world})
    out = pd.DataFrame(rows, columns=["partner", "partner_code", "imports_musd", "share"])
    out = out[out["share"] >= min_share]
    return out.sort_values(["share", "partner"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
