"""No function the students can import computes a graded answer with the solution's own code."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "mvs_course"
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))

Function = ast.FunctionDef | ast.AsyncFunctionDef


def body_dump(func: Function) -> str:
    """The function's body as an AST dump, without a leading docstring (the solutions have none)."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            body = body[1:]
    return "\n".join(ast.dump(statement) for statement in body)


def functions(tree: ast.AST) -> list[Function]:
    return [node for node in ast.walk(tree) if isinstance(node, Function)]


def solution_functions() -> list[tuple[str, Function]]:
    """(where, function) for every function defined in an nbgrader solution cell."""
    found = []
    for path in SOLUTIONS:
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("solution"):
                continue
            source = "\n".join(
                line for line in cell.source.splitlines() if not line.lstrip().startswith("###")
            )
            for func in functions(ast.parse(source)):
                found.append((f"{path.parent.name} cell {meta.get('grade_id')}", func))
    return found


def package_functions() -> dict[str, list[tuple[str, str]]]:
    """name -> [(module path, body dump)] for every function in mvs_course outside grading/."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "grading":
            continue
        for func in functions(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(func.name, []).append((str(rel), body_dump(func)))
    return found


SOLUTION_FUNCTIONS = solution_functions()
PACKAGE_FUNCTIONS = package_functions()


def test_there_is_something_to_compare():
    assert len(SOLUTION_FUNCTIONS) >= 20, "expected the solution notebooks to define many functions"
    assert "crm_html" in PACKAGE_FUNCTIONS and "datasets.py" in str(PACKAGE_FUNCTIONS.get("load"))


def test_body_dump_sees_code_changes_but_not_docstrings():
    first, second, third = functions(
        ast.parse(
            "def f(x):\n    '''Doc.'''\n    return x + 1\n"
            "def f(y):\n    return x + 1\n"
            "def f(x):\n    return x - 1\n"
        )
    )
    assert body_dump(first) == body_dump(second) != body_dump(third)


@pytest.mark.parametrize(
    ("where", "func"), SOLUTION_FUNCTIONS, ids=[f"{w}:{f.name}" for w, f in SOLUTION_FUNCTIONS]
)
def test_package_has_no_copy_of_a_solution_function(where, func):
    answer = body_dump(func)
    copies = [module for module, dump in PACKAGE_FUNCTIONS.get(func.name, []) if dump == answer]
    assert not copies, f"{', '.join(copies)} defines {func.name}() with the same code as {where}"
