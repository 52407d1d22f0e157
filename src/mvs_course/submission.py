"""How a learner's work is named when it leaves JupyterLab: one zip per student and assignment.

The learner's "download my work" button writes ``<student>__<assignment>.zip`` holding
``<assignment>/<notebook>.ipynb``; ``mvs-course collect`` reads exactly that form back.
"""

from __future__ import annotations

import re

SEPARATOR = "__"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_id(text: str) -> str:
    """A student id or assignment name reduced to characters safe in file names."""
    cleaned = _SAFE.sub("-", text.strip()).strip("-.")
    if not cleaned:
        raise ValueError(f"{text!r} has no letters or digits to use as a name")
    return cleaned


def submission_name(student: str, assignment: str) -> str:
    """The zip name for one student's work on one assignment."""
    return f"{safe_id(student)}{SEPARATOR}{safe_id(assignment)}.zip"


def parse_submission_name(name: str) -> tuple[str, str] | None:
    """(student, assignment) from a name made by :func:`submission_name`, else None."""
    stem = name[:-4] if name.lower().endswith(".zip") else name
    student, sep, assignment = stem.rpartition(SEPARATOR)
    if not sep or not student or not assignment:
        return None
    return student, assignment
