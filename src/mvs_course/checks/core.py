"""Learner checks: evaluate an exercise's probe expressions and compare salted hashes.

The data files ``mvs_course/checks/data/<assignment>.json`` are written by
``tools/make_checks.py`` from the solution notebooks. They hold, per answer cell, the probe
expressions (inputs such as ``aida_owner('Decision')``), a salted hash of the solution's
result for each, and a hint naming the lesson section and claim the exercise tests. They
never hold solutions, expected values or hidden tests. (A salted hash still lets a
determined learner try every answer of a tiny answer space; the checks are feedback,
grading is done by nbgrader's hidden tests.)
"""

from __future__ import annotations

import ast
import builtins
import inspect
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import progress
from .canonical import Canonical, canonical, digest, raised

MARKER = "MVS-PROBES:"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: ``status`` is right, not-yet, missing or unknown."""

    grade_id: str
    status: str
    message: str
    assignment: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "right"


def data_dir() -> Path:
    """The folder holding the generated check data of every assignment."""
    return Path(str(resources.files("mvs_course.checks") / "data"))


def load_all(folder: Path | None = None) -> dict[str, dict]:
    """{assignment: check data} for every data file in ``folder``."""
    folder = folder or data_dir()
    found = {}
    for path in sorted(folder.glob("*.json")):
        found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _find(grade_id: str, assignment: str | None, folder: Path | None) -> tuple[str, dict, str]:
    """(assignment, check entry, salt) of ``grade_id``; LookupError with the known ids if none."""
    every = load_all(folder)
    matches = [
        (a, d["checks"][grade_id], d["salt"]) for a, d in every.items() if grade_id in d.get("checks", {})
    ]
    if assignment is not None:
        matches = [m for m in matches if m[0] == assignment]
    if len(matches) > 1:  # the same id in two assignments: prefer the folder we run in
        here = Path.cwd().name
        matches = [m for m in matches if m[0] == here] or matches[:1]
    if not matches:
        known = ", ".join(sorted(g for d in every.values() for g in d.get("checks", {})))
        known = known or "none (ask your instructor to run tools/make_checks.py)"
        raise LookupError(f"There is no check called {grade_id!r}. Checks available: {known}.")
    return matches[0]


def free_names(expression: str) -> set[str]:
    """Names an expression reads that it does not bind itself (comprehension variables)."""
    tree = ast.parse(expression, mode="eval")
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return loaded - bound - set(dir(builtins))


def base_namespace() -> dict:
    """Names every probe may use even if the learner has not imported them."""
    import pandas as pd

    from mvs_course import datasets

    return {"pd": pd, "datasets": datasets}


def probe_forms(expressions: list[str], namespace: dict) -> list[tuple[Canonical, BaseException | None]]:
    """Evaluate each probe in ``namespace``: its canonical result, and the error it raised."""
    scope = {**base_namespace(), **namespace}
    out = []
    for expression in expressions:
        try:
            out.append((canonical(eval(expression, scope)), None))  # noqa: S307 - course-authored probes
        except Exception as error:  # the learner's code may fail in any way
            out.append((raised(error), error))
    return out


def emit(expressions: list[str], namespace: dict) -> None:
    """Print the canonical probe results as one marked JSON line (used by tools/make_checks.py)."""
    forms = [form for form, _ in probe_forms(expressions, namespace)]
    print(MARKER + json.dumps(forms, sort_keys=True, ensure_ascii=False))


def _hint(entry: dict) -> str:
    hint = entry.get("hint", {})
    where = hint.get("where") or "the lesson this exercise belongs to"
    text = f"Look again at {where}."
    claims = hint.get("claims") or []
    if claims:
        text += " This exercise tests the idea that " + " / ".join(c.rstrip(".") for c in claims) + "."
    return text


def evaluate(
    grade_id: str,
    namespace: dict | None = None,
    assignment: str | None = None,
    folder: Path | None = None,
) -> CheckResult:
    """Check the learner's answer cell ``grade_id`` against the stored hashes."""
    try:
        assignment, entry, salt = _find(grade_id, assignment, folder)
    except LookupError as error:
        return CheckResult(grade_id, "unknown", str(error))
    namespace = _learner_namespace() if namespace is None else namespace
    probes = entry["probes"]
    available = set(namespace) | set(base_namespace())
    missing = sorted({n for p in probes for n in free_names(p["expr"])} - available)
    if missing:
        names = ", ".join(f"`{n}`" for n in missing)
        verb = "is" if len(missing) == 1 else "are"
        return CheckResult(
            grade_id,
            "missing",
            f"Not yet: {names} {verb} not defined. Run your answer cell above "
            "(and the cells before it), then run this check again.",
            assignment,
        )
    results = probe_forms([p["expr"] for p in probes], namespace)
    for probe, (form, error) in zip(probes, results, strict=True):
        if digest(salt, form) == probe["hash"]:
            continue
        message = "Not yet."
        if isinstance(error, NotImplementedError):
            message += (
                " Your answer cell still says `raise NotImplementedError()`: replace it with your code."
            )
        elif error is not None:
            message += f" Trying `{probe['expr']}` raised {type(error).__name__}: {error}."
        elif isinstance(ast.parse(probe["expr"], mode="eval").body, ast.Call):
            message += f" `{probe['expr']}` gives a different result than it should."
        return CheckResult(grade_id, "not-yet", f"{message} {_hint(entry)}", assignment)
    task = entry.get("hint", {}).get("task", grade_id)
    return CheckResult(grade_id, "right", f"Right: your answer to '{task}' passes this check.", assignment)


def _learner_namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        get_ipython = None  # noqa: N806
    shell = get_ipython() if get_ipython else None
    if shell is not None:
        return shell.user_ns
    frame = inspect.currentframe()
    for _ in range(2):  # _learner_namespace <- check or evaluate <- the caller
        frame = frame.f_back if frame and frame.f_back else frame
    return frame.f_globals if frame else {}


def check(grade_id: str, namespace: dict | None = None) -> None:
    """Print 'Right' or 'Not yet' (with a hint) for answer cell ``grade_id``; never raises."""
    namespace = _learner_namespace() if namespace is None else namespace
    result = evaluate(grade_id, namespace)
    if result.status in ("right", "not-yet", "missing") and _learner_session():
        progress.record(result.assignment, grade_id, result.ok)
    print(result.message)


def _learner_session() -> bool:
    """Record progress only for a learner's notebook in exercises/<assignment>/, never while grading."""
    if os.environ.get("NBGRADER_EXECUTION") or os.environ.get("MVS_NO_PROGRESS"):
        return False
    return Path.cwd().parent.name == "exercises"
