"""Every package the code imports is declared (and so pinned), and every package folder ships."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_norm(re.split(r"[=<>!~\[; ]", r, maxsplit=1)[0]) for r in requirements}


def _local_names() -> set[str]:
    """Modules of this repository (tests and tools import each other by file name)."""
    names = set()
    for folder in ("src", "tests", "tools", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            names.add(path.stem)
            names.update(path.relative_to(ROOT / folder).parts[:-1])
    return names


def third_party_imports(folder: str) -> dict[str, str]:
    """Top-level module -> first file importing it, for imports that are not stdlib or local."""
    local = _local_names()
    found: dict[str, str] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _undeclared(imports: dict[str, str], declared: set[str]) -> list[str]:
    dists = packages_distributions()
    missing = []
    for module, where in sorted(imports.items()):
        owners = {_norm(d) for d in dists.get(module, [])}
        if not owners:
            missing.append(f"{module} (imported in {where}) is not installed")
        elif not owners & declared:
            missing.append(f"{module} (imported in {where}) comes from {sorted(owners)}, not declared")
    return missing


def test_every_import_of_the_package_is_a_declared_dependency():
    imports = third_party_imports("src")
    assert {"nbgrader", "pandas", "traitlets"} <= set(imports), "the scan finds the package's imports"
    assert _undeclared(imports, _declared(PROJECT["dependencies"])) == []


def test_every_import_of_tests_tools_and_benchmarks_is_declared():
    declared = _declared(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"])
    imports = {}
    for folder in ("tests", "tools", "benchmarks"):
        imports |= third_party_imports(folder)
    assert "pytest" in imports
    assert _undeclared(imports, declared) == []


def test_the_scan_notices_an_undeclared_import():
    assert _undeclared({"pandas": "x.py"}, {"numpy"}) == [
        "pandas (imported in x.py) comes from ['pandas'], not declared"
    ]


def test_every_package_folder_is_listed_for_setuptools():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    src = ROOT / "src"
    folders = {
        ".".join(p.parent.relative_to(src).parts)
        for p in src.rglob("*")
        if p.is_file() and p.suffix in {".py", ".json"}
    }
    missing = sorted(f for f in folders if "__pycache__" not in f and f not in listed)
    assert missing == [], f"add these to [tool.setuptools] packages: {missing}"
