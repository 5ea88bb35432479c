"""Tariffs as paid: Census calculated duties and imports for consumption by partner and month, and the rate collected."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .io import Problem, RawDataError

# The official series: the Census Bureau's international trade API, imports by HS (calculated duty and customs value
# of imports for consumption, monthly, by country). One request per month; the API answers a JSON array whose first
# row is the header.
CENSUS_API = ("https://api.census.gov/data/timeseries/intltrade/imports/hs"
              "?get=CTY_CODE,CTY_NAME,CAL_DUT_MO,CON_VAL_MO&time={year}-{month:02d}&COMM_LVL=HS2")
# Census country codes of the partners tracked (5700 China, 1220 Canada, ...); '-' is the world total.
CENSUS_CODES = {"CHN": "5700", "CAN": "1220", "MEX": "2010", "JPN": "5880", "KOR": "5800", "VNM": "5520",
                "GBR": "4120", "IND": "5330", "CHE": "4419", "TWN": "5830", "WLD": "-"}


def read_duties_json(path: Path | str) -> pd.DataFrame:
    """Tidy rows (partner_code, year, month, imports_consumption_musd, calculated_duty_musd) from one year file of the
    public copy of the Census series (``duties_by_country/<YEAR>.json``: an array of countries with 12 monthly
    ``duties`` and ``import_value`` in whole dollars). Months not yet published (null) are left out. Raises
    ``RawDataError`` naming the file and the country when a file is malformed or its months do not add up to its year.
    """
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RawDataError(path, [Problem(None, None, f"not a readable JSON file ({exc})")]) from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise RawDataError(path, [Problem(None, None, "not a JSON array of countries (objects with country_code, year, "
                                                      "duties, import_value)")])
    rows, problems = [], []
    for record in records:
        code = str(record.get("country_code", "?"))
        try:
            duties, imports, year = record["duties"], record["import_value"], int(record["year"])
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(None, code, "missing duties, import_value or year"))
            continue
        if not isinstance(duties, list) or not isinstance(imports, list) or len(duties) != 12 or len(imports) != 12:
            problems.append(Problem(None, code, "duties and import_value must have 12 months"))
            continue
        wrong = [f"{name} month {m}: {v!r}" for name, months in (("duties", duties), ("import_value", imports))
                 for m, v in enumerate(months, start=1) if v is not None and not _dollars(v)]
        if wrong:
            problems.append(Problem(None, code, f"not a finite, non-negative number of dollars: {', '.join(wrong[:3])}"))
            continue
        for name, months, total in (("duties", duties, record.get("duties_year")),
                                    ("import_value", imports, record.get("import_value_year"))):
            if total is not None and sum(v for v in months if v is not None) != total:
                problems.append(Problem(None, code, f"{name} months do not add up to {name}_year"))
        for month, (duty, value) in enumerate(zip(duties, imports), start=1):
            if duty is None or value is None:
                continue
            rows.append({"partner_code": code, "year": year, "month": month,
                         "imports_consumption_musd": value / 1e6, "calculated_duty_musd": duty / 1e6})
    if problems:
        raise RawDataError(path, problems)
    return pd.DataFrame(rows)


def _dollars(value) -> bool:
    """A finite, non-negative number (JSON allows NaN and Infinity; neither is an amount)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def census_partner(code: str, name: str) -> str | None:
    """The ISO3 code of one row of a Census API answer: the tracked partners by their Census code (``CENSUS_CODES``;
    ``-`` the world), any other country (codes from 1000 up) by its Census name (``helpers.countries``, with the
    Census spellings of ``helpers.trade.CENSUS_NAME_OVERRIDES``); None for a grouping (the EU as Census defines it
    each month, regions such as ``4XXX``). Raises ``UnknownCountryError`` for a country name no converter reads."""
    from .countries import UnknownCountryError, match_country_code
    from .trade import CENSUS_NAME_OVERRIDES

    code = str(code).strip()
    by_code = {v: k for k, v in CENSUS_CODES.items()}
    if code in by_code:
        return by_code[code]
    if not code.isdigit() or int(code) < 1000:
        return None
    overrides = {k.upper(): v for k, v in CENSUS_NAME_OVERRIDES.items()}
    found = overrides.get(str(name).strip().upper()) or match_country_code(str(name).strip())  # the Census's own spellings
    if found is None:
        raise UnknownCountryError(f"unknown country '{name}' in the Census API answer")
    return found


def read_census_api(text: str, year: int, month: int) -> pd.DataFrame:
    """Tidy rows (partner_code, year, month, imports_consumption_musd, calculated_duty_musd) from one month's answer of
    the Census API (``CENSUS_API``): one row per country, its HS chapters summed, and ``WLD``. Values are dollars; the
    table keeps US$ millions. Rows whose country name cannot be read are left out and named in
    ``.attrs["unread"]`` (they matter only if they are EU members or tracked partners, which ``coverage_problems``
    then reports)."""
    from .countries import UnknownCountryError

    where = f"the Census API answer for {year}-{month:02d}"
    try:
        table = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{where} is not JSON ({exc})") from None
    if not isinstance(table, list) or not table or not all(isinstance(r, list) for r in table):
        raise ValueError(f"{where} is not a JSON array of rows with a header")
    header, body = table[0], table[1:]
    missing = [c for c in ("CTY_CODE", "CTY_NAME", "CAL_DUT_MO", "CON_VAL_MO") if c not in header]
    if missing or any(len(r) != len(header) for r in body):
        raise ValueError(f"{where} lacks column(s) {missing}" if missing else f"{where} has rows of another width than its header")
    df = pd.DataFrame(body, columns=header)
    codes, unread = {}, set()
    for code, name in set(zip(df["CTY_CODE"], df["CTY_NAME"])):
        try:
            codes[(code, name)] = census_partner(code, name)
        except UnknownCountryError:
            codes[(code, name)] = None
            unread.add(name)
    df = df.assign(partner_code=[codes[k] for k in zip(df["CTY_CODE"], df["CTY_NAME"])]).dropna(subset=["partner_code"])
    numbers = {c: pd.to_numeric(df[c], errors="coerce") for c in ("CAL_DUT_MO", "CON_VAL_MO")}
    for c, values in numbers.items():
        bad = df.loc[~np.isfinite(values) | (values < 0), c]
        if len(bad):
            raise ValueError(f"{where}: {c} '{bad.iloc[0]}' (country {df.loc[bad.index[0], 'CTY_CODE']}) is not a finite, "
                             "non-negative number of dollars")
    df = df.assign(duty=numbers["CAL_DUT_MO"], value=numbers["CON_VAL_MO"])
    sums = df.groupby("partner_code")[["duty", "value"]].sum()
    out = pd.DataFrame([{"partner_code": code, "year": year, "month": month,
                         "imports_consumption_musd": s["value"] / 1e6, "calculated_duty_musd": s["duty"] / 1e6}
                        for code, s in sums.iterrows()],
                       columns=["partner_code", "year", "month", "imports_consumption_musd", "calculated_duty_musd"])
    out.attrs["unread"] = sorted(unread)
    return out


def collected_rates(duties: pd.DataFrame) -> pd.DataFrame:
    """The collected rate = calculated duty / imports for consumption, by partner and month, with a ``date`` column
    (first day of the month); months without imports have no rate."""
    df = duties.copy()
    for c in ("year", "month"):
        df[c] = pd.to_numeric(df[c]).astype(int)
    for c in ("imports_consumption_musd", "calculated_duty_musd"):
        df[c] = pd.to_numeric(df[c])
    df["date"] = pd.to_datetime(dict(year=df["year"], month=df["month"], day=1))
    df["collected_rate"] = (df["calculated_duty_musd"] / df["imports_consumption_musd"]).where(df["imports_consumption_musd"] > 0)
    return df.sort_values(["partner_code", "date"], kind="mergesort").reset_index(drop=True)


def annual_rate(rates: pd.DataFrame, partner: str, year: int) -> float:
    """Duties over imports for a partner's whole calendar year (months weighted by their imports)."""
    rows = rates[(rates["partner_code"] == partner) & (rates["year"] == year)]
    return float(rows["calculated_duty_musd"].sum() / rows["imports_consumption_musd"].sum())


EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA",
        "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE")


def add_eu27(tidy: pd.DataFrame) -> pd.DataFrame:
    """Append an ``EUU`` row per month: the sum over the 27 current EU members (the same set in every month, so the
    series is comparable over time; the UK, a member until January 2020, is not in it). Months missing a member are
    left out rather than summed short."""
    members = tidy[tidy["partner_code"].isin(EU27)]
    counts = members.groupby(["year", "month"])["partner_code"].nunique()
    complete = counts[counts == len(EU27)].index
    sums = members.groupby(["year", "month"])[["imports_consumption_musd", "calculated_duty_musd"]].sum().loc[complete]
    eu = sums.reset_index().assign(partner_code="EUU")
    return pd.concat([tidy, eu[tidy.columns]], ignore_index=True)


# The partners of census_duties_by_partner.csv: the tracked countries, the EU-27 sum and the world; and, from
# January 2024, the other 2025-26 cohort partners with at least 0.5% of US imports in 2024 (read by name on the API
# path, helpers.duties.census_partner).
TABLE_PARTNERS = tuple(sorted(set(CENSUS_CODES) | {"EUU", "BRA", "IDN", "ISR", "MYS", "THA"}))


def partner_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``census_duties_by_partner.csv`` from tidy rows of every country (and ``WLD``): the EU-27 summed
    by ``add_eu27`` exactly as the committed table was, then the ``TABLE_PARTNERS`` only, sorted by partner, year and
    month. Both ways of building the table go through it: the public copy's year files (``read_duties_json``) and
    the Census API (``read_census_api``, `make update-duties-data`)."""
    keys = ["partner_code", "year", "month"]
    columns = keys + ["imports_consumption_musd", "calculated_duty_musd"]
    extra = [c for c in tidy.columns if c not in columns]  # e.g. source: the EU row takes its members' (one per month)
    table = add_eu27(tidy[columns])
    if extra:
        own = tidy.loc[tidy["partner_code"] != "EUU", keys + extra].drop_duplicates(keys)
        members = tidy[tidy["partner_code"].isin(EU27)].groupby(["year", "month"])[extra].first().reset_index()
        table = table.merge(pd.concat([own, members.assign(partner_code="EUU")]), on=keys, how="left")
    table = table[table["partner_code"].isin(TABLE_PARTNERS)]
    return table.sort_values(["partner_code", "year", "month"], kind="mergesort").reset_index(drop=True)


def coverage_problems(rebuilt: pd.DataFrame, committed: pd.DataFrame) -> list[str]:
    """What a rebuilt table lacks against the committed one: a partner with no row at all, or a month of the rebuilt
    table missing a partner (an EU member the API did not name as expected makes the EU-27 sum of that month
    vanish). Empty when every partner of the committed table is there in every month."""
    problems = []
    partners = sorted(set(committed["partner_code"]))
    have = set(rebuilt["partner_code"])
    problems += [f"{p}: no row at all (the committed table has {int((committed['partner_code'] == p).sum())})"
                 for p in partners if p not in have]
    months = rebuilt.groupby(["year", "month"])["partner_code"].agg(set)
    for (year, month), present in months.items():
        missing = [p for p in partners if p in have and p not in present]
        if missing:
            problems.append(f"{int(year)}-{int(month):02d}: no row for {', '.join(missing)}")
    return problems


def nearest_month_rate(rates: pd.DataFrame, partner: str, day) -> tuple[pd.Timestamp, float] | tuple[None, float]:
    """The collected rate (``collected_rates``) of the month containing ``day`` for ``partner``, or of the latest
    published month before it; returns (first day of that month, rate), or (None, nan) if none is published."""
    rows = rates[(rates["partner_code"] == partner) & (rates["date"] <= pd.Timestamp(day))].dropna(subset=["collected_rate"])
    if rows.empty:
        return None, float("nan")
    last = rows.sort_values("date").iloc[-1]
    return last["date"], float(last["collected_rate"])
