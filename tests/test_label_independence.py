"""Results do not depend on what units are called: renaming an agreement leaves every interval and p-value identical
(the bootstrap and the permutation test draw units in an order set by their data, never by their names)."""

import numpy as np
import pandas as pd
import pytest

from helpers import negotiations, schemas, survival
from helpers.params import load_params

BOOT = {"n_resamples": 499, "seed": 20160701}


def frame(names) -> pd.DataFrame:
    """A survival frame of 14 agreements (two of them with two partner rows), named ``names``."""
    rng = np.random.default_rng(7)
    months = np.round(rng.exponential(20, size=14), 1)
    cause = rng.choice([0, 1, 1, 1, 2], size=14)
    rows = pd.DataFrame({"unit_id": names, "agreement": names, "track": ["congressional_fta", "executive_agreement"] * 7,
                         "months": months, "cause": cause, "months_low": months - 0.5, "months_high": months + 0.5})
    return pd.concat([rows, rows.iloc[[3, 9]]], ignore_index=True)  # partner rows of one agreement share its dates


NAMES = [f"US-{c} FTA" for c in "ABCDEFGHIJKLMN"]
RENAMED = ["US-Zed FTA" if n == "US-B FTA" else n for n in NAMES]  # B moves from second to last by name


def everything(f: pd.DataFrame, cluster: str) -> dict:
    return {"cif": survival.cif_estimates(f, {"12": 12.0, "24": 24.0}, cluster, **BOOT),
            "median": survival.cif_median_interval(f, cluster, **BOOT),
            "mean": survival.cluster_bootstrap(f, lambda r: r["months"].mean(), cluster, **BOOT),
            "permutation": survival.permutation_test_cif(f.drop_duplicates("unit_id"), "track", 24.0, **BOOT)}


@pytest.mark.parametrize("cluster", ["unit_id", "agreement"])
def test_renaming_an_agreement_changes_no_interval(cluster):
    assert everything(frame(RENAMED), cluster) == everything(frame(NAMES), cluster)


def test_the_order_of_the_rows_changes_no_interval():
    f = frame(NAMES)
    assert everything(f.iloc[::-1].reset_index(drop=True), "agreement") == everything(f, "agreement")


def test_the_headline_interval_survives_renaming_a_real_agreement():
    """Notebook 04's estimate over agreement units, with US-Chile renamed so that it sorts last."""
    params = load_params()
    units = schemas.load_processed("agreement_units.csv")
    units = units[units["track"] != "accession"]
    renamed = units.replace({"unit_id": {"US-Chile FTA": "Zz renamed"}, "agreement": {"US-Chile FTA": "Zz renamed"}})
    assert (renamed["unit_id"] == "Zz renamed").sum() == 1

    def headline(u):
        f = negotiations.survival_frame(u, params["launch_definition"], "signed", params["as_of_negotiations"],
                                        params["days_per_month"])
        return (survival.cif_estimate(f, 18.0, "unit_id", n_resamples=999, seed=params["bootstrap_seed"]),
                survival.cif_median_interval(f, "unit_id", n_resamples=999, seed=params["bootstrap_seed"]))

    assert headline(renamed) == headline(units)


def test_different_data_still_gives_a_different_interval():
    """The order is set by the data: the test above would pass trivially if every frame gave the same interval."""
    changed = frame(NAMES).assign(months=lambda d: d["months"] * 1.5)
    assert everything(changed, "unit_id")["mean"] != everything(frame(NAMES), "unit_id")["mean"]
