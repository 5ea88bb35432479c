"""Report helpers, and the generated HTML report: every image and link must resolve to a file."""

from html.parser import HTMLParser
from urllib.parse import unquote, urlparse

import pytest

from helpers import report
from helpers.execution import input_path
from helpers.paths import NOTEBOOKS, REPORTS


def test_replace_block():
    text = "a\n<!-- x:start -->\nold\n<!-- x:end -->\nb"
    assert report.replace_block(text, "x", "new") == "a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb"
    with pytest.raises(ValueError, match="not found"):
        report.replace_block("no markers", "x", "new")


def test_data_version_changes_with_content(tmp_path):
    (tmp_path / "a.csv").write_text("1\n")
    v1 = report.data_version(tmp_path)
    assert v1 == report.data_version(tmp_path) and len(v1) == 12
    (tmp_path / "a.csv").write_text("2\n")
    assert report.data_version(tmp_path) != v1


def test_output_map_finds_every_figure_of_the_notebooks():
    outputs = report.output_map(NOTEBOOKS)
    assert {"figures/months_to_signing.png", "tables/replication_freund_mcdaniel.csv",
            "tables/claims_ledger.csv"} <= set(outputs["output"])


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets, self.sources = [], []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.targets.append(value)
            if key == "src" and value:
                self.sources.append(value)


@pytest.mark.outputs
def test_every_image_and_link_in_the_report_resolves():
    index = input_path(REPORTS / "index.html")  # the checked run's copy under `make test`
    if not index.exists():
        pytest.fail("reports/index.html is missing: run `make all` first")
    parser = Links()
    parser.feed(index.read_text(encoding="utf-8"))
    local = [t for t in parser.targets if not urlparse(t).scheme and not t.startswith("#")]
    assert len(local) >= 10, "the report should link its figures, tables and notebooks"
    missing = [t for t in local if not input_path(REPORTS / unquote(urlparse(t).path)).exists()]  # published or checked
    assert not missing, f"broken links in reports/index.html: {missing}"
    remote = [s for s in parser.sources if urlparse(s).scheme]
    assert not remote, f"the report loads remote resources (it must open offline): {remote}"


def test_output_map_ignores_reads(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('x = pd.read_csv(PROCESSED / "in.csv")\nwrite_csv(x.assign(a=f(1)), TABLES / "out.csv")'),
        nbformat.v4.new_code_cell('plotting.save_figure(fig, "chart")'),
    ])
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    outputs = report.output_map(tmp_path)
    assert list(outputs["output"]) == ["tables/out.csv", "figures/chart.png", "figures/chart.svg"]


def test_the_report_page_escapes_data_and_fits_small_screens():
    import pandas as pd

    evil = "<script>alert(1)</script>"
    page = report.html_page(
        title=f"T {evil}", meta=evil, lead=[evil], notebooks=[{"name": evil, "href": "../notebooks/01.ipynb"}],
        ledger_notebook="../notebooks/07.ipynb", ledger=pd.DataFrame({"quote": [evil], "months": [4.0]}),
        sections=[{"title": evil, "figure": "figures/x.png", "caption": "trusted <a href='t.csv'>link</a>", "notebook": "n"}],
        provenance=report.html_table(pd.DataFrame({"note": [evil]})))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<a href='t.csv'>link</a>" in page  # captions are trusted HTML built by the report notebook
    assert '<meta name="viewport"' in page and "<td>4</td>" in page  # whole numbers shown as such


def _report_links(section: str) -> tuple[list[str], str]:
    """hrefs inside the report's section ``section`` and that section's text."""
    import re

    page = input_path(REPORTS / "index.html").read_text(encoding="utf-8")
    body = re.search(rf'<section id="{section}">(.*?)</section>', page, re.S).group(1)
    return re.findall(r'href="([^"]+)"', body), body


def test_the_download_section_links_every_csv():
    from helpers.paths import PROCESSED, RAW, TABLES

    hrefs, _ = _report_links("downloads")
    wanted = ({f"../data/raw/{p.name}" for p in RAW.glob("*.csv")} | {f"../data/processed/{p.name}" for p in PROCESSED.glob("*.csv")}
              | {f"tables/{p.name}" for p in TABLES.glob("*.csv")} | {"../datapackage.json", "deal_clock_tables.xlsx"})
    assert "tables/results.csv" in wanted
    assert not wanted - set(hrefs), f"not linked from the download section: {sorted(wanted - set(hrefs))}"


def test_the_provenance_table_lists_every_raw_table():
    from helpers.paths import RAW

    _, body = _report_links("data")
    missing = [p.name for p in RAW.glob("*.csv") if f"<td>data/raw/{p.name}</td>" not in body]
    assert not missing, f"raw tables missing from the provenance table: {missing}"


def test_download_tables_describe_each_table(tmp_path):
    import pandas as pd

    for name in ("results.csv", "zz_new.csv", "yy_other.csv"):
        (tmp_path / name).write_text("a\n1\n")
    outputs = pd.DataFrame({"output": ["tables/zz_new.csv"], "notebook": ["05_x.ipynb"]})
    rows = report.download_tables(tmp_path, outputs)
    assert [r["href"] for r in rows] == ["tables/results.csv", "tables/yy_other.csv", "tables/zz_new.csv"]
    assert rows[0]["what"].startswith("every headline number") and rows[2]["what"] == "a table written by 05_x.ipynb (CSV)"
    assert rows[1]["what"] == "a table of the report (CSV)"
