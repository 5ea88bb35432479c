"""Load and validate a raw table: run its pandera schema, the rules every table shares and its own rules, and report
every problem of the file in one ``RawDataError`` (file, line, column, what is wrong)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..io import Problem, RawDataError, line_of, read_raw_csv
from ..source_blocklist import blocked_sources, blocklist
from .columns import TableSpec
from .rules import (
    duplicate_row_problems,
    future_problems,
    link_problems,
    order_problems,
    partner_problems,
    period_problems,
    required_id_problems,
    source_problems,
    stale_status_problems,
)


def schema_problems(df: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    """Run a pandera schema lazily and translate every failure into a ``Problem`` (line, column, message)."""
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = []
        for case in err.failure_cases.itertuples(index=False):
            idx = case.index
            line = None if idx is None or pd.isna(idx) else line_of(int(idx))
            check = str(case.check)
            value = case.failure_case
            if check == "column_in_dataframe":
                problems.append(Problem(1, str(value), "required column is missing from the header"))
            elif check == "column_in_schema":
                problems.append(Problem(1, str(value), "unexpected column (not in the data dictionary)"))
            elif check == "not_nullable":
                problems.append(Problem(line, case.column, "value is required but empty"))
            elif check == "field_uniqueness":
                problems.append(Problem(line, case.column, f"duplicate value '{value}'"))
            elif check == "multiple_fields_uniqueness":
                key = [str(k) for k in (schema.unique or [])]
                if case.column == key[0]:  # one problem per row, not one per key column
                    values = ", ".join(str(df.at[idx, k]) if pd.notna(df.at[idx, k]) else "(empty)" for k in key)
                    problems.append(Problem(line, case.column, f"duplicate ({', '.join(key)}) = ({values}): given twice"))
            else:
                problems.append(Problem(line, case.column, f"'{value}' {check}"))
        return sorted(problems, key=lambda p: (p.line or 0, p.column or ""))
    return []


def validate_table(df: pd.DataFrame, spec: TableSpec, path: Path | str | None = None) -> pd.DataFrame:
    """Validate a raw table against its spec; raise one ``RawDataError`` listing every problem found."""
    path = Path(path) if path is not None else spec.path
    if df.empty:
        raise RawDataError(path, [Problem(None, None, "file has a header but no data rows")])
    problems = schema_problems(df, spec.schema)
    if not any(p.line == 1 for p in problems):  # row rules need the full header
        problems += source_problems(df, spec)
        problems += link_problems(df)
        problems += future_problems(df, spec)
        problems += blocked_sources(df, blocklist())
        problems += period_problems(df, spec)
        problems += order_problems(df, spec.order)
        problems += partner_problems(df, spec)
        problems += duplicate_row_problems(df)
        problems += required_id_problems(df, spec)
        problems += stale_status_problems(df, spec)
        for rule in spec.rules:
            problems += rule(df)
    if problems:
        raise RawDataError(path, problems)
    return df


def load_raw(spec: TableSpec, path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate one raw table (``path`` overrides the spec's file, e.g. in tests)."""
    path = Path(path) if path is not None else spec.path
    df = read_raw_csv(path)
    return validate_table(df, spec, path)
