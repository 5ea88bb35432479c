"""US goods trade by partner (U.S. Census Bureau, "U.S. Trade in Goods by Country").

Two layouts:
- the official Census file (``country.xlsx``): one row per partner-year with columns
  ``year, CTY_CODE, CTYNAME, IJAN..IDEC, IYR, EJAN..EDEC, EYR`` (imports/exports, US$ millions,
  goods, Census basis, not seasonally adjusted);
- our raw table ``data/raw/census_trade_by_partner.csv``: tidy rows ``partner_code, year, month,
  exports_musd, imports_musd, source`` (month empty for the annual total).
``read_census_layout`` turns the first into tidy rows; the consistency checks run on the second.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .countries import UnknownCountryError, match_country_code
from .io import Problem, RawDataError, line_of
from .text import hidden_character_problem

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
CENSUS_COLUMNS = ["year", "CTY_CODE", "CTYNAME"] + [f"I{m}" for m in MONTHS] + ["IYR"] + \
    [f"E{m}" for m in MONTHS] + ["EYR"]
CENSUS_URL = "https://www.census.gov/foreign-trade/balance/country.xlsx"
# Census names that country_converter does not read, and the aggregates we keep by name.
CENSUS_NAME_OVERRIDES = {
    "Korea, South": "KOR", "Korea, North": "PRK", "Burma": "MMR", "Macau": "MAC",
    "Congo (Kinshasa)": "COD", "Congo (Brazzaville)": "COG", "Heard and McDonald Islands": "HMD",
    "West Bank Administered by Israel": "PSE", "Gaza Strip Administered by Israel": "PSE",
    "Kosovo": "XKX", "Sint Maarten": "SXM", "Curacao": "CUW", "Eswatini": "SWZ",
    "European Union": "EUU", "World, Not Seasonally Adjusted": "WLD", "World": "WLD",
}
ROUNDING = 0.65  # US$ millions: twelve months rounded to 0.1 (12 x 0.05) plus the rounded year (0.05)


def census_partner_code(code: str | int, name: str) -> tuple[str, bool]:
    """(partner code, is_aggregate) for a Census row: ISO3 for countries; WLD, EUU or AGG_<code> for groupings.

    Census numbers groupings (world, regions, EU, OPEC...) below 1000 and countries from 1000 up.
    """
    name = str(name).strip()
    numeric = int(str(code).strip())
    if name in CENSUS_NAME_OVERRIDES:
        code3 = CENSUS_NAME_OVERRIDES[name]
        return code3, code3 in ("WLD", "EUU") or numeric < 1000
    if numeric < 1000:
        return f"AGG_{numeric:04d}", True
    code = match_country_code(name)  # the Census's own spellings: matched by pattern, not typed by us
    if code is None:
        raise UnknownCountryError(f"unknown country '{name}'")
    return code, False


def read_census_layout(path: Path | str) -> pd.DataFrame:
    """Read an official Census country file (.xlsx or .csv) into tidy rows.

    Columns: partner_code, census_code, census_name, is_aggregate, year, month (NaN = annual total),
    exports_musd, imports_musd. Raises ``RawDataError`` naming the line and column of anything malformed (a code or
    year that is not a number, a name no pattern matches, a value that is not a finite number, a hidden character).
    """
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise RawDataError(path, [Problem(None, None, "file is missing or empty")])
    try:
        df = (pd.read_excel(path, dtype=str, keep_default_na=False) if path.suffix == ".xlsx"
              else pd.read_csv(path, dtype=str, keep_default_na=False))
    except Exception as exc:  # openpyxl/pandas raise many types for a broken file
        raise RawDataError(path, [Problem(None, None, f"cannot be read as a Census country file ({exc})")]) from None
    missing = [c for c in CENSUS_COLUMNS if c not in df.columns]
    if missing:
        raise RawDataError(path, [Problem(1, c, "required column is missing from the header") for c in missing])
    problems, records = [], []
    for idx, row in df.iterrows():
        hidden = [Problem(line_of(idx), c, problem) for c in CENSUS_COLUMNS if (problem := hidden_character_problem(str(row[c])))]
        if hidden:
            problems += hidden
            continue
        if not str(row["CTY_CODE"]).strip().isdigit():
            problems.append(Problem(line_of(idx), "CTY_CODE", f"'{row['CTY_CODE']}' is not a Census country code (a number)"))
            continue
        if not str(row["year"]).strip().isdigit():
            problems.append(Problem(line_of(idx), "year", f"'{row['year']}' is not a year"))
            continue
        try:
            code, aggregate = census_partner_code(row["CTY_CODE"], row["CTYNAME"])
        except UnknownCountryError as exc:
            problems.append(Problem(line_of(idx), "CTYNAME", f"{exc} (add it to CENSUS_NAME_OVERRIDES)"))
            continue
        values = {}
        for col in CENSUS_COLUMNS[3:]:
            try:
                values[col] = float(str(row[col]).replace(",", ""))
                if not np.isfinite(values[col]):
                    raise ValueError
            except ValueError:
                values.pop(col, None)
                problems.append(Problem(line_of(idx), col, f"'{row[col]}' is not a number"))
        if len(values) < len(CENSUS_COLUMNS) - 3:
            continue
        base = {"partner_code": code, "census_code": str(row["CTY_CODE"]).strip(),
                "census_name": str(row["CTYNAME"]).strip(), "is_aggregate": aggregate, "year": int(row["year"])}
        for i, m in enumerate(MONTHS, start=1):
            records.append({**base, "month": float(i), "exports_musd": values[f"E{m}"], "imports_musd": values[f"I{m}"]})
        records.append({**base, "month": np.nan, "exports_musd": values["EYR"], "imports_musd": values["IYR"]})
    if problems:
        raise RawDataError(path, problems)
    return pd.DataFrame.from_records(records)


def to_raw_table(tidy: pd.DataFrame, partners: list[str], monthly: list[str], source: str = CENSUS_URL) -> pd.DataFrame:
    """Rows of our raw table from tidy Census rows: annual totals for ``partners``, months for ``monthly``."""
    keep = tidy["partner_code"].isin(partners) & tidy["month"].isna()
    keep |= tidy["partner_code"].isin(monthly) & tidy["month"].notna()
    out = tidy.loc[keep, ["partner_code", "year", "month", "exports_musd", "imports_musd"]].copy()
    out["month"] = out["month"].astype("Int64")
    out["source"] = source
    return out.sort_values(["partner_code", "year", "month"], na_position="first", kind="mergesort")


def typed(raw: pd.DataFrame) -> pd.DataFrame:
    """Our validated raw table with numeric columns (month NaN for annual totals)."""
    out = raw.copy()
    for c in ["year", "month", "exports_musd", "imports_musd"]:
        out[c] = pd.to_numeric(out[c])
    out["year"] = out["year"].astype(int)
    return out


def consistency_problems(trade: pd.DataFrame) -> list[str]:
    """Checks across rows: no partner trades more than the world in a year; twelve months sum to the year.

    Returns readable descriptions (empty when all is consistent). Years whose twelve months are not all
    present are not checked against the year.
    """
    problems = []
    annual = trade[trade["month"].isna()]
    world = annual[annual["partner_code"] == "WLD"].set_index("year")
    for flow in ["exports_musd", "imports_musd"]:
        joined = annual[annual["partner_code"] != "WLD"].join(world[flow].rename("world"), on="year")
        over = joined[joined[flow] > joined["world"]]
        problems += [f"{r.partner_code} {r.year}: {flow} {getattr(r, flow)} > world {r.world}" for r in over.itertuples()]
    monthly = trade[trade["month"].notna()]
    sums = monthly.groupby(["partner_code", "year"]).agg(n=("month", "size"), exports=("exports_musd", "sum"),
                                                         imports=("imports_musd", "sum"))
    full = sums[sums["n"] == 12].join(annual.set_index(["partner_code", "year"])[["exports_musd", "imports_musd"]])
    for (code, year), r in full.iterrows():
        for flow, total in (("exports", r["exports_musd"]), ("imports", r["imports_musd"])):
            if pd.isna(total):
                problems.append(f"{code} {year}: twelve months but no annual {flow} total")
            elif abs(r[flow] - total) > ROUNDING:
                problems.append(f"{code} {year}: months sum to {r[flow]:.1f}, year says {total:.1f} ({flow})")
    return problems


def trade_shares(trade: pd.DataFrame, members: dict[str, tuple[str, ...]], years: dict[str, int]) -> pd.Series:
    """Share of US goods trade (exports + imports) with each key's member countries in its year.

    ``members`` maps a key to ISO3 codes (empty = no weight), ``years`` maps it to the year. NaN where
    the year or a member's figure is not in the table.
    """
    annual = trade[trade["month"].isna()].assign(total=lambda d: d["exports_musd"] + d["imports_musd"])
    totals = annual.set_index(["partner_code", "year"])["total"]
    out = {}
    for key, codes in members.items():
        year = years.get(key)
        if not codes or year is None or pd.isna(year) or ("WLD", year) not in totals.index:
            out[key] = np.nan
            continue
        values = [totals.get((c, year), np.nan) for c in codes]
        out[key] = np.nan if any(pd.isna(v) for v in values) else float(sum(values) / totals[("WLD", year)])
    return pd.Series(out, name="trade_share")


def rebuild_raw_table(census_file: Path | str, out_path: Path | str, partners: list[str],
                      monthly: list[str], source: str = CENSUS_URL) -> pd.DataFrame:
    """Read an official Census file and (atomically) rewrite our raw trade table from it.

    Nothing is written if the file is malformed or fails the consistency checks.
    """
    from .io import write_csv

    table = to_raw_table(read_census_layout(census_file), partners, monthly, source)
    problems = consistency_problems(table.astype({"month": float}))
    if problems:
        raise RawDataError(census_file, [Problem(None, None, p) for p in problems])
    write_csv(table, out_path)
    return table
