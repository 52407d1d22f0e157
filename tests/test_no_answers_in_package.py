"""No function the students can import answers a graded item: none has a solution function's code,
and no public member of the lesson and widget modules passes an item's hidden tests."""

from __future__ import annotations

import ast
import contextlib
import copy
import importlib
import inspect
import io
import itertools
import pkgutil
import signal
import sys
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


# --- behaviour: no public callable of the lesson and widget modules passes an item's tests ---

CANDIDATE_PACKAGES = ("mvs_course.lessons", "mvs_course.widgets")


def _public_members() -> list[tuple[str, object]]:
    """(dotted name, object) of every public callable and data value the lesson and widget
    modules define themselves."""
    found = []
    for package_name in CANDIDATE_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if name.startswith("_") or inspect.ismodule(value) or inspect.isclass(value):
                    continue  # a class makes widgets or records, never a graded value
                if callable(value) and getattr(value, "__module__", None) != module.__name__:
                    continue
                if callable(value) and _makes_views(value):
                    continue
                found.append((f"{info.name}.{name}", value))
    return found


VIEW_TYPES = ("Figure", "Widget", "Box", "Output", "HTML")


def _makes_views(func: object) -> bool:
    """A function annotated to return a chart or a widget: it cannot compute a graded value."""
    try:
        returned = inspect.signature(func).return_annotation
    except (TypeError, ValueError):
        return False
    text = returned if isinstance(returned, str) else getattr(returned, "__name__", "")
    return any(kind in text for kind in VIEW_TYPES)


def _accepts(func: object, positional: int) -> bool:
    try:
        inspect.signature(func).bind(*([None] * positional))
    except (TypeError, ValueError):
        return False
    return True


class _Timeout(Exception):
    pass


def _passes(tests: list, namespace: dict, seconds: int = 3) -> bool:
    """Whether every test cell (source, or a function to call) runs without error in a copy of
    ``namespace``."""
    scope = dict(namespace)

    def stop(*_):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for source in tests:
                if callable(source):
                    source()
                else:
                    exec(compile(source, "<test>", "exec"), scope)  # noqa: S102
        return True
    except BaseException:  # noqa: BLE001 - any failure means the candidate does not answer the item
        return False
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def _solution_namespace(path: Path) -> tuple[dict, list]:
    """The solution notebook run up to its tests, and its items."""
    from mvs_course import nbmeta
    from mvs_course.authoring.items import items

    nb = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type == "code" and not nbmeta.is_autograded_test(cell):
            exec(compile(nbmeta.strip_solution_markers(cell.source), "<cell>", "exec"), namespace)  # noqa: S102
    return namespace, items(nb)


@pytest.fixture(scope="module")
def candidates(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("MVS_NOTES_FILE", str(home / "notes.json"))
        patch.setenv("MVS_PROGRESS_FILE", str(home / "progress.json"))
        yield _public_members()


def _adapted(func: object, params: int, required: int):
    """(how, callable) for ``func`` used with light glue: as it is, with its arguments in another
    order, its list result sorted, or applied to every key of a frame's text column."""
    orders = [list(p) for p in itertools.permutations(range(params))] if 1 < params <= 3 else [None]
    for order in orders:
        if (order is None or order == sorted(order)) and _accepts(func, required):
            base, how = func, "as it is"
        elif order is not None and _accepts(func, params):
            base, how = _reorder(func, order), f"with its arguments in the order {order}"
        else:
            continue
        yield how, base
        yield f"{how}, result sorted", _sorted(base)
    if params >= 1 and _accepts(func, required + 1):
        for column in ("customer", "record", "prospect", "seller", "channel", "question", "article", "key"):
            yield f"per {column}", _per_key(func, column)


def _reorder(func, order):
    def call(*args, **kwargs):
        if len(args) != len(order):
            return func(*args, **kwargs)
        return func(*[args[i] for i in order], **kwargs)

    return call


def _sorted(func):
    def call(*args, **kwargs):
        return sorted(func(*args, **kwargs))

    return call


def _per_key(func, column):
    def call(frame, *args, **kwargs):
        out = {}
        for key in frame[column]:
            out[key] = _plain(func(key, frame, *args, **kwargs))
        return out

    return call


PLAIN = (str, int, float, bool, type(None), list, tuple, dict, set, frozenset)


def _plain(value):
    """``value`` if it is data a test could compare; TypeError for widgets, figures and the like."""
    import numpy as np
    import pandas as pd

    if isinstance(value, PLAIN + (np.generic, np.ndarray, pd.DataFrame, pd.Series, pd.Index)):
        return value
    raise TypeError(f"not data: {type(value).__name__}")


def _first_calls(tests: list[str], namespace: dict, names: list[str]) -> dict[str, tuple]:
    """name -> (args, kwargs, loose form of the solution's result) of the first call the tests make."""
    from mvs_course.checks.canonical import form_of

    first: dict[str, tuple] = {}

    def recorder(name, func):
        def call(*args, **kwargs):
            result = func(*args, **kwargs)
            if name not in first:
                first[name] = (
                    copy.deepcopy(args),
                    copy.deepcopy(kwargs),
                    form_of(result, places=1, any_order=True),
                )
            return result

        return call

    _passes(tests, {**namespace, **{n: recorder(n, namespace[n]) for n in names}})
    return first


def _could_pass(glued, call: tuple) -> bool:
    """A quick first filter: the glued candidate gives (loosely) the solution's first result."""
    from mvs_course.checks.canonical import form_of

    args, kwargs, wanted = call
    outcome: list = []
    if not _passes([lambda: outcome.append(glued(*copy.deepcopy(args), **copy.deepcopy(kwargs)))], {}, 2):
        return False
    try:
        return form_of(_plain(outcome[0]), places=1, any_order=True) == wanted
    except TypeError:
        return False


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_no_lesson_or_widget_member_passes_an_items_hidden_tests(path, candidates, monkeypatch, tmp_path):
    """A learner could import the answer: any public member of the lesson and widget modules that
    passes an item's test cells (visible and hidden), as it is or with light glue, is reported."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(path.parent)
    namespace, found = _solution_namespace(path)
    assert len(candidates) > 50, "expected many public members to try"
    offenders = []
    for item in found:
        if not item.tests:
            continue
        tests = [cell.source for cell in item.tests]
        assert _passes(tests, namespace), f"{item.answer_id}: the solution itself fails"
        body = ast.parse(_without_markers(item.answer.source)).body
        functions = [node for node in body if isinstance(node, ast.FunctionDef)]
        calls = _first_calls(tests, namespace, [node.name for node in functions])
        for node in functions:
            params = len(node.args.args)
            required = params - len(node.args.defaults)
            for where, value in candidates:
                if not callable(value):
                    continue
                for how, glued in _adapted(value, params, required):
                    if node.name in calls and not _could_pass(glued, calls[node.name]):
                        continue
                    if _passes(tests, {**namespace, node.name: glued}):
                        offenders.append(f"{item.answer_id}: {where} passes as {node.name}() {how}")
                        break
        for node in body:
            names = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
            for name in names:
                for where, value in candidates:
                    if not callable(value) and _passes(tests, {**namespace, name: value}):
                        offenders.append(f"{item.answer_id}: {where} passes as {name}")
    assert not offenders, "the package answers graded items:\n" + "\n".join(offenders)


def _without_markers(source: str) -> str:
    from mvs_course import nbmeta

    return nbmeta.strip_solution_markers(source)
