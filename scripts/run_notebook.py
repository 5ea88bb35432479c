"""Run one notebook with papermill as a transaction: outputs land only if every cell succeeds.

Usage: python scripts/run_notebook.py notebooks/NN_name.ipynb reports/notebooks/NN_name.ipynb

The notebook runs on the project kernel with the notebooks/ folder as working directory. Files it writes
through ``helpers.io`` go to a staging folder (DEAL_CLOCK_STAGE_DIR) and are moved into place only after
the last cell succeeds; the executed copy and its HTML are written the same way. On failure the
previous outputs stay untouched, the make target stays out of date, and the error names the notebook
and the cell.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

KERNEL = "deal-clock"


def main(source: str, target: str) -> int:
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    root = Path(__file__).resolve().parents[1]
    source_path, target_path = (root / source).resolve(), (root / target).resolve()
    stage = Path(tempfile.mkdtemp(prefix="deal-clock-stage-"))
    os.environ["DEAL_CLOCK_STAGE_DIR"] = str(stage)
    executed = stage / "_executed.ipynb"
    try:
        try:
            pm.execute_notebook(
                str(source_path), str(executed), kernel_name=KERNEL, cwd=str(source_path.parent),
                progress_bar=True, request_save_on_cell_execute=False,
            )
        except pm.PapermillExecutionError as exc:
            cell = exc.exec_count if exc.exec_count is not None else "?"
            print(f"\nFAILED: {source} - cell {exc.cell_index} (execution count {cell}): "
                  f"{exc.ename}: {exc.evalue}\nPrevious outputs were left as they were.", file=sys.stderr)
            return 1
        nb = nbformat.read(executed, as_version=4)
        # Drop run-specific timing metadata so executed copies are reproducible.
        nb.metadata.get("papermill", {}).pop("start_time", None)
        for key in ("start_time", "end_time", "duration"):
            nb.metadata.get("papermill", {}).pop(key, None)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
            pmeta = cell.metadata.get("papermill", {})
            for key in ("start_time", "end_time", "duration", "exception", "status"):
                pmeta.pop(key, None)
        html, _ = HTMLExporter().from_notebook_node(nb)
        sys.path.insert(0, str(root / "src"))
        from helpers.io import commit_stage, write_bytes, write_text

        del os.environ["DEAL_CLOCK_STAGE_DIR"]  # commit for real from here on
        moved = commit_stage(stage, exclude={executed.name})
        write_text(target_path.with_suffix(".html"), html)
        write_bytes(target_path, nbformat.writes(nb).encode("utf-8"))
        target_path.touch()  # the make target: up to date even when its bytes are unchanged
        print(f"{source}: ok, {moved} output file(s) changed")
        return 0
    finally:
        shutil.rmtree(stage, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
