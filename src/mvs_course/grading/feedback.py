"""Feedback: one HTML page per student and notebook, without the hidden tests.

nbgrader's default feedback shows every test cell as the grader ran it, hidden asserts
included. Ours removes the hidden region (``ClearHiddenTests``) and, before that, shortens
the error of a test cell that holds hidden tests to its last line, because an IPython
traceback quotes the failing source line, which may be a hidden assert.
"""

from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from .course import Course, CourseError

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"

FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "mvs_course.grading.feedback.ShortenHiddenTestErrors",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


class ShortenHiddenTestErrors(Preprocessor):
    """In a cell holding hidden tests, replace each error traceback by "Name: message"."""

    enabled = Bool(True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if cell.cell_type == "code" and HIDDEN_BEGIN in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    summary = f"{output.ename}: {output.evalue}" if output.evalue else output.ename
                    output.traceback = [summary, "(this cell also runs checks that stay hidden)"]
        return cell, resources


def graded_students(course: Course, assignment: str) -> list[str]:
    """Students with an autograded submission of ``assignment``."""
    base = course.course_dir / "autograded"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def feedback(
    course: Course,
    assignment: str,
    students: list[str] | None = None,
    preprocessors: list[str] | None = None,
) -> dict[str, list[Path]]:
    """Write feedback/<student>/<assignment>/<notebook>.html for each graded student.

    ``preprocessors`` replaces our list (``None``: hidden tests removed); returns the HTML files
    per student. A student whose feedback fails is reported in the CourseError raised at the end.
    """
    course.check_assignment(assignment)
    students = students if students is not None else graded_students(course, assignment)
    if not students:
        raise CourseError(f"Nothing graded for {assignment} yet: run `mvs-course grade {assignment}` first.")
    api = course.api(GenerateFeedback={"preprocessors": preprocessors or FEEDBACK_PREPROCESSORS})
    written: dict[str, list[Path]] = {}
    failed = []
    for student in students:
        result = api.generate_feedback(assignment, student, force=True)
        folder = course.course_dir / "feedback" / student / assignment
        if result["success"]:
            written[student] = sorted(folder.glob("*.html"))
        else:
            failed.append(f"{student}: {(result.get('error') or '').strip().splitlines()[-1:]}")
    if failed:
        raise CourseError("Feedback failed for:\n" + "\n".join(failed))
    return written
