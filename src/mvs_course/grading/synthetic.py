"""Build synthetic submissions from the source notebooks: full marks, blank, or mutated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import nbformat

_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.MULTILINE)


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_answers(source_nb: Path) -> dict[str, str]:
    """grade_id -> the solution code of every solution cell in a source notebook."""
    nb = nbformat.read(source_nb, as_version=4)
    return {
        _grade_id(c): _MARKERS.sub("", c.source)
        for c in nb.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def graded_items(source_nb: Path) -> dict[str, float]:
    """grade_id -> points of every autograded test cell in a source notebook."""
    nb = nbformat.read(source_nb, as_version=4)
    items = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            items[meta["grade_id"]] = float(meta.get("points", 0))
    return items


def fill(release_nb: Path, answers: Mapping[str, str]) -> nbformat.NotebookNode:
    """The released notebook with answer cells replaced by ``answers`` (grade_id -> code)."""
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid in answers:
            cell.source = answers[gid]
    return nb


def write_submission(course_dir: Path, student: str, assignment: str, nb_name: str, nb) -> Path:
    """Place a notebook where nbgrader expects a submission."""
    folder = course_dir / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / nb_name
    nbformat.write(nb, path)
    return path
