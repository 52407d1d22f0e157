"""Without bubblewrap (a default Docker container: root, no namespaces), scoring still cannot
be forged: the gaming cases score nothing and honest scores are unchanged. Not root as well,
grading is refused unless allowed (tests/adversarial/test_levels.py)."""

from __future__ import annotations

import os

import pytest
from adversarial_batch import _context, _scores, _write, grade_in_sandbox, slug
from fixtures import synthetic
from hostile_cases import ASSIGNMENT, CASES

from mvs_course.grading.course import Course
from mvs_course.grading.release import release
from mvs_course.grading.sandbox import isolation

pytestmark = pytest.mark.slow
SAFE = [
    "IPython input transformer",
    "monkeypatched helpers and magic objects",
    "custom exception handler, fake AssertionError",
    "tampered schema_version and points",
    "os._exit",
]


@pytest.fixture(scope="module")
def weak_class(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    if os.geteuid() != 0:
        pytest.skip("the fresh-uid level needs root")
    mp.setenv("MVS_SANDBOX_BWRAP", "/nonexistent/bwrap")  # bubblewrap unavailable
    isolation.isolation_level.cache_clear()
    try:
        base = tmp_path_factory.mktemp("fallback")
        course = Course.open(base / "course", project=_root(), release_dir=base / "exercises")
        release(course, [ASSIGNMENT])
        ctx = _context(course)
        _write(course, "honest-solution", synthetic.fill(ctx.release_nb, ctx.solution))
        _write(
            course,
            "honest-wrong-career",
            synthetic.fill(ctx.release_nb, {**ctx.solution, "career": ctx.wrong["career"]}),
        )
        for case in CASES:
            if case.name in SAFE:
                _write(course, slug(case.name), case.build(ctx))
        outcomes = grade_in_sandbox(course, course.submissions(ASSIGNMENT))
        totals, _ = _scores(course, list(outcomes))
    finally:
        mp.undo()
        isolation.isolation_level.cache_clear()
    return outcomes, totals


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_weak_level_is_reported(weak_class):
    outcomes, _ = weak_class
    assert {o["isolation"] for o in outcomes.values()} == {"user"}
    assert any("NO NAMESPACES" in o["log"] for o in outcomes.values())


@pytest.mark.parametrize("name", SAFE)
def test_gaming_still_fails_without_isolation(weak_class, name):
    _, totals = weak_class
    case = next(c for c in CASES if c.name == name)
    assert totals[slug(name)] == case.earned


def test_honest_scores_unchanged_without_isolation(weak_class):
    _, totals = weak_class
    assert totals["honest-solution"] == 12
    assert totals["honest-wrong-career"] == 11
