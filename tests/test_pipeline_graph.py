"""The notebook graph (helpers.pipeline.graph): declared in each notebook's metadata, checked after every run."""

import json

import pytest

from helpers.paths import NOTEBOOKS
from helpers.pipeline.graph import GraphError, ancestors, describe, order, read_graph, undeclared_reads


def notebooks(folder, declared: dict):
    folder.mkdir(exist_ok=True)
    for name, upstream in declared.items():
        metadata = {} if upstream is None else {"deal_clock": {"upstream": upstream}}
        (folder / name).write_text(json.dumps({"cells": [], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}))
    return folder


GRAPH = {"01_a.ipynb": [], "02_b.ipynb": ["01_a.ipynb"], "03_c.ipynb": ["01_a.ipynb"], "04_d.ipynb": [],
         "05_e.ipynb": ["02_b.ipynb", "04_d.ipynb"]}


def test_the_graph_is_what_each_notebook_declares(tmp_path):
    graph = read_graph(notebooks(tmp_path / "notebooks", GRAPH))
    assert graph == GRAPH
    assert order(graph) == ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb", "04_d.ipynb", "05_e.ipynb"]
    assert ancestors(graph, "05_e.ipynb") == {"01_a.ipynb", "02_b.ipynb", "04_d.ipynb"}
    assert describe(graph)[4] == "05_e.ipynb <- 02 04" and describe(graph)[0] == "01_a.ipynb <- no notebook (raw data only)"


def test_order_puts_each_notebook_after_its_upstream_whatever_the_names():
    assert order({"01_x.ipynb": ["02_y.ipynb"], "02_y.ipynb": []}) == ["02_y.ipynb", "01_x.ipynb"]


@pytest.mark.parametrize("declared,message", [
    ({"01_a.ipynb": None}, r"notebooks/01_a.ipynb: its metadata must declare the notebooks it reads from"),
    ({"01_a.ipynb": "02_b.ipynb"}, r"notebooks/01_a.ipynb: its metadata must declare"),
    ({"01_a.ipynb": ["07_gone.ipynb"]}, r"notebooks/01_a.ipynb: declares upstream 07_gone.ipynb, which is not a notebook"),
    ({"01_a.ipynb": ["02_b.ipynb"], "02_b.ipynb": ["01_a.ipynb"]}, r"form a circle"),
], ids=["no declaration", "not a list", "an unknown notebook", "a circle"])
def test_a_bad_declaration_is_one_line_naming_the_notebook(tmp_path, declared, message):
    with pytest.raises(GraphError, match=message):
        read_graph(notebooks(tmp_path / "notebooks", declared))


def test_an_unreadable_notebook_is_named(tmp_path):
    (tmp_path / "01_a.ipynb").write_text("{not json")
    with pytest.raises(GraphError, match=r"notebooks/01_a.ipynb: not a readable notebook"):
        read_graph(tmp_path)


def test_a_read_of_a_file_an_undeclared_notebook_wrote_in_the_same_run_is_reported():
    produced = {"02_b.ipynb": ["data/processed/trade.csv"], "04_d.ipynb": ["reports/tables/d.csv"]}
    assert undeclared_reads(GRAPH, {"05_e.ipynb": {"data/processed/trade.csv": "h"}}, produced) == []  # via 02
    problems = undeclared_reads(GRAPH, {"03_c.ipynb": {"data/processed/trade.csv": "h"}}, produced)
    assert problems == ["notebooks/03_c.ipynb read data/processed/trade.csv, which notebooks/02_b.ipynb wrote in the "
                        "same run, but 02_b.ipynb is not declared upstream of it (its metadata deal_clock.upstream)"]
    assert undeclared_reads(GRAPH, {"02_b.ipynb": {"data/processed/trade.csv": "h"}}, produced) == []  # its own output


def test_every_notebook_of_the_repository_declares_its_upstream_notebooks():
    graph = read_graph(NOTEBOOKS)
    assert len(graph) >= 9 and graph["01_clean_negotiations.ipynb"] == []
    assert "01_clean_negotiations.ipynb" in ancestors(graph, "08_report.ipynb")
    # the ledger and the report read what every analysis notebook publishes, the late-numbered ones included
    analyses = {n for n in graph if n[:2] not in ("07", "08", "09")}
    assert analyses <= ancestors(graph, "07_claims_ledger.ipynb") and analyses | {"07_claims_ledger.ipynb"} <= ancestors(graph, "08_report.ipynb")
