"""exercises/ is what nbgrader generates from solutions/: regenerate and compare."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import ASSIGNMENTS

from mvs_course.grading.release import leaks

ROOT = Path(__file__).resolve().parent.parent


def _cells(path: Path) -> list[tuple]:
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader"), c.metadata.get("tags")) for c in nb.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_is_fresh(graded, assignment):
    fresh_dir = graded[assignment].course.release_dir / assignment
    committed_dir = ROOT / "exercises" / assignment
    fresh = sorted(p.name for p in fresh_dir.glob("*.ipynb"))
    assert fresh == sorted(p.name for p in committed_dir.glob("*.ipynb")), "run: mvs-course release"
    for name in fresh:
        assert _cells(committed_dir / name) == _cells(fresh_dir / name), (
            f"exercises/{assignment}/{name} is stale: run mvs-course release"
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solution_or_hidden_tests(assignment):
    assert leaks(ROOT / "exercises" / assignment) == []
