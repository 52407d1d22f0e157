"""The grading proofs, per assignment and per engine (the sandbox and plain nbgrader kernels):

- the solution scores full marks, the blank release zero, and the batch never crashes;
- each wrong answer in tests/mutants/ loses exactly its own item's marks;
- each correct alternative in tests/alternatives/ scores full marks;
- the honest-but-unusual set (tests/unusual/) scores full marks;
- both engines give every submission the same score on every item;
- the learner's check() says Right exactly when the item's tests give full marks;
- written answers are left for the instructor (needs manual grade), never scored by a test.
"""

from __future__ import annotations

import pytest
from conftest import ASSIGNMENTS
from graded_classes import ENGINES

# one worker builds the graded classes once (pytest-xdist: --dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("proofs")]


ENGINE_IDS = list(ENGINES)


def _full(proofs, engine, assignment, student, tests) -> bool:
    grades = proofs.grades[(engine, assignment)]
    points = proofs.specs[assignment].points
    return all(grades.score(student, t) == points[t] for t in tests)


@pytest.mark.parametrize("engine", ENGINE_IDS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_submission_was_graded(proofs, assignment, engine):
    results = proofs.results[(engine, assignment)]
    failed = [(r.student, r.status, r.message[-300:]) for r in results if not r.ok]
    assert not failed, f"the grader failed on: {failed}"
    students = set(proofs.specs[assignment].submissions)
    assert proofs.grades[(engine, assignment)].students == students


@pytest.mark.parametrize("engine", ENGINE_IDS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_full_blank_zero(proofs, assignment, engine):
    spec, grades = proofs.specs[assignment], proofs.grades[(engine, assignment)]
    assert spec.points, "an assignment without graded items proves nothing"
    for test_id, points in spec.points.items():
        assert grades.score("solution", test_id) == points, f"{test_id}: the solution lost marks"
        assert grades.score("blank", test_id) == 0, f"{test_id}: the blank release scored"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_item_has_a_mutant(proofs, assignment):
    spec = proofs.specs[assignment]
    missing = [t for t in spec.points if f"mutant-{t}" not in spec.submissions]
    assert not missing, f"add wrong answers to tests/mutants for: {missing}"


@pytest.mark.parametrize("engine", ENGINE_IDS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_mutant_loses_exactly_its_marks(proofs, assignment, engine):
    spec, grades = proofs.specs[assignment], proofs.grades[(engine, assignment)]
    for test_id in spec.points:
        student = f"mutant-{test_id}"
        for other, points in spec.points.items():
            wanted = 0 if other == test_id else points
            assert grades.score(student, other) == wanted, (
                f"{student} scored {grades.score(student, other)} on {other}"
            )


def _lost_marks(spec, grades, students: list[str]) -> list[tuple[str, str, float]]:
    """(student, test, score) for every test a student did not get its full points on."""
    return [
        (student, test_id, grades.score(student, test_id))
        for student in students
        for test_id, points in spec.points.items()
        if grades.score(student, test_id) != points
    ]


@pytest.mark.parametrize("engine", ENGINE_IDS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_alternative_scores_full_marks(proofs, assignment, engine):
    spec, grades = proofs.specs[assignment], proofs.grades[(engine, assignment)]
    alternatives = [s for s in spec.submissions if s.startswith("alt-")]
    if not alternatives:
        pytest.skip(f"no tests/alternatives/{assignment}.py yet")
    lost = _lost_marks(spec, grades, alternatives)
    assert not lost, f"correct alternatives lost marks: {lost}"


@pytest.mark.parametrize("engine", ENGINE_IDS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_but_unusual_work_scores_full_marks(proofs, assignment, engine):
    """Magics, shell lines, star imports, own exception subclasses, prints, helper cells, plots,
    tables and widgets left in the notebook (tests/unusual/) change no score."""
    spec, grades = proofs.specs[assignment], proofs.grades[(engine, assignment)]
    students = [s for s in spec.submissions if s.startswith("unusual-")]
    assert len(students) >= 3
    lost = _lost_marks(spec, grades, students)
    assert not lost, f"honest but unusual work lost marks: {lost}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_both_engines_give_the_same_scores(proofs, assignment):
    first, second = (proofs.grades[(engine, assignment)] for engine in ENGINES)
    differ = {
        key: (first.scores[key], second.scores.get(key))
        for key in first.scores
        if first.scores[key] != second.scores.get(key)
    }
    assert first.scores.keys() == second.scores.keys()
    assert not differ, f"{ENGINES[0]} vs {ENGINES[1]}: {differ}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_check_says_right_exactly_when_the_tests_give_full_marks(proofs, assignment):
    spec = proofs.specs[assignment]
    compared = 0
    for student in spec.submissions:
        outcome = proofs.learner[(assignment, student)]
        for item in spec.items:
            full = _full(proofs, ENGINES[0], assignment, student, item.tests)
            status = outcome["verdicts"][item.answer]
            assert (status == "right") == full, (
                f"{student}: check({item.answer!r}) says {status} but the tests give "
                f"{'full' if full else 'not full'} marks"
            )
            printed = outcome["printed"].get(item.answer)
            if printed is not None:  # the inserted check cell, run in its place (after the
                # student's own prints, if the answer prints when check() calls it)
                said_right = any(line.startswith("Right") for line in printed.splitlines())
                assert said_right == full, f"{student}: check cell printed {printed!r}"
            compared += 1
    assert compared >= 3 * len(spec.items)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_exercises_carry_a_check_cell_per_item(proofs, assignment):
    spec = proofs.specs[assignment]
    printed = proofs.learner[(assignment, "solution")]["printed"]
    assert set(printed) == {item.answer for item in spec.items}, "release: a check cell after every answer"
    assert all(text.startswith("Right") for text in printed.values())


@pytest.mark.parametrize("engine", ENGINE_IDS)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_written_answers_are_left_for_the_instructor(proofs, assignment, engine):
    spec, grades = proofs.specs[assignment], proofs.grades[(engine, assignment)]
    assert spec.written, "every assignment has a written answer"
    for answer in spec.written:
        assert grades.manual[("solution", answer)], f"{answer}: an answered written item needs manual grading"
        assert grades.score("solution", answer) == 0, f"{answer}: no test may score a written answer"
        assert grades.score("blank", answer) == 0
