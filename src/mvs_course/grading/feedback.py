"""Feedback: one HTML page per student and notebook, through nbgrader's ``generate_feedback``.

What a page may show is decided by ``GenerateFeedback.preprocessors`` in nbgrader_config.py
(see :mod:`mvs_course.grading.preprocessors.feedback`): hidden tests removed, a failed hidden
test told in one plain sentence, output printed during hidden tests dropped, student HTML made
inert. The formgrader's *Generate Feedback* button and plain ``nbgrader generate_feedback``
read the same setting, so every tool writes the same page.
"""

from __future__ import annotations

from pathlib import Path

from .course import Course, CourseError
from .preprocessors.feedback import FEEDBACK_PREPROCESSORS
from .safetext import printable


def feedback_settings(course: Course) -> dict[str, dict]:
    """``GenerateFeedback`` and ``HTMLExporter`` settings for this course, as its nbgrader config
    files give them (the course loads them as nbgrader does); the safe preprocessor list when
    none is configured."""
    loaded = course.config()
    settings = {
        "GenerateFeedback": dict(loaded.GenerateFeedback),
        "HTMLExporter": dict(loaded.HTMLExporter),
    }
    settings["GenerateFeedback"].setdefault("preprocessors", list(FEEDBACK_PREPROCESSORS))
    return settings


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

    ``preprocessors`` replaces the configured list (tests use it to show what nbgrader's
    default would leak); returns the HTML files per student. A student whose feedback fails is
    named in the CourseError raised at the end, after the others are written.
    """
    course.check_assignment(assignment)
    students = students if students is not None else graded_students(course, assignment)
    if not students:
        raise CourseError(f"Nothing graded for {assignment} yet: run `mvs-course grade {assignment}` first.")
    settings = feedback_settings(course)
    if preprocessors is not None:
        settings["GenerateFeedback"]["preprocessors"] = preprocessors
    api = course.api(**settings)
    written: dict[str, list[Path]] = {}
    failed = []
    for student in students:
        result = api.generate_feedback(assignment, student, force=True)
        folder = course.course_dir / "feedback" / student / assignment
        if result["success"]:
            written[student] = sorted(folder.glob("*.html"))
        else:
            last = ((result.get("error") or "").strip().splitlines() or ["(no error text)"])[-1]
            failed.append(f"{printable(student)}: {printable(last)}")
    if failed:
        raise CourseError("Feedback failed for:\n" + "\n".join(failed))
    return written
