"""Data to take away: a Frictionless Data Package descriptor (``datapackage.json``) generated from the table schemas,
and one Excel workbook of the processed tables with a README sheet, written byte-for-byte reproducibly.

Raw tables are described from their ``TableSpec`` (types, allowed values, patterns, bounds, required and unique
columns, which column cites which fact); processed tables from their pandera schema where one exists, else from the
column types pandas reads. Descriptions come from the data dictionary (``data/raw/README.md``) where it has a row for
the column, and are otherwise generated from the schema.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from . import paths, schemas
from .execution import listed

DATE_PATTERN = r"\d{4}-\d{2}(-\d{2})?"
RAW_SPECS = [schemas.NEGOTIATIONS, schemas.PUBLISHED_DURATIONS, schemas.TRADE_PROMOTION_AUTHORITY, schemas.DEAL_DOCUMENTS,
             schemas.DEAL_PARTNERS, schemas.SOURCE_CONFLICTS, schemas.WTO_RTA, schemas.DURATION_STUDIES,
             schemas.CENSUS_DUTIES, schemas.TARIFF_ACTIONS, schemas.TARIFF_RATES, schemas.CLAIMS, schemas.CLAIM_FACTS, schemas.CENSUS_TRADE,
             schemas.LEGAL_DEADLINES]
PROCESSED_DESCRIPTIONS = {
    "negotiations.csv": "The analysis table (notebook 01): every raw negotiation row, validated, with ISO3 partner codes, "
                        "the launch used, durations in calendar and exact months, outcome and censoring.",
    "agreement_units.csv": "One row per unit of analysis (notebook 01): each agreement once, each accession once, with the "
                           "earliest date of each milestone.",
    "published_durations.csv": "Freund & McDaniel (2016) Table 1 as printed, typed (notebook 01).",
    "trade_annual.csv": "Annual US goods imports and exports by partner, US$ millions (notebook 02, from the Census table).",
    "negotiation_trade_shares.csv": "Each negotiation partner's share of US goods trade at launch (notebook 02).",
    "trade_china_monthly.csv": "Monthly US goods trade with China, US$ millions (notebook 02).",
    "collected_rates.csv": "Calculated duties over imports for consumption by partner and month (notebook 02, Census).",
    "tariff_rates_daily.csv": "The additional statutory US tariff each major 2025-26 partner faced, day by day, by legal "
                              "authority (economy-wide layers summed into the headline; the highest product-specific rate "
                              "beside it), from data/raw/tariff_actions.csv and tariff_rates.csv (notebook 12).",
}


def licence(path: Path | None = None) -> dict:
    """The data licence named in ``DATA_LICENSE.md`` (its Creative Commons URL) as a Data Package licence."""
    from .io import input_path

    text = input_path(path or paths.ROOT / "DATA_LICENSE.md").read_text(encoding="utf-8")  # recorded: an edit re-runs 08
    match = re.search(r"https://creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)/", text)
    if not match:
        raise ValueError("DATA_LICENSE.md names no Creative Commons licence URL")
    kind, version = match.groups()
    words = {"by": "Attribution", "sa": "ShareAlike", "nc": "NonCommercial", "nd": "NoDerivatives"}
    title = "-".join(words.get(part, part) for part in kind.split("-"))
    return {"name": f"CC-{kind.upper()}-{version}", "path": match.group(0),
            "title": f"Creative Commons {title} {version} International (the cited documents keep their own terms)"}


def dictionary(path: Path | None = None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """From the data dictionary: each raw file's title (its ``## file.csv — title`` heading) and column meanings
    (the rows of its ``| column | meaning |`` table)."""
    text = (path or paths.RAW / "README.md").read_text(encoding="utf-8")
    titles, columns, current = {}, {}, []
    for line in text.splitlines():
        if line.startswith("## "):
            current = re.findall(r"([a-z0-9_]+\.csv)", line)
            title = line.split("—", 1)[1].strip() if "—" in line else ""
            for name in current:
                titles[name] = title
        elif current and (m := re.match(r"^\| `([^`]+)` \| (.+) \|$", line)):
            for name in current:
                columns.setdefault(name, {})[m.group(1)] = re.sub(r"`", "", m.group(2)).strip()
    return titles, columns


def _raw_field(name: str, column, spec: schemas.TableSpec, meanings: dict[str, str]) -> dict:
    meta = (column.metadata or {}) if column is not None else {}
    kind = meta.get("kind", "text")
    field = {"name": name, "type": {"integer": "integer", "number": "number"}.get(kind, "string")}
    constraints = {}
    cites = [fact for fact, source in spec.sourced.items() if source == name]
    if name in meanings:
        description = meanings[name]
    elif cites:
        description = f"The URL or citation that {', '.join(cites)} was read from."
    elif column is None:
        description = "As exported by the source (kept unmodified)."
    else:
        description = name.replace("_", " ").capitalize() + "."
    if kind == "date":
        description += " Date, YYYY-MM-DD, or YYYY-MM where the source gives only the month."
        constraints["pattern"] = DATE_PATTERN
    if meta.get("enum"):
        constraints["enum"] = list(meta["enum"])
    if meta.get("pattern"):
        constraints["pattern"] = meta["pattern"].removeprefix("^").removesuffix("$")
    for bound in ("minimum", "maximum"):
        if meta.get(bound) is not None:
            constraints[bound] = int(meta[bound]) if kind == "integer" else meta[bound]
    if column is not None and not column.nullable:
        constraints["required"] = True
    if column is not None and column.unique:
        constraints["unique"] = True
    field["description"] = description
    if constraints:
        field["constraints"] = constraints
    return field


def _header(path: Path) -> list[str]:
    """The header row as written (a byte-order mark dropped, as ``read_raw_csv`` drops it)."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def _sources(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The distinct web hosts cited in ``columns``, as Data Package sources (most cited first, then by name)."""
    hosts = pd.Series([urlparse(u).netloc.lower().removeprefix("www.") for c in columns if c in df
                       for cell in df[c].dropna() for u in re.findall(r"https?://[^\s<>\"')]+", cell)], dtype=object)
    counts = hosts[hosts != ""].value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"title": f"{host} ({n} citations)", "path": f"https://{host}/"} for host, n in ordered]


def raw_resource(spec: schemas.TableSpec, titles: dict[str, str], meanings: dict[str, dict[str, str]]) -> dict:
    """A Data Package resource for one raw table: fields in file order, typed and constrained by its spec.

    A header written with surrounding spaces keeps its name as written (so the descriptor matches the file) and the
    constraints of the column it names (validation strips the spaces too).
    """
    from .io import read_raw_csv

    header = _header(spec.path)
    cols = spec.schema.columns
    fields = [{**_raw_field(name.strip(), cols.get(name.strip()), spec, meanings.get(spec.file, {})), "name": name}
              for name in header]
    df = read_raw_csv(spec.path)  # a file that cannot be read is one line naming it, not a bare pandas error
    cited = sorted(set(spec.sourced.values()))
    resource = {
        "name": "raw-" + spec.file.removesuffix(".csv").replace("_", "-"), "path": f"data/raw/{spec.file}",
        "title": titles.get(spec.file, spec.file), "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "description": (f"Hand-compiled raw table; every fact cited in {', '.join(f'`{c}`' for c in cited)}. "
                        if cited else "Hand-compiled raw table. ") + "Data dictionary: data/raw/README.md.",
        "schema": {"fields": fields, "missingValues": [""]},
    }
    sources = _sources(df, cited)
    if sources:
        resource["sources"] = sources
    return resource


def _processed_type(series: pd.Series, column) -> str:
    dtype = str(column.dtype) if column is not None and column.dtype is not None else str(series.dtype)
    if dtype.lower().startswith("int"):
        return "integer" if str(series.dtype).lower().startswith("int") else "number"  # written as 1.0: a number
    if dtype.startswith("float"):
        return "number"
    if dtype == "bool":
        return "boolean"
    return "string"


def processed_resource(path: Path, meanings: dict[str, str]) -> dict:
    """A Data Package resource for one processed table, typed from its schema (``schemas.PROCESSED_TABLES``) or
    from the column types pandas reads."""
    from .io import input_path

    schema = schemas.PROCESSED_TABLES.get(path.name)
    where = input_path(path)  # this run's copy if an earlier notebook rewrote it
    df = pd.read_csv(where, dtype={"negotiation_id": str, "unit_id": str, "partner_code": str})
    fields = []
    for name in _header(where):
        column = schema.columns.get(name) if schema is not None else None
        kind = _processed_type(df[name], column)
        if kind == "integer" and df[name].isna().all():
            kind = "string"
        field = {"name": name, "type": kind,
                 "description": meanings.get(name) or ("The URL or citation of " + name.removeprefix("source_") + "."
                                                       if name.startswith("source_") else "Derived: " + name.replace("_", " ") + ".")}
        if column is not None and not column.nullable:
            field["constraints"] = {"required": True}
        if column is not None and column.unique:
            field.setdefault("constraints", {})["unique"] = True
        fields.append(field)
    return {"name": "processed-" + path.stem.replace("_", "-"), "path": f"data/processed/{path.name}",
            "title": path.stem.replace("_", " "), "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": PROCESSED_DESCRIPTIONS.get(path.name, "Derived by the pipeline from data/raw/.")
            + " Regenerated by `make all`; do not edit.",
            "schema": {"fields": fields, "missingValues": [""]}}


def descriptor(version: str, as_of: str, processed: list[Path] | None = None) -> dict:
    """The Data Package descriptor of every raw and processed table (paths relative to the repository root).

    ``version``: the raw data version (``report.data_version``); ``as_of``: the report's as-of date, used as the
    package's creation date so the file is the same on every run.
    """
    titles, meanings = dictionary()
    processed = processed if processed is not None else listed(paths.PROCESSED, "*.csv")  # with this run's new ones
    negotiations = meanings.get("negotiations.csv", {})
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "deal-clock",
        "title": "Deal Clock: how long do US trade deals really take?",
        "description": "Every US trade-agreement negotiation since 1983 with a cited source for each date, the 2025-26 "
                       "deals and tariff actions, trade statistics, and the tables derived from them. See README.md "
                       "and data/raw/README.md.",
        "version": version,
        "created": f"{as_of}T00:00:00Z",
        "licenses": [licence()],
        "sources": [{"title": "Each value's own source: the source_* (or source) column beside it in data/raw/"}],
        "resources": [raw_resource(spec, titles, meanings) for spec in RAW_SPECS]
                     + [processed_resource(p, negotiations) for p in processed],
    }


def write_json(data: dict) -> str:
    """The descriptor as stable, readable JSON text."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _stable_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip (an .xlsx) with every entry's timestamp set to ``when``, and the document's modified date too
    (openpyxl stamps the time of saving into docProps/core.xml), so equal content gives equal bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def _hidden_cell(df: pd.DataFrame) -> str | None:
    """Where the first text cell (or column name) holding a control or invisible character is, and which; None if
    none does. A NUL byte or escape character has no place in a workbook (openpyxl refuses some, a spreadsheet
    may cut the cell at others)."""
    from .text import hidden_character_problem

    for column in df.columns:
        if isinstance(column, str) and (problem := hidden_character_problem(column)):
            return f"column name {problem}"
    for column in df.columns:
        for row, value in enumerate(df[column], start=2):
            if isinstance(value, str) and (problem := hidden_character_problem(value)):
                return f"row {row}, column '{column}': {problem}"
    return None


def workbook(tables: dict[str, pd.DataFrame], readme: list[tuple[str, str]], as_of: str) -> bytes:
    """An Excel workbook: a README sheet (``readme`` rows of label and text, then one row per table), then one sheet per
    table. Its created and modified dates are ``as_of`` and the zip entries carry that time too: byte-identical runs.
    Raises ``ValueError`` naming the sheet, row and column of a cell holding a control or invisible character."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    for name, df in tables.items():
        hidden = _hidden_cell(df)
        if hidden:
            raise ValueError(f"workbook sheet '{name}': {hidden}")
    when = datetime.fromisoformat(as_of)
    wb = Workbook()
    sheet = wb.active
    sheet.title = "README"
    for row in readme:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["sheet", "rows", "columns"])
    sheet.cell(sheet.max_row, 1).font = sheet.cell(sheet.max_row, 2).font = sheet.cell(sheet.max_row, 3).font = Font(bold=True)
    for name, df in tables.items():
        sheet.append([name, len(df), ", ".join(df.columns)])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 28, 100
    sheet["A1"].font = Font(bold=True, size=14)
    for name, df in tables.items():
        ws = wb.create_sheet(name[:31])
        ws.append(list(df.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in df.itertuples(index=False):
            ws.append([None if (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v.item() if hasattr(v, "item") else v
                       for v in row])
        ws.freeze_panes = "A2"
    wb.properties.creator = "Deal Clock (make all)"
    wb.properties.created = wb.properties.modified = when
    wb.properties.lastModifiedBy = "Deal Clock"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _stable_zip(buffer.getvalue(), when)
