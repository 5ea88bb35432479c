import pandas as pd
import pytest

from helpers.tariffs import rate_on, rate_path


def actions(rows):
    cols = ["action_id", "partner", "measure", "rate_pct", "announced", "effective"]
    return pd.DataFrame(rows, columns=cols)


CHINA_LIKE = actions([
    ("f10", "China", "fentanyl_ieepa", "10", "2025-02-01", "2025-02-04"),
    ("f20", "China", "fentanyl_ieepa", "20", "2025-03-03", "2025-03-04"),
    ("base10", "All (baseline)", "reciprocal_ieepa", "10", "2025-04-02", "2025-04-05"),
    ("r34", "China", "reciprocal_ieepa", "34", "2025-04-02", "2025-04-09"),
    ("r84", "China", "reciprocal_ieepa", "84", "2025-04-08", "2025-04-09"),  # same day, announced later: wins
    ("r125", "China", "reciprocal_ieepa", "125", "2025-04-09", "2025-04-10"),
    ("s232", "All countries", "section_232", "25", "2025-02-10", "2025-03-12"),  # product-specific: ignored
    ("ruling", "All (IEEPA tariffs)", "court_ruling", None, "2025-05-28", None),
])


def test_layers_add_up_and_partner_overrides_baseline():
    path = rate_path(CHINA_LIKE, "China")
    assert list(path["total_pct"]) == [10, 20, 30, 104, 145]
    assert rate_on(path, "2025-04-11") == 145 and rate_on(path, "2025-01-01") == 0
    assert path.loc[3, "actions"] == "r34 r84"


def test_other_partner_gets_only_the_baseline():
    assert list(rate_path(CHINA_LIKE, "Japan")["total_pct"]) == [10]


def test_no_actions_is_an_error():
    with pytest.raises(ValueError, match="no dated rate actions"):
        rate_path(CHINA_LIKE[CHINA_LIKE["measure"] == "court_ruling"], "China")


def test_change_labels_name_the_layers_that_moved():
    from helpers.tariffs import change_labels

    labels = change_labels(rate_path(CHINA_LIKE, "China"))
    assert labels[0] == "04 Feb 2025: fentanyl (IEEPA) 10%"
    assert labels[-1] == "10 Apr 2025: reciprocal (IEEPA) 125%"
