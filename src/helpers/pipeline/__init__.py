"""The pipeline runner: `make all`, `make status`, `make test` and `make accept` (``python -m helpers.pipeline``).

Its parts, each with its own tests (``tests/test_pipeline_*.py``):

- ``graph``     which notebooks there are and which notebooks' outputs each reads (declared in each notebook's
                metadata); the check that no notebook read a file an undeclared notebook wrote in the same run;
- ``stamps``    staleness: what each notebook saw when it last ran (content hashes taken at read time) and why it
                must run again;
- ``schedule``  one plain bounded pool: a notebook runs when its upstream notebooks have finished, at most one per
                CPU core; ``make all`` executes each with nbclient; the first failure cancels the rest;
- ``stage``     staging and publishing: a run writes into one folder, published whole only when it succeeded;
- ``run``       `make all`: run what is stale, publish;
- ``check``     `make test` (lint, nbval's checked run, unit tests, publish only if all pass) and `accept`;
- ``nbval_plugin``  makes nbval's execution the checked run, and words a changed headline "expected X, got Y";
- ``cli``       the command line and the lock held for a whole `make all`, `make test` or `make accept`.

How a notebook run reads, writes, logs and gets its parameters is not here but in ``helpers.execution``, which
every way of running a notebook goes through. Nothing in the helpers imports this package.
"""

import sys


def skip_slow_imports() -> None:
    """Spare this process the optional IRI checker of ``jsonschema`` (``rfc3987_syntax`` builds a grammar when
    imported: about a second of CPU in every process that imports nbformat). Notebook schemas use no IRI format.
    Called by the runner's command line and, in the checked run, by the nbval plugin; never by the notebooks."""
    sys.modules.setdefault("rfc3987_syntax", None)
