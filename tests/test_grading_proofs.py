"""Every graded item, three ways: the solution scores full marks, the blank release scores
zero without crashing, and a deliberately wrong answer loses exactly that item's marks."""

from __future__ import annotations

import mutants
import pytest
from conftest import ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_submission_was_graded(graded, assignment):
    klass = graded[assignment]
    failed = [r for r in klass.results if not r.ok]
    assert not failed, f"grader crashed on: {[(r.student, r.message[-300:]) for r in failed]}"
    students = set(klass.scores["student"])
    assert {"solution", "blank"} <= students


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(graded, assignment):
    klass = graded[assignment]
    assert klass.items, "an assignment without graded items proves nothing"
    for item, points in klass.items.items():
        assert klass.score("solution", item) == points, f"{item}: solution lost marks"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_scores_zero(graded, assignment):
    klass = graded[assignment]
    assert set(klass.scores[klass.scores["student"] == "blank"]["item"]) == set(klass.items)
    assert klass.score("blank") == 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_item_has_a_mutant(assignment, graded):
    missing = set(graded[assignment].items) - set(mutants.load().get(assignment, {}))
    assert not missing, f"add wrong answers to tests/mutants for: {sorted(missing)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_wrong_answer_loses_exactly_its_item(graded, assignment):
    klass = graded[assignment]
    for item, points in klass.items.items():
        student = f"mutant-{item}"
        assert klass.score(student, item) == 0, f"{item}: the wrong answer still scored"
        others = {i: p for i, p in klass.items.items() if i != item}
        for other, other_points in others.items():
            assert klass.score(student, other) == other_points, f"mutating {item} also cost marks on {other}"
        assert klass.score(student) == sum(klass.items.values()) - points
