"""A notebook run is a transaction: a failing notebook names itself and its cell, and changes no output."""

import subprocess
import sys

import nbformat
import pytest

from helpers.paths import PROCESSED, ROOT


def notebook(path, cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "deal-clock", "display_name": "Python (Deal Clock)", "language": "python"}
    nbformat.write(nb, path)
    return path


def run(source, target):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "run_notebook.py"), str(source), str(target)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def output():
    path = PROCESSED / "_pipeline_test.txt"
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def test_failing_notebook_changes_nothing_and_names_its_cell(tmp_path, output):
    output.write_text("previous good output\n")
    source = notebook(tmp_path / "99_broken.ipynb", [
        "from helpers.io import write_text\nfrom helpers.paths import PROCESSED",
        "write_text(PROCESSED / '_pipeline_test.txt', 'half-written')",
        "raise ValueError('bad input')",
    ])
    result = run(source, tmp_path / "out" / "99_broken.ipynb")
    assert result.returncode == 1
    assert "99_broken.ipynb - cell 2" in result.stderr and "ValueError: bad input" in result.stderr
    assert output.read_text() == "previous good output\n"
    assert not (tmp_path / "out" / "99_broken.ipynb").exists()


def test_successful_notebook_commits_its_outputs(tmp_path, output):
    source = notebook(tmp_path / "98_ok.ipynb", [
        "from helpers.io import write_text\nfrom helpers.paths import PROCESSED",
        "write_text(PROCESSED / '_pipeline_test.txt', 'new')",
    ])
    result = run(source, tmp_path / "out" / "98_ok.ipynb")
    assert result.returncode == 0, result.stderr
    assert output.read_text() == "new"
    assert (tmp_path / "out" / "98_ok.ipynb").exists() and (tmp_path / "out" / "98_ok.html").exists()
