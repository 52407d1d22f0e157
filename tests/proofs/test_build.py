"""`mvs-course build`: the committed project is up to date, check mode names what is stale and
writes nothing, and a build brings a changed project up to date without a gradebook."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from graded_classes import ROOT

from mvs_course.authoring.build import UP_TO_DATE, build
from mvs_course.grading.course import CourseError

# one worker builds the graded classes once (pytest-xdist: --dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("proofs")]


A = "04_pull_push_art_science"


def test_committed_project_is_up_to_date():
    assert build(ROOT, check=True) == [UP_TO_DATE], "run: mvs-course build"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of what build reads and writes, with one assignment."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", copy)
    for folder in (f"solutions/{A}", f"exercises/{A}", "course"):
        shutil.copytree(ROOT / folder, copy / folder)
    data = copy / "src/mvs_course/checks/data"
    data.mkdir(parents=True)
    shutil.copy(ROOT / f"src/mvs_course/checks/data/{A}.json", data)
    return copy


def test_check_names_what_is_stale_and_build_fixes_it(project):
    source = next((project / "solutions" / A).glob("*.ipynb"))
    nb = nbformat.read(source, as_version=4)
    test = next(c for c in nb.cells if c.get("id") == "test_qualify")  # a visible line: release and checks
    test.source = test.source.replace(
        'responsible_for("generate leads")', 'responsible_for("Generate leads")'
    )
    nbformat.write(nb, source)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    stale = build(project, check=True)
    assert f"src/mvs_course/checks/data/{A}.json is out of date" in stale
    assert any(line.startswith(f"exercises/{A}/") and "out of date" in line for line in stale)
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before, "check mode wrote"
    done = build(project)
    assert any("updated" in line for line in done)
    assert build(project, check=True) == [UP_TO_DATE]
    assert not list(project.rglob("gradebook.db")), "build never leaves a gradebook behind"


def test_a_broken_solution_is_a_plain_error(project):
    source = next((project / "solutions" / A).glob("*.ipynb"))
    nb = nbformat.read(source, as_version=4)
    answer = next(c for c in nb.cells if c.get("id") == "qualify")
    answer.source = answer.source.replace('"qualify": "sales"', '"qualify": "marketing"')
    nbformat.write(nb, source)
    with pytest.raises(CourseError, match="solution fails the hidden test for 'the three stages'"):
        build(project, check=True)
