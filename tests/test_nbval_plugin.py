"""The nbval plugin says which number changed, stored value first."""

import nbval_plugin  # tests/ is on sys.path under pytest (rootdir conftest)


def test_a_changed_number_reads_expected_then_got():
    stored = "claim_id  verdict\nc01  mean 17.9 months; 22.3 once\nc02  ok"
    now = "claim_id  verdict\nc01  mean 18.1 months; 22.7 once\nc02  ok"
    lines = nbval_plugin.explain(stored, now)
    assert lines[1] == "  line 2: expected 17.9, got 18.1; expected 22.3, got 22.7"
    assert lines[2].endswith("c01  mean 17.9 months; 22.3 once") and lines[3].endswith("c01  mean 18.1 months; 22.7 once")
    assert len(lines) == 4  # unchanged lines are not repeated


def test_added_and_removed_lines_are_shown():
    assert nbval_plugin.changed_tokens("", "new row 5") == ["expected (nothing), got new row 5"]
    assert nbval_plugin.pytest_assertrepr_compare(None, "==", "a", "a") is None
    assert nbval_plugin.pytest_assertrepr_compare(None, "==", 1, 2) is None
