"""Re-run notebooks and store, in notebooks/*.ipynb, the outputs of the cells nbval checks.

Usage: python scripts/accept_outputs.py [notebooks/NN_name.ipynb ...]   (default: all numbered notebooks)

`make test` runs nbval with --nbval-lax: only cells marked `# NBVAL_CHECK_OUTPUT` are compared with the
outputs stored here. When a headline number changes on purpose (new data), look at the change, run this
script, and commit the notebooks: the diff shows exactly which headline moved. Other cells are stored
without outputs, so notebooks stay small and their diffs readable.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient

MARK = "# NBVAL_CHECK_OUTPUT"


def accept(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="deal-clock-") as sockets:
        # IPC sockets, as the pipeline uses: no open TCP port and no "unencrypted TCP" warning from the kernel
        km = KernelManager(kernel_name="deal-clock", transport="ipc", connection_file=str(Path(sockets) / "k.json"))
        try:
            NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if MARK not in cell.source:
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, path)
    print(f"{path}: checked outputs stored")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks/NN_name.ipynb (default: every numbered notebook)")
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    targets = args.notebooks or sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for target in targets:
        if not target.is_file():
            parser.error(f"{target}: no such notebook")
        accept(target.resolve())
