"""Session fixtures of the grading proofs: every assignment released once, one graded class per
engine holding every assignment's submissions, and the learner's verdicts on the same work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from graded_classes import ROOT, Assignment, Grades, describe, grade_and_check

from mvs_course.grading.course import Course
from mvs_course.grading.release import release

ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


@dataclass
class Proofs:
    specs: dict[str, Assignment]
    release_dir: Path
    results: dict[tuple[str, str], list]  # (engine, assignment) -> GradeResults
    grades: dict[tuple[str, str], Grades]  # (engine, assignment) -> gradebook
    learner: dict[tuple[str, str], dict]  # (assignment, student) -> verdicts and printed checks


@pytest.fixture(scope="session")
def released(tmp_path_factory) -> Path:
    """Every assignment released through the public API into a scratch folder."""
    base = tmp_path_factory.mktemp("released")
    course = Course.open(base / "course", project=ROOT, release_dir=base / "exercises")
    release(course, ASSIGNMENTS)
    return base / "exercises"


@pytest.fixture(scope="session")
def proofs(released, tmp_path_factory) -> Proofs:
    """Each class graded once per engine and checked by the learner, in two worker processes."""
    specs = {a: describe(a) for a in ASSIGNMENTS}
    results, grades, learner = grade_and_check(
        released, list(specs.values()), tmp_path_factory.mktemp("classes")
    )
    return Proofs(specs, released, results, grades, learner)
