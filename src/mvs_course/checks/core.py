"""Learner checks: ``check("<answer id>")`` runs the item's own test cells and says Right or Not yet.

The data files ``mvs_course/checks/data/<assignment>.json`` are written by ``mvs-course build``
(:mod:`mvs_course.authoring.checks`) from the solution notebooks. For every answer cell they
hold the statements of its test cells, in order: the visible code as the learner sees it, the
hidden inputs, and each hidden ``expect(actual, expected, why=...)`` with ``expected``
replaced by salted hashes of its canonical forms. They never hold a solution or an expected
value. ``check`` runs those statements in a copy of the learner's namespace with the same
``expect`` the grader uses, so it says *Right* exactly when the hidden tests pass. (A salted
hash still lets a determined learner try every answer of a tiny answer space; checks are
feedback, the grade comes from nbgrader's hidden tests.)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from . import progress
from .expect import Hashed, expect, expect_raises, failure


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
    if not matches:
        known = ", ".join(sorted(g for d in every.values() for g in d.get("checks", {})))
        known = known or "none (ask your instructor to run mvs-course build)"
        raise LookupError(f"There is no check called {grade_id!r}. Checks available: {known}.")
    return matches[0]


def base_namespace() -> dict:
    """Names every check may use even if the learner has not run the setup cell."""
    import pandas as pd

    from mvs_course import datasets

    return {"pd": pd, "datasets": datasets}


class _Stop(Exception):
    """A check step failed; ``status`` and ``message`` say how."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _where(entry: dict) -> str:
    hint = entry.get("hint", {})
    return f"Look again at {hint.get('where') or 'the lesson this exercise belongs to'}."


def _explain(error: Exception, step: dict, scope: dict) -> _Stop:
    """Turn an exception of one step into what the learner reads (never an expected value)."""
    why = step.get("why")
    if isinstance(error, AssertionError):
        text = str(error).strip() or (failure(why) if why else "Not yet: a visible test above fails.")
        if not text.startswith("Not yet"):
            text = f"Not yet: {text}"
        return _Stop("not-yet", text)
    if isinstance(error, NotImplementedError):
        return _Stop(
            "not-yet", "Not yet: your answer cell still says `raise NotImplementedError()`: replace it."
        )
    if isinstance(error, NameError) and getattr(error, "name", None) and error.name not in scope:
        return _Stop(
            "missing",
            f"Not yet: `{error.name}` is not defined. Run your answer cell above "
            "(and the cells before it), then run this check again.",
        )
    detail = f"{type(error).__name__}: {str(error)[:200]}".rstrip(": ")
    if why:
        return _Stop("not-yet", f"{failure(why)[:-1]}: your code raised {detail}.")
    return _Stop("not-yet", f"Not yet: running the tests raised {detail}.")


def _run_step(step: dict, scope: dict, salt: str) -> None:
    if "expect" in step:
        actual = eval(compile(step["expect"], "<check>", "eval"), scope)  # noqa: S307 - course-authored
        expect(actual, Hashed(salt, step["hashes"]), why=step["why"], **step.get("options", {}))
    else:
        exec(compile(step["code"], "<check>", "exec"), scope)  # noqa: S102 - course-authored test code


def evaluate(
    grade_id: str,
    namespace: dict | None = None,
    assignment: str | None = None,
    folder: Path | None = None,
) -> CheckResult:
    """Run the test cells of answer ``grade_id`` against a copy of ``namespace``."""
    try:
        assignment, entry, salt = _find(grade_id, assignment, folder)
    except LookupError as error:
        return CheckResult(grade_id, "unknown", str(error))
    learner = _learner_namespace() if namespace is None else namespace
    scope: dict[str, Any] = {**base_namespace(), **learner, "expect": expect, "expect_raises": expect_raises}
    try:
        for test in entry["tests"]:
            for step in test["steps"]:
                try:
                    _run_step(step, scope, salt)
                except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
                    raise _explain(error, step, scope) from None
    except _Stop as stop:
        message = stop.message if stop.status == "missing" else f"{stop.message} {_where(entry)}"
        return CheckResult(grade_id, stop.status, message, assignment)
    task = entry.get("hint", {}).get("task", grade_id)
    return CheckResult(grade_id, "right", f"Right: your answer to '{task}' passes every test.", assignment)


def _learner_namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        get_ipython = None  # noqa: N806
    shell = get_ipython() if get_ipython else None
    if shell is not None:
        return shell.user_ns
    import inspect

    frame = inspect.currentframe()
    for _ in range(2):  # _learner_namespace <- check or evaluate <- the caller
        frame = frame.f_back if frame and frame.f_back else frame
    return frame.f_globals if frame else {}


def grading() -> bool:
    """True while nbgrader autogrades or validates (it sets NBGRADER_EXECUTION)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def check(grade_id: str, namespace: dict | None = None) -> None:
    """Print 'Right' or 'Not yet' (with a pointer to the lesson) for answer ``grade_id``.

    Never raises. While nbgrader grades it does nothing: the hidden tests decide.
    """
    if grading():
        return
    namespace = _learner_namespace() if namespace is None else namespace
    result = evaluate(grade_id, namespace)
    if result.status in ("right", "not-yet", "missing") and not os.environ.get("MVS_NO_PROGRESS"):
        progress.record(result.assignment, grade_id, result.ok)
    print(result.message)
