"""Every pandas skill an assignment's answers use is shown in a visible code cell first.

For assignment NN, the pandas methods and attributes used in the solution's answer cells
(found with ``ast``), and the keyword arguments given to them (``as_index=``, ``orient=``,
...), must each appear in a code cell of the pandas primer or of a lesson numbered NN or
lower. Parametrised per assignment: an assignment whose lesson does not show a skill yet
fails on its own, naming the skill.
"""

from __future__ import annotations

import ast
import inspect
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from mvs_course import nbmeta

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
ASSIGNMENTS = sorted(p for p in (ROOT / "solutions").iterdir() if p.is_dir() and p.name[:2].isdigit())


@cache
def pandas_types() -> tuple[type, ...]:
    """The classes whose methods count as pandas skills (tables, columns, groups, accessors, dates)."""
    frame = pd.DataFrame({"k": ["a"], "d": pd.to_datetime(["2026-01-01"])})
    grouped = frame.groupby("k")
    return (
        pd.DataFrame,
        pd.Series,
        pd.Index,
        type(grouped),
        type(grouped["d"]),
        type(frame["k"].str),
        type(frame["d"].dt),
        type((frame["d"] - frame["d"]).dt),
        type(frame["d"].dt.to_period("M").dt),
        pd.Timestamp,
        pd.Timedelta,
        pd.Period,
    )


@cache
def pandas_attributes() -> frozenset[str]:
    return frozenset(name for kind in pandas_types() for name in dir(kind) if not name.startswith("_"))


def _parameters(attribute: str) -> set[str]:
    """Parameter names of ``attribute`` on any pandas class (empty for **kwargs-only ones)."""
    names: set[str] = set()
    for kind in pandas_types():
        member = getattr(kind, attribute, None)
        if not callable(member):
            continue
        try:
            params = inspect.signature(member).parameters.values()
        except (TypeError, ValueError):
            continue
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return names


PLAIN_TYPES = {"dict", "list", "set", "tuple", "str", "int", "float", "bool"}
PLAIN_MAKERS = PLAIN_TYPES | {"sorted", "len", "sum", "round", "range", "zip", "enumerate"}
PLAIN_VALUES = (ast.Dict, ast.Set, ast.List, ast.Tuple, ast.DictComp, ast.SetComp, ast.ListComp, ast.Constant)
MODULES = {
    "math",
    "re",
    "statistics",
    "itertools",
    "collections",
    "json",
    "random",
    "datetime",
    "np",
    "numpy",
}


def plain_names(tree: ast.AST) -> set[str]:
    """Names that hold plain Python values or modules, so ``name.method`` is not pandas:
    parameters annotated ``dict``/``list``/..., names assigned a literal or ``set()``/``sorted()``
    and the like, and imported or well-known modules (``math.ceil`` is not ``Timestamp.ceil``)."""
    names = set(MODULES)
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            base = node.annotation.value if isinstance(node.annotation, ast.Subscript) else node.annotation
            if isinstance(base, ast.Name) and base.id in PLAIN_TYPES:
                names.add(node.arg)
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            value = node.value
            made = (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id in PLAIN_MAKERS
            )
            if isinstance(value, PLAIN_VALUES) or made:
                names.add(node.targets[0].id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names - {"pd"}


def skills(source: str) -> set[str]:
    """``pd.name``, ``.method`` and ``.method(keyword=)`` for every pandas use in ``source``
    (type annotations such as ``deals: pd.DataFrame`` and methods of plain Python values
    such as ``seen.add(x)`` on a set are not pandas skills and are left out)."""
    tree = ast.parse(source)
    annotations = {
        id(sub)
        for node in ast.walk(tree)
        for part in (getattr(node, "annotation", None), getattr(node, "returns", None))
        if part is not None
        for sub in ast.walk(part)
    }
    plain = plain_names(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in annotations:
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in plain:
            continue
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "pd":
                found.add(f"pd.{node.attr}")
            elif node.attr in pandas_attributes():
                found.add(f".{node.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id in plain:
                continue
            attribute = node.func.attr
            if attribute in pandas_attributes() or (isinstance(receiver, ast.Name) and receiver.id == "pd"):
                known = _parameters(attribute) or _module_parameters(attribute)
                found |= {f".{attribute}({k.arg}=)" for k in node.keywords if k.arg in known}
    return found


def _module_parameters(name: str) -> set[str]:
    member = getattr(pd, name, None)
    try:
        return set(inspect.signature(member).parameters) if callable(member) else set()
    except (TypeError, ValueError):
        return set()


def answer_code(notebook: Path) -> str:
    cells = nbformat.read(notebook, as_version=4).cells
    sources = [
        nbmeta.strip_solution_markers(c.source)
        for c in cells
        if c.cell_type == "code" and nbmeta.is_answer(c)
    ]
    return "\n\n".join(sources)


def taught_before(number: int) -> dict[str, str]:
    """Skill -> the first notebook showing it, over the primer and lessons 01..number."""
    shown: dict[str, str] = {}
    notebooks = sorted(COURSE.glob("00[a-z]_*.ipynb")) + [
        p for p in sorted(COURSE.glob("[0-9][0-9]_*.ipynb")) if 1 <= int(p.name[:2]) <= number
    ]
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for skill in skills(cell.source):
                    shown.setdefault(skill, path.name)
    return shown


def test_skills_are_found_in_code_not_in_strings():
    source = (
        "t = deals.groupby('seller', as_index=False)['value'].sum()\n"
        "d = pd.to_datetime(t['date']).dt.to_period('Q')\n"
        "x = t.agg(wins='sum')\n"
        "s = 'text.merge(on=1)'\n"
        "def f(t: pd.Series, org: dict) -> pd.Index:\n"
        "    seen = set()\n"
        "    seen.add(org.get('x'))\n"
        "    return math.ceil(t.iloc[0])\n"
    )
    found = skills(source)
    assert {".groupby", ".groupby(as_index=)", ".sum", "pd.to_datetime", ".dt", ".to_period", ".agg"} <= found
    assert ".agg(wins=)" not in found  # named aggregation: the names are the learner's own
    assert ".merge" not in found and ".merge(on=)" not in found
    assert "pd.Series" not in found and "pd.Index" not in found  # annotations only
    assert ".iloc" in found and not {".add", ".get", ".ceil"} & found  # set, dict and math methods


def test_the_primer_and_lessons_show_code():
    assert len(taught_before(1)) >= 20


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=lambda p: p.name)
def test_every_pandas_skill_of_an_assignment_is_shown_first(assignment):
    notebooks = sorted(assignment.glob("*.ipynb"))
    assert notebooks, f"{assignment.name} has no notebook"
    used = set().union(*(skills(answer_code(nb)) for nb in notebooks))
    assert len(used) >= 3, f"{assignment.name}: too few pandas skills found to judge"
    missing = sorted(used - set(taught_before(int(assignment.name[:2]))))
    assert not missing, (
        f"{assignment.name} uses pandas that no primer or lesson code cell up to lesson "
        f"{assignment.name[:2]} shows: {missing}"
    )
