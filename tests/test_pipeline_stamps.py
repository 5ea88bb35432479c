"""Staleness (helpers.pipeline.stamps): a notebook re-runs exactly when something it saw has changed."""

import json

import pytest

from helpers.execution import sha
from helpers.pipeline import stamps

NB = "01_a.ipynb"


@pytest.fixture
def repo(tmp_path):
    """A tiny repository whose notebook 01 has just run: it read a raw table and published a processed one."""
    for rel, text in {"params.yaml": "a: 1\n", "requirements.lock": "pandas==2.2\n", "pyproject.toml": "[project]\n",
                      "src/helpers/x.py": "X = 1\n", "data/raw/t.csv": "a\n1\n", "data/processed/t.csv": "a\n1\n",
                      f"notebooks/{NB}": "{}", f"reports/notebooks/{NB}": "{}"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    common = stamps.common_hashes(tmp_path)
    seen = {"source": sha(tmp_path / "notebooks" / NB), "common": common, "reads": {"data/raw/t.csv": sha(tmp_path / "data/raw/t.csv")}}
    stamps.save(tmp_path, {}, {NB: seen}, {NB: ["data/processed/t.csv"]})
    return tmp_path


def stale(repo, stage=None):
    return stamps.why_stale(repo, NB, stamps.load(repo).get(NB), stamps.common_hashes(repo), stage)


def test_up_to_date_after_its_run(repo):
    assert stale(repo) is None
    assert stamps.load(repo)[NB]["outputs"] == {"data/processed/t.csv": sha(repo / "data/processed/t.csv")}


@pytest.mark.parametrize("edit,reason", [
    (lambda r: (r / "data/raw/t.csv").write_text("a\n2\n"), "data/raw/t.csv changed"),
    (lambda r: (r / "notebooks" / NB).write_text('{"x": 1}'), "notebook changed"),
    (lambda r: (r / "params.yaml").write_text("a: 2\n"), "params.yaml changed"),
    (lambda r: (r / "requirements.lock").write_text("pandas==2.3\n"), "requirements.lock changed"),
    (lambda r: (r / "src/helpers/x.py").write_text("X = 2\n"), "src/helpers/x.py changed"),
    (lambda r: (r / "src/helpers/sub").mkdir() or (r / "src/helpers/sub/y.py").write_text(""), "src/helpers/sub/y.py changed"),
    (lambda r: (r / "data/raw/new.csv").write_text("b\n"), "data/raw/ (files) changed"),
    (lambda r: (r / "data/processed/t.csv").write_text("edited"), "data/processed/t.csv was changed outside the pipeline"),
    (lambda r: (r / "reports/notebooks" / NB).unlink(), "no executed copy"),
], ids=["a raw table it read", "its source", "params", "the lock file", "a helper", "a new helper module",
        "a new raw file", "its output edited by hand", "its executed copy deleted"])
def test_stale_when_anything_it_saw_changed(repo, edit, reason):
    edit(repo)
    assert stale(repo) == reason


def test_the_runners_own_code_is_not_an_input_of_the_notebooks(repo):
    (repo / stamps.RUNNER).mkdir(parents=True)
    (repo / stamps.RUNNER / "run.py").write_text("changed")
    assert stale(repo) is None


def test_never_run_and_unreadable_stamps_mean_run_everything(repo):
    assert stamps.why_stale(repo, NB, None, {}) == "never run here"
    (repo / stamps.STAMPS).write_text("{broken")
    assert stamps.load(repo) == {}


def test_a_run_under_way_is_judged_by_its_staged_copies(repo, tmp_path_factory):
    stage = tmp_path_factory.mktemp("stage")
    (stage / "data/raw").mkdir(parents=True)
    (stage / "data/raw/t.csv").write_text("rewritten by an earlier notebook of this run")
    assert stale(repo) is None and stale(repo, stage) == "data/raw/t.csv changed"


def test_stamps_of_removed_notebooks_are_dropped(repo):
    (repo / "notebooks" / NB).unlink()
    stamps.save(repo, stamps.load(repo), {}, {})
    assert json.loads((repo / stamps.STAMPS).read_text()) == {}
