"""Try it: the small, ungraded pandas exercises at the end of each lesson.

A lesson module registers each exercise with a function that computes the expected value
from the lesson's data; the notebook shows a worked example, then asks the learner for a
smaller version of the same skill and checks it:

    # in mvs_course/lessons/pull_push.py
    tryit.register("04-cost-per-lead", lambda: ..., hint="divide spend by leads, per channel")

    # in the lesson notebook, after the learner's own cell
    from mvs_course.lessons.tryit import check
    check("04-cost-per-lead", my_answer)

Values are compared as the assignments' checks compare them (numbers of any type, any dict
order; see :mod:`mvs_course.checks.canonical`). These exercises are practice: they are not
graded, and their expected values may be read in the package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exercise:
    key: str
    expected: Callable[[], Any]
    hint: str
    unordered: bool = False  # a list whose order the exercise does not ask for


_EXERCISES: dict[str, Exercise] = {}


def register(key: str, expected: Callable[[], Any], *, hint: str, unordered: bool = False) -> None:
    """Declare exercise ``key`` (``"<lesson number>-<name>"``) and how to compute its answer."""
    _EXERCISES[key] = Exercise(key, expected, hint, unordered)


def exercises() -> dict[str, Exercise]:
    """Every registered exercise (import the lesson modules first)."""
    return dict(_EXERCISES)


def _form(value: Any, unordered: bool) -> Any:
    from mvs_course.checks.canonical import canonical

    form = canonical(value)
    if unordered and isinstance(form, list) and form[:1] == ["seq"]:
        return ["seq", sorted(form[1], key=repr)]
    return form


def is_right(key: str, answer: Any) -> bool:
    """Whether ``answer`` is the expected value of exercise ``key`` (KeyError if unknown)."""
    exercise = _EXERCISES[key]
    return _form(answer, exercise.unordered) == _form(exercise.expected(), exercise.unordered)


def check(key: str, answer: Any) -> bool:
    """Print *Right* or *Not yet* with the exercise's hint; return whether it was right."""
    if key not in _EXERCISES:
        print(f"There is no Try-it exercise called {key!r}; run the lesson's first cells again.")
        return False
    if answer is Ellipsis:
        print("Not yet: replace `...` with your answer, then run this cell again.")
        return False
    try:
        right = is_right(key, answer)
    except Exception as error:  # noqa: BLE001 - a learner's value may be anything
        print(f"Not yet: that value could not be compared ({type(error).__name__}).")
        return False
    print("Right." if right else f"Not yet. Hint: {_EXERCISES[key].hint}")
    return right
