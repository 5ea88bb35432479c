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


# --- partners by code, never by spelling (issue 28) ------------------------------------------------------------------

def test_any_exact_spelling_of_a_partner_finds_the_same_actions():
    by_name = rate_path(CHINA_LIKE, "China")
    for spelling in ("People's Republic of China", "CHN"):
        assert rate_path(CHINA_LIKE, spelling).equals(by_name), spelling


def test_the_125_percent_action_under_another_accepted_spelling_still_counts():
    """The real table with the 125% row's partner written by China's official name: validation accepts it, and the path
    is the same, so the peak cannot vanish (before, the path matched the string 'China' and lost the action)."""
    from helpers import schemas

    actions = schemas.load_raw(schemas.TARIFF_ACTIONS)
    renamed = actions.copy()
    renamed.loc[renamed["action_id"] == "cn-reciprocal-125-2025-04-10", "partner"] = "People's Republic of China"
    schemas.validate_table(renamed, schemas.TARIFF_ACTIONS)
    path = rate_path(renamed, "China")
    assert path.equals(rate_path(actions, "China"))
    assert rate_on(path, "2025-04-10") == 145 and "cn-reciprocal-125-2025-04-10" in " ".join(path["actions"])


@pytest.mark.parametrize("spelling", ["CHINA", "China\u200b", "Narnia China"])
def test_a_partner_no_table_may_hold_is_an_error_not_an_empty_path(spelling):
    from helpers.countries import UnknownCountryError

    with pytest.raises(UnknownCountryError, match="unknown country"):
        rate_path(CHINA_LIKE, spelling)


def test_group_rows_never_count_as_a_partner():
    """'Annex I partners except China' names China but is a group: only the baseline row applies to everyone."""
    groups = pd.concat([CHINA_LIKE, actions([("annex", "Annex I partners except China", "reciprocal_ieepa", "50",
                                               "2025-04-02", "2025-04-09")])], ignore_index=True)
    assert rate_path(groups, "China").equals(rate_path(CHINA_LIKE, "China"))


# --- the path itself ---------------------------------------------------------------------------------------------------

def test_a_day_that_changes_no_total_adds_no_step():
    same = pd.concat([CHINA_LIKE, actions([("f20b", "China", "fentanyl_ieepa", "20", "2025-03-05", "2025-03-06")])],
                     ignore_index=True)
    assert list(rate_path(same, "China")["effective"].dt.strftime("%m-%d")) == ["02-04", "03-04", "04-05", "04-09", "04-10"]


def test_rate_on_counts_the_effective_day_itself():
    path = rate_path(CHINA_LIKE, "China")
    assert rate_on(path, "2025-04-09") == 104 and rate_on(path, "2025-04-08") == 30
    assert rate_on(path, pd.Timestamp("2025-02-04")) == 10


def test_a_table_without_the_needed_columns_is_a_clear_error():
    with pytest.raises(ValueError, match=r"tariff actions lack column\(s\) \['announced'\]"):
        rate_path(CHINA_LIKE.drop(columns="announced"), "China")
