import os

import pandas as pd
import pytest

from helpers import io, paths


def test_write_bytes_is_atomic_and_skips_identical(tmp_path):
    target = tmp_path / "out" / "t.csv"
    assert io.write_bytes(target, b"a\n") is True
    os.utime(target, (1, 1))
    assert io.write_bytes(target, b"a\n") is False
    assert target.stat().st_mtime == 1  # unchanged file keeps its timestamp
    assert io.write_bytes(target, b"b\n") is True and target.read_bytes() == b"b\n"
    assert [p.name for p in target.parent.iterdir()] == ["t.csv"]  # no temp file left behind


def test_failed_write_leaves_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_bytes(b"good\n")

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(io.os, "replace", broken_replace)
    with pytest.raises(OSError):
        io.write_bytes(target, b"new\n")
    assert target.read_bytes() == b"good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_write_csv_is_deterministic(tmp_path):
    df = pd.DataFrame({"b": [2, 1], "a": ["y", "x"]})
    io.write_csv(df, tmp_path / "a.csv", sort_by=["b"])
    assert (tmp_path / "a.csv").read_text() == "b,a\n1,x\n2,y\n"


def test_staged_writes_land_only_on_commit(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    monkeypatch.setattr(paths, "ROOT", root)  # a throwaway repository, not the real one
    stage = tmp_path / "stage"
    target = root / "data" / "processed" / "t.txt"
    monkeypatch.setenv(io.STAGE_ENV, str(stage))
    io.write_text(target, "held")
    assert not target.exists()
    assert (stage / "data/processed/t.txt").read_text() == "held"
    monkeypatch.delenv(io.STAGE_ENV)
    assert io.commit_stage(stage) == ["data/processed/t.txt"]
    assert target.read_text() == "held"
    assert io.commit_stage(stage) == []  # unchanged bytes: nothing rewritten


def test_read_raw_csv_strips_and_keeps_empty_as_missing(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n x ,\n")
    df = io.read_raw_csv(tmp_path / "x.csv")
    assert df.loc[0, "a"] == "x" and pd.isna(df.loc[0, "b"])


def test_unreadable_file(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"a,b\n\xff\xfe,1\n")
    with pytest.raises(io.RawDataError, match="not a readable UTF-8 CSV"):
        io.read_raw_csv(tmp_path / "x.csv")
