"""Every assignment's proof class (solution, blank, one mutant per item), graded again in the
sandbox: every item's score equals plain nbgrader's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mvs_course.grading.course import Course
from mvs_course.grading.sandbox import sandbox_config, student_report
from mvs_course.grading.scores import item_scores

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_sandbox_scores_equal_plain_nbgrader(graded, assignment, tmp_path):
    plain = graded[assignment]
    course = Course.open(
        tmp_path / "course", project=plain.course.project, release_dir=plain.course.release_dir
    )
    shutil.copy(plain.course.course_dir / "gradebook.db", course.course_dir / "gradebook.db")
    shutil.copytree(plain.course.course_dir / "submitted", course.course_dir / "submitted")
    api = course.api(**sandbox_config(timeout=30))
    for student in course.submissions(assignment):
        assert api.autograde(assignment, student, force=True, create=True)["success"], student
        assert student_report(course.course_dir, course.source_dir, assignment, student)["problems"] == []
    mine = item_scores(course, assignment).sort_values(["student", "item"]).reset_index(drop=True)
    theirs = plain.scores.sort_values(["student", "item"]).reset_index(drop=True)
    assert len(theirs) > 0
    assert mine.to_dict("records") == theirs.to_dict("records")
