"""Notebook metadata and markers, written once: nbgrader's cell metadata, the solution and
hidden-test markers, and the course's claim tags.

Everything that reads ``cell.metadata["nbgrader"]``, looks for ``### BEGIN SOLUTION`` or
``### BEGIN HIDDEN TESTS``, or reads ``claim:<article>/<key>`` tags goes through here.
Nothing here imports nbgrader (the learner side uses it and must start quickly); a unit
test checks that the markers equal nbgrader's own defaults.

(``mvs_course.grading.sandbox`` is a separate layer and does not import this module.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

SCHEMA_VERSION = 3  # nbgrader's cell metadata schema

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
# what a release, a feedback page or the student edition must never contain
LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")

CLAIM_PREFIX = "claim:"

_SOLUTION_BLOCK = re.compile(
    r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)(?:^[ \t]*### END SOLUTION[^\n]*$|\Z)", re.S | re.M
)
_HIDDEN_BLOCK = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)(?:^[ \t]*### END HIDDEN TESTS[^\n]*$|\Z)", re.S | re.M
)
_HIDDEN_REGION = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?(?:### END HIDDEN TESTS[ \t]*$\n?|\Z)", re.S | re.M
)
_SOLUTION_MARKER_LINE = re.compile(r"^[ \t]*### (?:BEGIN|END) SOLUTION[ \t]*$\n?", re.M)


def _metadata(cell: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = cell.get("metadata") if isinstance(cell, Mapping) else None
    return meta if isinstance(meta, Mapping) else {}


def nbgrader(cell: Mapping[str, Any]) -> dict[str, Any]:
    """The cell's nbgrader metadata, or an empty dict (absent or malformed)."""
    meta = _metadata(cell).get("nbgrader")
    return dict(meta) if isinstance(meta, Mapping) else {}


def grade_id(cell: Mapping[str, Any]) -> str | None:
    """The cell's nbgrader grade id, when it has a well-formed one."""
    value = nbgrader(cell).get("grade_id")
    return value if isinstance(value, str) and value else None


def is_answer(cell: Mapping[str, Any]) -> bool:
    """A cell the student writes in (nbgrader ``solution: true``), code or markdown."""
    return bool(nbgrader(cell).get("solution"))


def is_autograded_test(cell: Mapping[str, Any]) -> bool:
    """A locked code cell that earns points when it runs without error."""
    meta = nbgrader(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def is_manually_graded(cell: Mapping[str, Any]) -> bool:
    """An answer cell the instructor scores by hand in the formgrader."""
    meta = nbgrader(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


def is_locked(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader(cell).get("locked"))


def points(cell: Mapping[str, Any]) -> float:
    """Points of a graded cell (0 for any other cell)."""
    meta = nbgrader(cell)
    try:
        return float(meta.get("points", 0) or 0) if meta.get("grade") or meta.get("task") else 0.0
    except (TypeError, ValueError):
        return 0.0


def graded_items(cells: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """grade_id -> points of every autograded test cell."""
    return {grade_id(c): points(c) for c in cells if is_autograded_test(c) and grade_id(c)}


def hidden_blocks(source: str) -> list[str]:
    """The code between each ``### BEGIN HIDDEN TESTS`` and its end marker."""
    return _HIDDEN_BLOCK.findall(source)


def without_hidden(source: str) -> str:
    """``source`` with every hidden-test region (markers included) removed."""
    return _HIDDEN_REGION.sub("", source)


def has_hidden_tests(source: str) -> bool:
    return BEGIN_HIDDEN in source


def solution_blocks(source: str) -> list[str]:
    """The code between each ``### BEGIN SOLUTION`` and its end marker."""
    return _SOLUTION_BLOCK.findall(source)


def strip_solution_markers(source: str) -> str:
    """``source`` with the solution marker lines removed (what a full-marks answer looks like)."""
    return _SOLUTION_MARKER_LINE.sub("", source)


def leak_markers_in(text: str) -> list[str]:
    """The solution and hidden-test markers that occur in ``text``."""
    return [marker for marker in LEAK_MARKERS if marker in text]


def claims(cell: Mapping[str, Any]) -> list[str]:
    """The ``<article>/<key>`` claims a cell is tagged with (``claim:<article>/<key>``)."""
    tags = _metadata(cell).get("tags") or []
    return [t[len(CLAIM_PREFIX) :] for t in tags if isinstance(t, str) and t.startswith(CLAIM_PREFIX)]


def claim_tag(claim: str) -> str:
    return f"{CLAIM_PREFIX}{claim}"
