"""Shared test fixtures: a valid negotiations table that each bad-input test breaks in one way; and the tests that
read the pipeline's outputs (marked ``outputs``), which under `make test` run last and read the checked run's."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers.pipeline import skip_slow_imports

skip_slow_imports()  # before anything imports nbformat (no test uses jsonschema's IRI checker)

from helpers.schemas import NEGOTIATIONS  # noqa: E402

COLUMNS = list(NEGOTIATIONS.schema.columns)

GOOD_ROWS = [
    {
        "negotiation_id": "us-testland-fta", "agreement": "US-Chile FTA", "partner": "Chile", "n_parties": "2",
        "kind": "fta", "track": "congressional_fta", "source_track": "Public Law 108-77",
        "announced": "2000-11-29", "notified_congress": "", "source_notified_congress": "", "source_announced": "https://source.test/a",
        "first_round": "2000-12-06", "source_first_round": "https://source.test/b",
        "concluded": "2002-12-11", "source_concluded": "https://source.test/c",
        "signed": "2003-06-06", "source_signed": "https://source.test/d",
        "entered_into_force": "2004-01-01", "source_entered_into_force": "https://source.test/e",
        "ended": "", "source_ended": "", "status": "in_force", "status_verified": "", "source_status_verified": "", "notes": "",
    },
    {
        "negotiation_id": "us-open-talks", "agreement": "US-Kenya FTA", "partner": "Kenya", "n_parties": "2",
        "kind": "fta", "track": "congressional_fta", "source_track": "https://source.test/t",
        "announced": "2020-02", "notified_congress": "", "source_notified_congress": "", "source_announced": "https://source.test/f",
        "first_round": "", "source_first_round": "", "concluded": "", "source_concluded": "",
        "signed": "", "source_signed": "", "entered_into_force": "", "source_entered_into_force": "",
        "ended": "", "source_ended": "", "status": "ongoing", "status_verified": "2026-10-01",
        "source_status_verified": "https://source.test/s", "notes": "",
    },
]


def write_rows(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    """Write ``rows`` as a CSV with ``columns`` (default: the negotiations columns)."""
    columns = columns or COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def good_rows() -> list[dict]:
    return [dict(r) for r in GOOD_ROWS]


def pytest_configure(config):
    config.addinivalue_line("markers", "outputs: reads the pipeline's outputs; under `make test`, after the checked run "
                                       "has finished, from its outputs first (helpers.pipeline.check)")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.get_closest_marker("outputs") is not None)  # stable: the output tests last


_checked_run: list[str | None] = []  # whether the checked run has been waited for, and why its outputs are missing


@pytest.fixture(autouse=True)
def _outputs_of_the_checked_run(request):
    """Under `make test`, a test marked ``outputs`` waits for the checked run, then reads its outputs first."""
    if request.node.get_closest_marker("outputs") is None:
        return
    if not _checked_run:
        from helpers.pipeline.check import wait_for_checked_run

        _checked_run.append(wait_for_checked_run())
    if _checked_run[0]:
        pytest.skip(_checked_run[0])
