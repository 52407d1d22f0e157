"""Grading that students cannot break or game.

Student cells run in a separate, isolated worker process (forked from a warm parent) in an
IPython shell of their own; test cells run in the trusted grader, where names the student
defined are proxies: calling one asks the worker, and values come back as type-tagged JSON,
rebuilt as plain trusted objects within a budget. So a submission can neither see the hidden
tests nor change how they are judged.

nbgrader runs it as the autograde step ``mvs_course.grading.sandbox.SandboxedExecute`` (the
course's nbgrader_config.py lists it); ``isolation_level()`` says what is in force. How each
notebook went comes back as data in nbgrader's ``resources["sandbox"]``.
"""

from __future__ import annotations

from typing import Any

from .isolation import describe, isolation_level
from .spec import DEFAULT_LIMITS

__all__ = [
    "DEFAULT_LIMITS",
    "SandboxedExecute",
    "banner",
    "describe",
    "isolation_level",
]


def __getattr__(name: str) -> Any:
    """``SandboxedExecute`` is imported when first named: it imports nbgrader, which the
    grading parent starts the sandbox's warm processes without (see ``spec``)."""
    if name == "SandboxedExecute":
        from .preprocessor import SandboxedExecute

        return SandboxedExecute
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def banner() -> str:
    """The line ``mvs-course grade`` prints before grading: which isolation is in force."""
    level = isolation_level()
    return f"Sandbox isolation: {level}. {describe(level)}."
