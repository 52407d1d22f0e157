"""Grading that students cannot break or game.

Student cells run in a separate, isolated worker process (forked from a warm parent); test
cells run in the trusted grader, where names the student defined are proxies: calling one asks
the worker, and values come back as type-tagged JSON, rebuilt as plain trusted objects. So a
submission can neither see the hidden tests nor change how they are judged.

Wire it into nbgrader with ``sandbox_config()``; ``isolation_level()`` says what is in force.
"""

from __future__ import annotations

from .isolation import describe, isolation_level
from .preprocessor import DEFAULT_LIMITS, SandboxedExecute
from .repair import RepairMetadata, check_submission

__all__ = [
    "DEFAULT_LIMITS",
    "RepairMetadata",
    "SandboxedExecute",
    "check_submission",
    "describe",
    "isolation_level",
    "sandbox_config",
]

_PP = "nbgrader.preprocessors."


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
