"""Autograde submitted notebooks with nbgrader."""

from __future__ import annotations

from dataclasses import dataclass

from .course import Course


@dataclass(frozen=True)
class GradeResult:
    student: str
    ok: bool
    message: str = ""


def grade(course: Course, assignment: str, students: list[str] | None = None) -> list[GradeResult]:
    """Autograde each student's submission of ``assignment``; one failure never stops the rest."""
    course.check_assignment(assignment)
    api = course.api(KernelManager={"shutdown_wait_time": 0.5})
    results = []
    for student in students or course.submissions(assignment):
        outcome = api.autograde(assignment, student, force=True, create=True)
        results.append(GradeResult(student, bool(outcome["success"]), outcome.get("error") or ""))
    return results
