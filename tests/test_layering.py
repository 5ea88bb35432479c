"""The helpers are layered: a module imports only from its own layer or the ones below, and no imports go round in a
circle. Read from the source (every import, including those inside functions), so a new arrow is caught here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import helpers

HELPERS = Path(helpers.__file__).parent

# Lower layers never import higher ones. ``dates`` and ``countries`` sit with the foundation (not with the domain
# modules, as design.md lists them) because validation needs them: schemas checks that a cell is a date and that a
# partner is known. ``source_blocklist`` sits with schemas: validation rejects a blocked source, and provenance (a
# domain module) reads the same list.
LAYERS = {
    "foundation": ["paths", "params", "text", "execution", "io", "dates", "countries", "web"],
    "schemas": ["schemas", "source_blocklist"],
    "domain": ["negotiations", "deals", "tariffs", "trade", "duties", "world", "provenance", "pace", "deadlines", "watch", "links",
               "ledger"],
    "analysis": ["replication", "survival_models", "survival", "stats", "claims", "results", "forecast"],
    "presentation": ["figure_layout", "plotting", "report", "explorer", "datapackage", "headline", "clock_now", "tariff_figures"],
    # The runner runs notebooks; nothing of the analysis imports it.
    "tooling": ["pipeline"],
}
LEVEL = {module: level for level, modules in enumerate(LAYERS.values()) for module in modules}

# Over about 400 lines a module holds more than one job; each exception says why it is allowed for now.
MAX_LINES = 400
LONGER_ALLOWED: dict[str, str] = {}


def module_name(path: Path, root: Path = HELPERS) -> str:
    """``helpers.x`` or ``helpers.pkg.x`` of a file under ``root`` (a package's ``__init__.py`` is the package)."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = HELPERS) -> set[str]:
    """Every ``helpers`` module ``path`` imports, anywhere in the file (dotted names, relative imports resolved)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "helpers"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + (node.module.split(".") if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "helpers":
                continue
            # ``from . import x`` / ``from helpers import x``: x is a module; ``from .x import y``: y is a name in x.
            submodules = {f"{target}.{a.name}" for a in node.names}
            found |= {s for s in submodules if _is_module(s, root)} or {target}
    return found - {name}


def _is_module(dotted: str, root: Path) -> bool:
    path = root.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def graph(root: Path = HELPERS) -> dict[str, set[str]]:
    """module -> the helpers modules it imports, for every module under ``root``."""
    return {module_name(p, root): imports_of(p, root) for p in sorted(root.rglob("*.py"))}


def layer_of(module: str) -> str:
    """The top-level helpers module (``helpers.schemas.rules`` -> ``schemas``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def upward_arrows(edges: dict[str, set[str]]) -> list[str]:
    """Every import of a module from a higher layer, as 'a -> b (layer -> higher layer)'."""
    names = list(LAYERS)
    return [f"{a} -> {b} ({names[LEVEL[layer_of(a)]]} -> {names[LEVEL[layer_of(b)]]})"
            for a, targets in edges.items() for b in sorted(targets)
            if layer_of(a) in LEVEL and layer_of(b) in LEVEL and LEVEL[layer_of(b)] > LEVEL[layer_of(a)]]


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every circle of imports found by a depth-first walk, each as the modules along it (first repeated at the end)."""
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    return found


def test_every_module_has_a_layer():
    modules = {layer_of(m) for m in graph()} - {"helpers"}
    assert modules <= set(LEVEL), f"place {sorted(modules - set(LEVEL))} in a layer of tests/test_layering.py"
    assert set(LEVEL) <= modules, f"{sorted(set(LEVEL) - modules)} no longer exist: remove them from LAYERS"


def test_no_import_points_to_a_higher_layer():
    assert upward_arrows(graph()) == []


def test_no_circle_of_imports():
    assert circles(graph()) == []


def test_no_module_is_much_longer_than_one_job_needs():
    long = {p.relative_to(HELPERS).as_posix(): n for p in sorted(HELPERS.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) <= set(LONGER_ALLOWED), f"over {MAX_LINES} lines without a stated reason: {long}"


# --- the checks themselves catch what they are meant to ------------------------------------------------------------

def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        (root / "helpers" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "helpers" / name).write_text(source, encoding="utf-8")
    return root / "helpers"


@pytest.fixture
def fake_helpers(tmp_path):
    """A throwaway helpers package: modules named like the real ones, importing what each test says."""
    return lambda files: graph(write_package(tmp_path, {"__init__.py": "", **files}))


def test_an_import_inside_a_function_pointing_up_is_caught(fake_helpers):
    edges = fake_helpers({"io.py": "def f():\n    from .plotting import style\n", "plotting.py": "from . import io\n"})
    assert upward_arrows(edges) == ["helpers.io -> helpers.plotting (foundation -> presentation)"]


def test_a_circle_inside_one_layer_is_caught(fake_helpers):
    edges = fake_helpers({"deals.py": "from .negotiations import x\n", "negotiations.py": "import helpers.deals\n"})
    assert circles(edges) == [["helpers.deals", "helpers.negotiations", "helpers.deals"]]


def test_a_submodule_importing_its_own_package_is_a_circle(fake_helpers):
    edges = fake_helpers({"schemas/__init__.py": "from .rules import check\n", "schemas/rules.py": "from .. import schemas\n"})
    assert edges["helpers.schemas.rules"] == {"helpers.schemas"}
    assert circles(edges) == [["helpers.schemas", "helpers.schemas.rules", "helpers.schemas"]]


def test_the_real_package_resolves_relative_imports():
    edges = graph()
    assert "helpers.schemas.columns" in edges["helpers.schemas.rules"]  # from .columns import TableSpec
    assert "helpers.dates" in edges["helpers.schemas.rules"]  # from ..dates import ...
    assert "helpers.negotiations" in edges["helpers.survival"]  # imported inside a function
    assert "helpers.schemas" in edges["helpers.datapackage"]  # from . import paths, schemas
