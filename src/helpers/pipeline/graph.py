"""The notebooks of the pipeline and which notebooks' outputs each one reads, as each notebook declares it.

A notebook lists the notebooks it reads from in its own metadata (``"deal_clock": {"upstream": [...]}``, file
names; ``[]`` for none), so the graph lives beside the code that does the reading and nowhere else. After a run,
every file a notebook read that another notebook of the same run wrote must come from one of its ancestors
(``undeclared_reads``), so a missing declaration fails the run instead of giving a result computed from old data.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..execution import PROJECT_METADATA

GLOB = "[0-9][0-9]_*.ipynb"  # the pipeline's notebooks, in notebooks/


class GraphError(ValueError):
    """A notebook's declaration is missing, names an unknown notebook, or closes a circle."""


def notebook_names(folder: Path) -> list[str]:
    """The pipeline's notebooks in ``folder``, by name."""
    return sorted(p.name for p in Path(folder).glob(GLOB))


def declared_upstream(path: Path) -> list[str]:
    """The notebooks ``path`` declares it reads from (its metadata ``deal_clock.upstream``)."""
    where = f"notebooks/{Path(path).name}"
    try:
        metadata = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError) as exc:
        raise GraphError(f"{where}: not a readable notebook ({exc})") from None
    upstream = metadata.get(PROJECT_METADATA, {}).get("upstream")
    if not isinstance(upstream, list) or not all(isinstance(n, str) for n in upstream):
        raise GraphError(f'{where}: its metadata must declare the notebooks it reads from, as "{PROJECT_METADATA}": '
                         '{"upstream": ["01_clean_negotiations.ipynb", ...]} ([] for none)')
    return upstream


def read_graph(folder: Path) -> dict[str, list[str]]:
    """Each notebook of ``folder`` -> the notebooks it declares upstream. Raises ``GraphError`` for an unknown name
    or a circle."""
    names = notebook_names(folder)
    graph = {name: declared_upstream(Path(folder) / name) for name in names}
    for name, upstream in graph.items():
        unknown = [u for u in upstream if u not in graph]
        if unknown:
            raise GraphError(f"notebooks/{name}: declares upstream {', '.join(unknown)}, which is not a notebook of "
                             f"the pipeline ({GLOB} in notebooks/)")
    order(graph)  # raises on a circle
    return graph


def order(graph: dict[str, list[str]]) -> list[str]:
    """The notebooks in an order where each comes after its upstream ones (by name where free)."""
    done: list[str] = []
    placed: set[str] = set()
    todo = sorted(graph)
    while todo:
        ready = [n for n in todo if set(graph[n]) <= placed]
        if not ready:
            raise GraphError(f"notebooks {', '.join(todo)}: their declared upstream notebooks form a circle")
        done.append(ready[0])
        placed.add(ready[0])
        todo.remove(ready[0])
    return done


def ancestors(graph: dict[str, list[str]], name: str) -> set[str]:
    """Every notebook ``name`` depends on, directly or through others."""
    seen: set[str] = set()
    todo = list(graph[name])
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo += graph[n]
    return seen


def undeclared_reads(graph: dict[str, list[str]], reads: dict[str, dict[str, str]],
                     produced: dict[str, list[str]]) -> list[str]:
    """Files a notebook read that another notebook of the same run wrote without being its ancestor (one line each)."""
    writers: dict[str, set[str]] = {}
    for name, outs in produced.items():
        for rel in outs:
            writers.setdefault(rel, set()).add(name)
    problems = []
    for name, read in sorted(reads.items()):
        for rel in sorted(read):
            for writer in sorted(writers.get(rel, set()) - {name} - ancestors(graph, name)):
                problems.append(f"notebooks/{name} read {rel}, which notebooks/{writer} wrote in the same run, but "
                                f"{writer} is not declared upstream of it (its metadata {PROJECT_METADATA}.upstream)")
    return problems


def describe(graph: dict[str, list[str]]) -> list[str]:
    """The graph as lines for `make status`: each notebook and the numbers of the notebooks it reads from."""
    return [f"{name} <- {' '.join(u[:2] for u in graph[name]) or 'no notebook (raw data only)'}" for name in order(graph)]
