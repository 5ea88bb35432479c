"""Rules every raw table shares, driven by its ``TableSpec``: each fact cited by a real source, no date past the
table's as-of date, dates in order, partners known, no row given twice, and the ids the notebooks rely on present.

Each rule returns ``Problem``s (line, column, message); ``loader.validate_table`` runs them all and reports them
together. A table's own rules live with its schema (``TableSpec.rules``).
"""

from __future__ import annotations

import re

import pandas as pd

from ..dates import is_before, parse_partial_date
from ..io import Problem, line_of
from .columns import TableSpec

# A source is a URL, or a formal citation: a document with a date or a citation marker (FR page, statute, public law,
# executive order, proclamation, CBP message, House document). "see above" or "row notes" are not sources.
SOURCE_FORM = re.compile(r"^https?://\S+|^(?=.*\b(1[89]\d\d|20\d\d)\b).{12,}|.*(\d+ FR \d+|Stat\.|Public Law|P\.L\. ?\d|"
                         r"U\.S\.C\.|Proclamation|Executive Order|EO \d+|CSMS|H\. ?Doc)")


MARKUP = re.compile(r"[<>]", re.IGNORECASE)  # no source needs these; a script payload does
# A link that runs a script or carries its own content cites no document. Searched with the whitespace removed
# (browsers drop tabs and line breaks inside a URL), so 'java script:' is caught too; 'data:' only when something
# follows directly, as in a data URL ('primary data: FRED' is prose).
SCRIPT_LINK = re.compile(r"javascript:|vbscript:|(?<![a-z0-9+.-])data:(?=\S)", re.IGNORECASE)
URL = re.compile(r"(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*)://(\S*)|(?<![a-z0-9+.-])(https?):(?!//)", re.IGNORECASE)
# A trailing dot (ustr.gov.) is the same host written as an absolute domain name.
PLAIN_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?(:\d{1,5})?$")


def script_link(value: str) -> bool:
    """True where a citation holds ``javascript:``, ``vbscript:`` or a ``data:`` URL anywhere in it."""
    return bool(SCRIPT_LINK.search(re.sub(r"\s", "", value)) or SCRIPT_LINK.search(value))


def url_problem(value: str) -> str | None:
    """What is wrong with the first deceptive or foreign URL in a citation, or None: a scheme other than http(s), a
    user name before '@' (``https://ustr.gov@ev.il/`` opens ev.il), or a host that is not plain ASCII letters, digits,
    dots and hyphens (a backslash, a look-alike letter, an encoded character)."""
    for match in URL.finditer(value):
        scheme, rest = (match.group(1) or match.group(3)).lower(), match.group(2)
        if rest is None:
            return f"'{match.group(0)}' without '//' is not a web address"
        url = match.group(0)
        if scheme not in ("http", "https"):
            return f"{scheme}:// is not a web address (a cited URL starts http:// or https://)"
        netloc = re.split(r"[/?#]", rest, maxsplit=1)[0]
        if "@" in netloc:
            return f"the URL {url[:80]} has a user name before '@': it opens {netloc.rsplit('@', 1)[1]}, not the site it seems to name"
        if not PLAIN_HOST.match(netloc.lower()):
            return f"the host '{netloc[:60]}' of {url[:80]} is not a plain host name (ASCII letters, digits, dots, hyphens)"
    return None


def source_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """A non-empty fact without a source in its source column, or a source (any ``source*`` column) that is neither a
    URL nor a citation, or holds markup, a spreadsheet formula, a script or data link, or a deceptive or non-web URL."""
    problems = []
    for fact, source in spec.sourced.items():
        if fact not in df.columns or source not in df.columns:
            continue
        missing = df[fact].notna() & df[source].isna()
        for idx in df.index[missing]:
            problems.append(Problem(line_of(idx), source, f"{fact} '{df.at[idx, fact]}' has no source"))
    columns = sorted({source for source in spec.sourced.values()} | {c for c in df.columns if str(c).startswith("source")})
    for column in [c for c in columns if c in df.columns]:
        for idx, value in df[column].dropna().items():
            if MARKUP.search(value) or value.startswith(("=", "+", "-", "@")):
                problems.append(Problem(line_of(idx), column, f"'{value[:60]}' is not a source: markup or a spreadsheet "
                                                              "formula (a source is a URL or a citation, plain text)"))
            elif script_link(value):
                problems.append(Problem(line_of(idx), column, f"'{value[:60]}' is not a source: a javascript:, vbscript: "
                                                              "or data: link runs or carries content instead of citing a document"))
            elif (wrong := url_problem(value)) is not None:
                problems.append(Problem(line_of(idx), column, f"'{value[:60]}' is not a source: {wrong}"))
            elif not SOURCE_FORM.match(value):
                problems.append(Problem(line_of(idx), column, f"'{value[:60]}' is not a source: give the URL or a formal "
                                                              "citation (document, date or FR/statute reference)"))
    return problems


def link_problems(df: pd.DataFrame) -> list[Problem]:
    """Every cell of a ``*_url`` column (e.g. a claim's ``article_url``) must be one plain web address: http(s), no
    user name, a plain host, no markup, script or data link."""
    problems = []
    for column in [c for c in df.columns if str(c).endswith("_url")]:
        for idx, value in df[column].dropna().items():
            wrong = ("markup or a script or data link" if MARKUP.search(value) or script_link(value)
                     else url_problem(value) or (None if re.match(r"https?://\S+$", value) else "not one http(s) URL"))
            if wrong:
                problems.append(Problem(line_of(idx), column, f"'{value[:60]}' is not a web address: {wrong}"))
    return problems


def date_columns(spec: TableSpec) -> list[str]:
    """The columns of a table that hold dates (those checked by ``date_column``)."""
    return [name for name, col in spec.schema.columns.items()
            if any("not a date of the form" in str(check.error) for check in col.checks)]


def future_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Dates later than the table's as-of date (params.yaml): a typo, or a fact the data cannot yet know."""
    if spec.as_of is None:
        return []
    from ..params import load_params

    limit = parse_partial_date(load_params()[spec.as_of])
    problems = []
    for column in date_columns(spec):
        if column not in df.columns:
            continue
        for idx, value in df[column].dropna().items():
            try:
                day = parse_partial_date(value)
            except ValueError:
                continue  # reported by the schema
            if day is not None and is_before(limit, day):
                problems.append(Problem(line_of(idx), column, f"{value} is after the table's as-of date {limit} "
                                                              f"(params.yaml {spec.as_of})"))
    return problems


def period_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """In tables dated by ``year`` (and ``month``) columns: no period after the table's as-of date."""
    if spec.as_of is None or "year" not in df.columns:
        return []
    from ..params import load_params

    limit = parse_partial_date(load_params()[spec.as_of])
    problems = []
    for idx, row in df.iterrows():
        try:
            year = int(float(row["year"]))
            month = int(float(row["month"])) if isinstance(row.get("month"), str) else None
        except (TypeError, ValueError):
            continue  # reported by the schema
        if year > limit.year or (year == limit.year and month is not None and month > limit.month):
            when = f"{year}" + (f"-{month:02d}" if month is not None else "")
            problems.append(Problem(line_of(idx), "year", f"{when} is after the table's as-of date {limit} "
                                                          f"(params.yaml {spec.as_of})"))
    return problems


def order_problems(df: pd.DataFrame, pairs: list[tuple[str, str]]) -> list[Problem]:
    """Dates out of order within a row: for each (earlier, later) pair of columns, ``later`` must not be before
    ``earlier`` (compared at the coarser precision, so 2004-01 and 2004-01-15 are not out of order)."""
    problems = []
    columns = {c for pair in pairs for c in pair}
    if not columns <= set(df.columns):
        return []  # a missing column is reported by the schema
    for idx, row in df.iterrows():
        parsed = {}
        for c in columns:
            try:
                parsed[c] = parse_partial_date(row[c])
            except ValueError:
                parsed[c] = None  # reported by the schema
        for early, late in pairs:
            a, b = parsed[early], parsed[late]
            if a is not None and b is not None and is_before(b, a):
                problems.append(Problem(line_of(idx), late, f"{late} ({b}) is before {early} ({a})"))
    return problems


def partner_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Every partner name a known country, bloc or group (``helpers.countries``), and every partner code a known
    ISO3 or bloc code, so a typo or an invented partner ('Narnia') stops here, not deep in a notebook."""
    from ..countries import UnknownCountryError, is_known_code, partner_code

    problems = []
    column = spec.partner_column
    if column and column in df.columns:
        also = re.compile(spec.partner_also) if spec.partner_also else None
        for idx, name in df[column].dropna().items():
            if also is not None and also.match(name):
                continue
            try:
                partner_code(name)
            except UnknownCountryError as exc:
                problems.append(Problem(line_of(idx), column, str(exc)))
    column = spec.code_column
    if column and column in df.columns:
        known = {code: is_known_code(code) for code in df[column].dropna().unique()}
        problems += [Problem(line_of(idx), column, f"unknown partner code '{code}' (not an ISO3 country code, "
                                                   "WLD or a bloc code of helpers.countries.BLOCS)")
                     for idx, code in df[column].dropna().items() if not known[code]]
    return problems


def duplicate_row_problems(df: pd.DataFrame) -> list[Problem]:
    """A row repeated exactly (every cell the same): an accidental paste, never data."""
    repeated = df[df.duplicated(keep=False)]
    problems = []
    for _, group in repeated.groupby(list(df.columns), dropna=False, sort=False):
        first = line_of(group.index[0])
        problems += [Problem(line_of(idx), None, f"the same row as line {first} (a row given twice)") for idx in group.index[1:]]
    return problems


def required_id_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Each id the notebooks rely on (``spec.required_ids``) must still be in the table: a renamed or deleted row
    stops validation here, not as a bare ``KeyError`` in a later notebook."""
    if not spec.required_ids or spec.id_column not in df.columns:
        return []
    present = set(df[spec.id_column].dropna())
    return [Problem(None, spec.id_column, f"'{i}' is missing, but {who} relies on it (renamed or deleted?)")
            for i, who in spec.required_ids.items() if i not in present]


def stale_status_problems(df: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """An open row (``spec.open_rows``) is censored at ``status_verified``: if that is more than params.yaml
    ``max_status_age_months`` before the table's as-of date (or missing), the estimates would stop its clock where the
    data no longer look. Re-verify the status with a source, or end the row (rule E)."""
    if spec.open_rows is None or spec.as_of is None or "status_verified" not in df.columns:
        return []
    from ..params import load_params

    params = load_params()
    limit, months = parse_partial_date(params[spec.as_of]), int(params["max_status_age_months"])
    cutoff = parse_partial_date((pd.Timestamp(limit.as_date()) - pd.DateOffset(months=months)).strftime("%Y-%m-%d"))
    problems = []
    for idx in df.index[spec.open_rows(df)]:
        value = df.at[idx, "status_verified"]
        try:
            day = parse_partial_date(value) if isinstance(value, str) else None
        except ValueError:
            continue  # reported by the schema
        if day is None:
            problems.append(Problem(line_of(idx), "status_verified", "an open row needs status_verified, the last date a "
                                    "source confirmed its status (re-verify it, or end the row by rule E)"))
        elif is_before(day, cutoff):
            problems.append(Problem(line_of(idx), "status_verified", f"{value} is more than {months} months before the "
                                    f"table's as-of date {limit} (params.yaml {spec.as_of}, max_status_age_months): "
                                    "re-verify the open row's status with a source, or end it by rule E"))
    return problems
