"""Rendering computed results into notebook text, so no number in the prose is typed by hand."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from IPython.display import Markdown, display

if TYPE_CHECKING:
    import pandas as pd


# What each table under reports/tables/ holds, for the report's download section (a table missing here is still
# listed, by the notebook that writes it).
REPORT_TABLES = {
    "results.csv": "every headline number by stable key, with its interval, n, unit, description and notebook",
    "claims_ledger.csv": "the claims ledger: each claim quoted, its claimed value, the evidence and the verdict",
    "replication_freund_mcdaniel.csv": "Freund & McDaniel's Table 1 row by row against months rebuilt from cited dates, "
                                       "and what explains each difference",
    "replication_summary.csv": "the replication's tests and sensitivity samples (means, medians, intervals)",
    "launch_by_class.csv": "P(signed within each horizon of params.yaml: the pledge's, the claim's and the others) by launch definition and class",
    "survival_grid.csv": "cumulative incidence of signing and entry into force by launch, success, class and horizon",
    "deals_scorecard.csv": "the 2025–26 deals by stage, day by day, against the pledge",
    "deals_by_partner.csv": "each 2025–26 partner's first document of each stage",
    "deals_like_for_like.csv": "2025–26 partners against history: P(binding agreement within the first year of talks)",
    "deal_partners_collected_before_after.csv": "duties collected from deal partners before and after their deal took effect",
    "world_signature_to_force.csv": "signature to entry into force in the WTO's records, by party and decade",
}


def download_tables(tables_dir, outputs: pd.DataFrame | None = None) -> list[dict]:
    """One download row (name, href relative to reports/, what) per CSV in ``tables_dir`` (reports/tables), sorted,
    described from ``REPORT_TABLES`` or else by the notebook that writes it (``outputs``: ``output_map``)."""
    from pathlib import Path

    from .execution import listed

    writers = {} if outputs is None else dict(zip(outputs["output"], outputs["notebook"]))
    rows = []
    for path in listed(Path(tables_dir), "*.csv"):  # with the tables this run has just written
        href = f"tables/{path.name}"
        what = REPORT_TABLES.get(path.name) or (f"a table written by {writers[href]}" if href in writers else "a table of the report")
        rows.append({"name": f"reports/{href}", "href": href, "what": f"{what} (CSV)"})
    return rows


def pct(x: float, digits: int = 0) -> str:
    """A share 0-1 as a percentage for prose."""
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f}%"


def headline(text: str) -> None:
    """Show the notebook's answer as Markdown (nbval compares its text/markdown output in checked cells)."""
    display(Markdown(text))


def show_table(df: pd.DataFrame) -> None:
    """Show a table in a notebook as plain escaped HTML (no random element ids, nothing from the data executes)."""
    from IPython.display import HTML

    display(HTML(html_table(df)))


def data_version(folder) -> str:
    """A short fingerprint of every file in ``folder`` (names and bytes): the version of the raw data."""
    import hashlib
    from pathlib import Path

    from .io import record_read

    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        record_read(path)  # the version changes with any file: the pipeline re-runs the report when one does
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _written_tables(source: str) -> list[tuple[str, str]]:
    """(folder, file) of every ``write_csv(..., TABLES|PROCESSED / "file")`` call, nested parentheses allowed."""
    import re

    found = []
    for match in re.finditer(r"write_csv\(", source):
        depth, i = 1, match.end()
        while i < len(source) and depth:
            depth += {"(": 1, ")": -1}.get(source[i], 0)
            i += 1
        found += re.findall(r'(TABLES|PROCESSED) / "([^"]+)"', source[match.end():i])
    return found


def output_map(notebooks_dir) -> pd.DataFrame:
    """Which notebook and cell write each figure and table: scans code cells for save_figure / write_csv calls."""
    import re
    from pathlib import Path

    import nbformat
    import pandas as pd

    from .io import record_read

    rows = []
    for nb_path in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        record_read(nb_path)
        nb = nbformat.read(nb_path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            for name in re.findall(r'save_figure\(fig, "([^"]+)"', cell.source):
                rows += [{"output": f"figures/{name}.{ext}", "kind": "figure", "notebook": nb_path.name, "cell": i}
                         for ext in ("png", "svg")]
            for folder, name in _written_tables(cell.source):
                where = "tables" if folder == "TABLES" else "../data/processed"
                rows.append({"output": f"{where}/{name}", "kind": "table", "notebook": nb_path.name, "cell": i})
    return pd.DataFrame(rows).drop_duplicates("output", keep="last")


def replace_block(text: str, name: str, content: str) -> str:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``text``.

    Raises ``ValueError`` if the markers are missing, so a generated block is never silently dropped.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"markers {start} ... {end} not found")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{content.strip()}\n{end}{tail}"


def html_table(df: pd.DataFrame) -> str:
    """A plain, escaped HTML table of ``df`` (no index)."""
    import html

    def cell(v) -> str:
        if isinstance(v, float):
            if math.isnan(v):
                return ""
            return f"{v:.0f}" if v.is_integer() else f"{v:.2f}"  # whole months as 4, not 4.000000
        return str(v)

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_page(title: str, meta: str, lead: list[str], sections: list[dict], ledger: pd.DataFrame, provenance: str,
              notebooks: list[dict], ledger_notebook: str, downloads: list[dict] | None = None, watch: dict | None = None) -> str:
    """The report page, rendered from ``templates/report.html.j2`` (jinja2, every value escaped unless marked safe).

    ``lead``: the key numbers (plain text); ``sections``: dicts with title, figure (path relative to reports/), caption
    (trusted HTML built by the report notebook: it may hold links) and notebook (link); ``ledger``: a table, escaped;
    ``provenance``: trusted HTML (tables from ``html_table``, which escapes every cell); ``notebooks``: dicts with name
    and href; ``downloads``: dicts with name, href (relative to reports/) and what (plain text, escaped); ``watch``:
    what the last source watch found since the as-of date (``helpers.watch.report_summary``: headline, rows, more;
    escaped, links only to http(s) URLs).
    """
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(loader=PackageLoader("helpers", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      keep_trailing_newline=True)
    page = env.get_template("report.html.j2").render(
        title=title, meta=meta, lead=lead, notebooks=notebooks, ledger_notebook=ledger_notebook, downloads=downloads or [],
        sections=[{**s, "caption": Markup(s["caption"])} for s in sections], watch=watch,
        ledger_table=Markup(html_table(ledger)), provenance=Markup(provenance))
    return page
