"""The conda environment, the pip project and the lock name the same packages."""

import re
import tomllib

from helpers.paths import ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ ;\[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {_name(d) for d in data["project"]["dependencies"]}


def conda_packages() -> set[str]:
    names, in_deps = set(), False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        m = re.match(r"^  - ([A-Za-z0-9_.-]+)", line)
        if in_deps and m and m.group(1) not in ("python", "pip"):
            names.add(_name(m.group(1)))
    return names


def test_conda_and_pip_list_the_same_packages():
    assert conda_packages() == pyproject_packages()


def test_lock_pins_every_dependency_exactly():
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            locked[_name(name)] = version.strip()
    missing = pyproject_packages() - set(locked)
    assert not missing, f"not pinned in requirements.lock: {sorted(missing)}"
