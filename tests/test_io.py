import os

import pandas as pd
import pytest

from helpers import io


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


def test_write_csv_neutralises_formulas_but_keeps_numbers_and_dates(tmp_path):
    df = pd.DataFrame({
        "text": ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "plain", "-", None],
        "as_text": ["-0.5", "+3", "-10", "-inf", "2025-04-10", "2025-04", "1e-3", "-1E5"],
        "number": [-0.5, -10.0, 3.0, -1e-9, 0.0, 1.5, -2.0, float("nan")],
        "integer": [-1, 2, -3, 4, -5, 6, -7, 8],
    })
    io.write_csv(df, tmp_path / "a.csv")
    back = pd.read_csv(tmp_path / "a.csv", dtype={"text": str, "as_text": str}, keep_default_na=False)
    assert list(back["text"]) == ["'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "'\tx",
                                  "plain", "'-", ""]
    assert list(back["as_text"]) == list(df["as_text"])  # numbers and dates written as text are data: unchanged
    assert [float(x) for x in back["number"][:7]] == df["number"].tolist()[:7] and list(back["integer"]) == list(df["integer"])
    assert io.spreadsheet_safe("\rx") == "'\rx" and io.spreadsheet_safe(-0.5) == -0.5 and io.spreadsheet_safe(None) is None


def test_published_files_get_the_umasks_permissions_not_the_temporary_files(tmp_path):
    old = os.umask(0o022)
    try:
        io.atomic_write(tmp_path / "t.csv", b"a\n")
        assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o644
        os.umask(0o027)
        io.atomic_write(tmp_path / "t.csv", b"b\n")
        assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_read_raw_csv_strips_and_keeps_empty_as_missing(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n x ,\n")
    df = io.read_raw_csv(tmp_path / "x.csv")
    assert df.loc[0, "a"] == "x" and pd.isna(df.loc[0, "b"])


def test_a_byte_order_mark_is_not_data(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert list(io.read_raw_csv(tmp_path / "x.csv").columns) == ["a", "b"]


def test_unreadable_file(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"a,b\n\xff\xfe,1\n")
    with pytest.raises(io.RawDataError, match="not a readable UTF-8 CSV"):
        io.read_raw_csv(tmp_path / "x.csv")
