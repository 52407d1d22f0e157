"""Shared fixtures: the project paths and one graded class per assignment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mutants
import pandas as pd
import pytest

from mvs_course.grading import synthetic
from mvs_course.grading.course import Course
from mvs_course.grading.grade import grade
from mvs_course.grading.release import release
from mvs_course.grading.scores import item_scores

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


@pytest.fixture(autouse=True)
def _private_notes(tmp_path, monkeypatch):
    """Lesson notepads write to a temporary file, never to the tester's home."""
    monkeypatch.setenv("MVS_NOTES_FILE", str(tmp_path / "notes.json"))


@dataclass
class GradedClass:
    course: Course
    assignment: str
    items: dict[str, float]  # test grade_id -> points
    scores: pd.DataFrame  # student, notebook, item, score, max_score
    results: list

    def score(self, student: str, item: str | None = None) -> float:
        rows = self.scores[self.scores["student"] == student]
        if item is not None:
            rows = rows[rows["item"] == item]
        return float(rows["score"].sum())


def build_class(course: Course, assignment: str) -> dict[str, float]:
    """Submissions 'solution', 'blank' and one 'mutant-<item>' per graded item."""
    all_mutants = mutants.load().get(assignment, {})
    items: dict[str, float] = {}
    for source_nb in sorted((course.source_dir / assignment).glob("*.ipynb")):
        release_nb = course.release_dir / assignment / source_nb.name
        answers = synthetic.solution_answers(source_nb)
        nb_items = synthetic.graded_items(source_nb)
        items.update(nb_items)
        submissions = {"solution": answers, "blank": {}}
        for test_id in nb_items:
            if test_id in all_mutants:
                answer_id, wrong = all_mutants[test_id]
                submissions[f"mutant-{test_id}"] = {**answers, answer_id: wrong}
        for student, filled in submissions.items():
            nb = synthetic.fill(release_nb, filled)
            synthetic.write_submission(course.course_dir, student, assignment, source_nb.name, nb)
    return items


@pytest.fixture(scope="session")
def graded(tmp_path_factory) -> dict[str, GradedClass]:
    """Every assignment released into a temp course dir and graded once, for all proofs."""
    classes = {}
    for assignment in ASSIGNMENTS:
        base = tmp_path_factory.mktemp(f"class-{assignment}")
        course = Course.open(base / "course", project=ROOT, release_dir=base / "exercises")
        release(course, [assignment])
        items = build_class(course, assignment)
        results = grade(course, assignment)
        classes[assignment] = GradedClass(course, assignment, items, item_scores(course, assignment), results)
    return classes
