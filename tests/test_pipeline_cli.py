"""The command line (helpers.pipeline.cli): one lock for a whole run, test or accept; errors in one line naming the
file, relative to the repository root; `status` reads only."""

import fcntl
import subprocess
import sys

import pytest

from helpers import paths
from helpers.pipeline import cli, stage


def test_run_test_and_accept_are_refused_while_another_holds_the_lock(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    (tmp_path / "build").mkdir()
    with open(tmp_path / cli.LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a `make test` under way
        for command in (["run"], ["test"], ["accept"]):
            assert cli.main(command) == 1
            assert "Another `make all`, `make test` or `make accept` is running" in capsys.readouterr().err


def test_status_runs_nothing_and_prints_the_graph():
    done = subprocess.run([sys.executable, "-m", "helpers.pipeline", "status"], cwd=paths.ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "01_clean_negotiations.ipynb: " in done.stdout and "08_report.ipynb <- 01 02 03 04 05 06 07" in done.stdout


def test_an_error_is_one_line_naming_the_file_relative_to_the_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "ROOT", tmp_path)

    def unreadable():
        raise PermissionError(13, "Permission denied", str(tmp_path / "data" / "processed" / "x.csv"))

    assert cli._guarded(unreadable) == 1
    err = capsys.readouterr().err
    assert "FAILED: data/processed/x.csv: PermissionError: Permission denied" in err and str(tmp_path) not in err


def test_a_broken_manifest_is_named(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "reports").mkdir()
    (tmp_path / stage.MANIFEST).write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"reports/manifest.csv: expected the columns output,notebook"):
        stage.write_manifest(tmp_path, stage.fresh(tmp_path / "stage"), {})
