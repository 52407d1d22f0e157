"""Grading that students cannot break or game.

Student cells run in a separate, isolated worker process (forked from a warm parent); test
cells run in the trusted grader, where names the student defined are proxies: calling one asks
the worker, and values come back as type-tagged JSON, rebuilt as plain trusted objects. So a
submission can neither see the hidden tests nor change how they are judged.

Wire it into nbgrader with ``sandbox_config()``; ``isolation_level()`` says what is in force.
"""

from __future__ import annotations

import json
from pathlib import Path

from .isolation import describe, isolation_level
from .preprocessor import DEFAULT_LIMITS, SandboxedExecute, status_path
from .repair import RepairMetadata, check_submission

__all__ = [
    "DEFAULT_LIMITS",
    "RepairMetadata",
    "banner",
    "SandboxedExecute",
    "check_submission",
    "describe",
    "isolation_level",
    "sandbox_config",
    "student_report",
]

_PP = "nbgrader.preprocessors."


def banner() -> str:
    """The line ``mvs-course grade`` prints before grading: which isolation is in force."""
    level = isolation_level()
    return f"Sandbox isolation: {level}. {describe(level)}."


def sandbox_config(timeout: int = 30, limits: dict | None = None) -> dict[str, dict]:
    """nbgrader config sections (as for ``Course.config(**extra)``) that grade in the sandbox."""
    here = __name__
    return {
        "Autograde": {
            "sanitize_preprocessors": [
                _PP + "ClearOutput",
                f"{here}.RepairMetadata",
                _PP + "DeduplicateIds",
                _PP + "OverwriteKernelspec",
                _PP + "OverwriteCells",
                _PP + "CheckCellMetadata",
            ],
            "autograde_preprocessors": [
                f"{here}.SandboxedExecute",
                _PP + "IgnorePattern",
                "nbconvert.preprocessors.ClearMetadataPreprocessor",
                _PP + "LimitOutput",
                _PP + "SaveAutoGrades",
                _PP + "AssignLatePenalties",
                _PP + "CheckCellMetadata",
            ],
        },
        "OverwriteCells": {"add_missing_cells": True},
        "SandboxedExecute": {"timeout": int(timeout), "limits": dict(limits or {})},
    }


def student_report(course_dir: Path, source_dir: Path, assignment: str, student: str) -> dict:
    """After autograding one student: isolation level used, and every problem in plain words.

    ``source_dir`` is the folder of source assignments (solutions/). Returns
    ``{"isolation": str | None, "problems": [str, ...]}``.
    """
    problems = check_submission(
        Path(course_dir) / "submitted" / student / assignment, Path(source_dir) / assignment
    )
    level = None
    folder = status_path(Path(course_dir), "sandbox_status", assignment, student, "x").parent
    for path in sorted(folder.glob("*.json")):
        try:
            status = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        level = status.get("isolation", level)
        problems += [f"{status.get('notebook')}: {p}" for p in status.get("problems", [])]
    return {"isolation": level, "problems": problems}
