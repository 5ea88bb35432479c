"""The forecast ledger (helpers.ledger): written once, never rewritten, scored when the horizon has passed; and no
committed ledger file may ever change."""

from __future__ import annotations

import math
import shutil
import subprocess

import pandas as pd
import pytest

from helpers import ledger
from helpers.paths import ROOT


def _forecasts(probability: float = 0.4, **overrides) -> pd.DataFrame:
    row = {"negotiation_id": "deals-2025-tst", "negotiation": "US–Testland (2025–26)", "partner_code": "TST",
           "population": "2025-26 cohort", "model": "2025-26 pace", "headline": True, "as_of": "2026-11-27", "months_open": 19.5,
           "horizon_months": 3, "horizon_date": "2027-02-27", "probability": probability, "ci_low": 0.1, "ci_high": 0.7,
           "interval": "bootstrap over partners", "sample": "2025-26 partners, stage: written text", "data_version": "abc123"}
    row.update(overrides)
    return pd.DataFrame([row])


def test_a_ledger_is_written_once_and_never_rewritten(tmp_path):
    path = ledger.path_for("2026-11-27", tmp_path)
    written, message = ledger.write_once(_forecasts(0.4), path)
    assert written and path.is_file() and "written" in message
    first = path.read_bytes()
    written, message = ledger.write_once(_forecasts(0.9), path)  # new data, same as-of date
    assert not written and "never rewritten" in message
    assert path.read_bytes() == first  # byte for byte
    # A new as-of date writes a new file and leaves the old one alone.
    later = ledger.path_for("2027-03-01", tmp_path)
    assert ledger.write_once(_forecasts(0.9, as_of="2027-03-01"), later)[0]
    assert path.read_bytes() == first
    assert [p.name for p in ledger.ledger_files(tmp_path)] == ["forecasts_2026-11-27.csv", "forecasts_2027-03-01.csv"]


def test_ledger_input_is_checked(tmp_path):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        ledger.path_for("2026-11", tmp_path)
    with pytest.raises(ValueError, match="lacks column"):
        ledger.write_once(_forecasts().drop(columns="probability"), tmp_path / "forecasts_2026-11-27.csv")
    bad = tmp_path / "forecasts_2026-01-01.csv"
    _forecasts().drop(columns="data_version").to_csv(bad, index=False)
    with pytest.raises(ValueError, match="missing column"):
        ledger.read_ledgers([bad])


OUTCOMES = pd.DataFrame([
    {"negotiation_id": "signed-in-window", "success": "2027-01-15", "ended": None, "known_through": None},
    {"negotiation_id": "signed-before", "success": "2026-10-01", "ended": None, "known_through": None},
    {"negotiation_id": "ended-in-window", "success": None, "ended": "2027-01-10", "known_through": None},
    {"negotiation_id": "open-confirmed", "success": None, "ended": None, "known_through": "2027-03-01"},
    {"negotiation_id": "open-unconfirmed", "success": None, "ended": None, "known_through": "2027-01-01"},
    {"negotiation_id": "signed-later", "success": "2027-02-28", "ended": None, "known_through": None},
])


def test_scoring_by_hand(tmp_path):
    ids = ["signed-in-window", "signed-before", "ended-in-window", "open-confirmed", "open-unconfirmed", "signed-later", "not-in-data"]
    frames = [_forecasts(0.4, negotiation_id=i) for i in ids]
    frames.append(_forecasts(0.4, negotiation_id="signed-in-window", horizon_months=12, horizon_date="2027-11-27"))  # not yet due
    frames.append(_forecasts(math.nan, negotiation_id="open-confirmed", model="history's clock", headline=False))
    path = ledger.path_for("2026-11-27", tmp_path)
    ledger.write_once(pd.concat(frames, ignore_index=True), path)
    forecasts = ledger.read_ledgers(ledger.ledger_files(tmp_path))
    scores = ledger.score(forecasts, OUTCOMES, {"2025-26 cohort": "2027-03-01", "history": "2027-03-01"})
    got = scores.set_index(["negotiation_id", "model"])
    pace = "2025-26 pace"
    assert len(scores) == 8  # the 12-month forecast is not due yet
    assert got.loc[("signed-in-window", pace), "outcome"] == 1 and got.loc[("signed-in-window", pace), "brier"] == pytest.approx(0.36)
    assert got.loc[("signed-before", pace), "status"].startswith("void")
    assert got.loc[("ended-in-window", pace), "outcome"] == 0 and got.loc[("ended-in-window", pace), "brier"] == pytest.approx(0.16)
    assert got.loc[("open-confirmed", pace), "outcome"] == 0
    assert got.loc[("open-unconfirmed", pace), "status"].startswith("unknown: status not confirmed")
    assert got.loc[("signed-later", pace), "outcome"] == 0  # signed after the horizon date
    assert got.loc[("not-in-data", pace), "status"] == "unknown: negotiation not in the current data"
    assert got.loc[("open-confirmed", "history's clock"), "status"] == "unknown: no forecast probability"
    assert scores["ledger"].eq("forecasts_2026-11-27.csv").all()
    # Nothing is due while the data end before the horizon dates.
    assert ledger.score(forecasts, OUTCOMES, {"2025-26 cohort": "2027-02-01"}).empty


def _git(root, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_immutability_check_catches_a_changed_or_deleted_ledger(tmp_path):
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "test@example.org")
    _git(tmp_path, "config", "user.name", "test")
    folder = tmp_path / "reports" / "forecasts"
    folder.mkdir(parents=True)
    first, second = ledger.path_for("2026-11-27", folder), ledger.path_for("2027-03-01", folder)
    ledger.write_once(_forecasts(0.4), first)
    ledger.write_once(_forecasts(0.5, as_of="2027-03-01"), second)
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "two forecast sets")
    assert ledger.changed_since_commit(tmp_path) == []
    first.write_bytes(first.read_bytes().replace(b"0.4", b"0.5"))
    second.unlink()
    assert ledger.changed_since_commit(tmp_path) == ["reports/forecasts/forecasts_2026-11-27.csv differs from its committed copy",
                                                     "reports/forecasts/forecasts_2027-03-01.csv was deleted"]
    # A new, uncommitted forecast set is not a change.
    first.write_bytes(subprocess.run(["git", "-C", str(tmp_path), "show", "HEAD:reports/forecasts/forecasts_2026-11-27.csv"],
                                     capture_output=True, check=True).stdout)
    ledger.write_once(_forecasts(0.6, as_of="2027-06-01"), ledger.path_for("2027-06-01", folder))
    assert ledger.changed_since_commit(tmp_path) == ["reports/forecasts/forecasts_2027-03-01.csv was deleted"]


def test_no_committed_ledger_file_has_changed():
    """Every ledger file in git's HEAD is still in this working tree, byte for byte: a published forecast is never
    rewritten or deleted (a new forecast set goes into a new file)."""
    problems = ledger.changed_since_commit(ROOT)
    if problems is None:
        pytest.skip("not a git checkout: nothing committed to compare against")
    assert not problems, "a published forecast set must never change: " + "; ".join(problems)


def test_every_published_forecast_set_is_committed():
    """A forecast set the pipeline published is a record from the day it was made: it is committed with the data it
    was made from, so a later run cannot make it again from other data under the same date."""
    published = sorted(p.relative_to(ROOT).as_posix() for p in ledger.FOLDER.glob("forecasts_*.csv"))
    tracked = subprocess.run(["git", "ls-files", "--", "reports/forecasts"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    untracked = sorted(set(published) - set(tracked.stdout.split()))
    assert not untracked, f"commit {', '.join(untracked)} with the data it was made from (git add reports/forecasts)"
