"""Re-run notebooks and store, in notebooks/*.ipynb, the outputs of the cells nbval checks.

Usage: python scripts/accept_outputs.py [notebooks/NN_name.ipynb ...]   (default: all numbered notebooks)

`make test` runs nbval with --nbval-lax: only cells marked `# NBVAL_CHECK_OUTPUT` are compared with the
outputs stored here. When a headline number changes on purpose (new data), look at the change, run this
script, and commit the notebooks: the diff shows exactly which headline moved. Other cells are stored
without outputs, so notebooks stay small and their diffs readable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARK = "# NBVAL_CHECK_OUTPUT"


def accept(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="deal-clock", timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if MARK not in cell.source:
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, path)
    print(f"{path}: checked outputs stored")


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    targets = [Path(a) for a in sys.argv[1:]] or sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for target in targets:
        accept(target.resolve())
