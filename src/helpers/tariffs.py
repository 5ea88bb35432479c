"""The additional US tariff on a partner over time, layer by layer, from the dated tariff actions."""

from __future__ import annotations

import pandas as pd

from .countries import UnknownCountryError, partner_code

# Layers that add up to the economy-wide additional tariff on a partner's goods. Product-specific
# Section 232 and 301 duties are left out: they do not apply to all goods.
ECONOMY_WIDE = ("fentanyl_ieepa", "reciprocal_ieepa", "section_122")
BASELINE = "All (baseline)"


def _code(name) -> str | None:
    """A tariff action's partner code, or None for a group of partners ('All (baseline)', 'Annex I partners ...')."""
    try:
        return partner_code(name)
    except UnknownCountryError:
        return None  # a group: validation (helpers.schemas.TARIFF_ACTIONS) has already rejected any other name


def rate_path(actions: pd.DataFrame, partner: str, measures: tuple[str, ...] = ECONOMY_WIDE) -> pd.DataFrame:
    """Step path of the total additional tariff on ``partner``: one row per effective date where it changed.

    ``partner`` is a name or code, and the partner's own actions are found by code (``helpers.countries``), never by
    spelling: 'China', "People's Republic of China" and 'CHN' find the same actions. A partner's own action on a
    layer overrides the baseline action on that layer from then on; actions on the same day apply in order of
    announcement, then file order. Columns: effective (Timestamp), total_pct, one column per layer, and the
    action_ids that took effect that day. Raises ``UnknownCountryError`` for an unknown partner and ``ValueError``
    when no dated rate applies to it.
    """
    missing = [c for c in ("action_id", "partner", "measure", "rate_pct", "announced", "effective") if c not in actions]
    if missing:
        raise ValueError(f"tariff actions lack column(s) {missing}")
    code = partner_code(partner)
    own_rows = actions["partner"].map(_code).eq(code)
    rows = actions[actions["measure"].isin(measures) & (own_rows | actions["partner"].eq(BASELINE))
                   & actions["effective"].notna() & actions["rate_pct"].notna()].copy()
    if rows.empty:
        raise ValueError(f"no dated rate actions for '{partner}'")
    rows["own"] = own_rows[rows.index]
    rows["order"] = range(len(rows))
    rows["effective"] = pd.to_datetime(rows["effective"])
    rows["announced_ts"] = pd.to_datetime(rows["announced"]).fillna(rows["effective"])
    rows = rows.sort_values(["effective", "announced_ts", "order"], kind="mergesort")
    own: dict[str, float] = {}
    base: dict[str, float] = {}
    out = []
    for day, group in rows.groupby("effective", sort=True):
        for r in group.itertuples():
            (own if r.own else base)[r.measure] = float(r.rate_pct)
        layers = {m: own.get(m, base.get(m, 0.0)) for m in measures}
        out.append({"effective": day, "total_pct": sum(layers.values()), **layers,
                    "actions": " ".join(group["action_id"])})
    path = pd.DataFrame(out)
    changed = path["total_pct"].ne(path["total_pct"].shift())
    return path[changed].reset_index(drop=True)


def rate_on(path: pd.DataFrame, day: str | pd.Timestamp) -> float:
    """Total additional tariff in force on ``day`` from a ``rate_path`` (0 before the first action)."""
    before = path[path["effective"] <= pd.Timestamp(day)]
    return float(before["total_pct"].iloc[-1]) if len(before) else 0.0


LAYER_NAMES = {"fentanyl_ieepa": "fentanyl (IEEPA)", "reciprocal_ieepa": "reciprocal (IEEPA)", "section_122": "Section 122"}


def change_labels(path: pd.DataFrame) -> list[str]:
    """A short label per step of a ``rate_path``: the date and each layer that changed, with its new rate."""
    labels, previous = [], {m: 0.0 for m in LAYER_NAMES if m in path.columns}
    for _, row in path.iterrows():
        changed = [f"{LAYER_NAMES[m]} {row[m]:.0f}%" for m in previous if row[m] != previous[m]]
        labels.append(f"{row['effective']:%d %b %Y}: " + ", ".join(changed))
        previous = {m: row[m] for m in previous}
    return labels
