"""Read scores out of the nbgrader gradebook as pandas tables."""

from __future__ import annotations

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry

from .course import Course

COLUMNS = ["student", "notebook", "item", "score", "max_score", "needs_manual_grade"]


def item_scores(course: Course, assignment: str) -> pd.DataFrame:
    """One row per (student, graded item): score, max score, and whether it still waits for
    manual grading (a written answer scores 0 until the instructor grades it), from the gradebook."""
    rows = []
    if not course.has_gradebook():  # reading scores never creates a gradebook
        return pd.DataFrame(rows, columns=COLUMNS)
    with Gradebook(course.db_url) as gb:
        try:
            submissions = gb.assignment_submissions(assignment)
        except MissingEntry:
            submissions = []
        for submission in submissions:
            for nb in submission.notebooks:
                for grade in nb.grades:
                    rows.append(
                        {
                            "student": submission.student.id,
                            "notebook": nb.name,
                            "item": grade.name,
                            "score": float(grade.score),
                            "max_score": float(grade.max_score),
                            "needs_manual_grade": bool(grade.needs_manual_grade),
                        }
                    )
    return pd.DataFrame(rows, columns=COLUMNS)


def totals(course: Course, assignment: str) -> dict[str, float]:
    """Total score per student."""
    table = item_scores(course, assignment)
    return {k: float(v) for k, v in table.groupby("student")["score"].sum().items()}
