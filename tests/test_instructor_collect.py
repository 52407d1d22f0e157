"""collect never overwrites silently and says what it could not place; small grading helpers."""

from __future__ import annotations

import zipfile

import nbformat
import pytest
from conftest import ASSIGNMENTS, ROOT
from nbformat.v4 import new_code_cell, new_notebook

from mvs_course.grading.collect import collect
from mvs_course.grading.course import Course
from mvs_course.grading.grade import failure_reason

ASSIGNMENT = ASSIGNMENTS[0]


@pytest.fixture
def course(tmp_path):
    return Course.open(tmp_path / "course", project=ROOT)


@pytest.fixture
def nb_name():
    return sorted((ROOT / "solutions" / ASSIGNMENT).glob("*.ipynb"))[0].name


def _nb(text: str) -> bytes:
    return nbformat.writes(new_notebook(cells=[new_code_cell(text)])).encode()


def test_a_changed_resubmission_moves_the_earlier_one_to_superseded(course, tmp_path):
    path = tmp_path / f"ana__{ASSIGNMENT}.ipynb"
    path.write_bytes(_nb("x = 1"))
    first = collect(course, ASSIGNMENT, [path])
    assert [p.student for p in first.placed] == ["ana"] and first.placed[0].superseded is None

    again = collect(course, ASSIGNMENT, [path])
    assert again.unchanged == [str(path)] and not again.placed

    path.write_bytes(_nb("x = 2"))
    changed = collect(course, ASSIGNMENT, [path])
    (placed,) = changed.placed
    assert placed.superseded is not None and placed.superseded.is_relative_to(
        course.course_dir / "superseded"
    )
    assert b"x = 1" in placed.superseded.read_bytes()
    assert b"x = 2" in placed.dest.read_bytes()


def test_unplaceable_inputs_are_reported_with_a_reason(course, tmp_path, nb_name):
    other = tmp_path / "bo__another_assignment.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr(f"another_assignment/{nb_name}", _nb("y = 1"))
    bulk = tmp_path / "bulk.zip"
    with zipfile.ZipFile(bulk, "w") as zf:
        zf.writestr("__MACOSX/._junk.ipynb", b"junk")  # never a submission, never reported
        zf.writestr("cara_1_2_report.pdf", b"%PDF")
        zf.writestr("notes.ipynb", _nb("z = 1"))
    report = collect(course, ASSIGNMENT, [other, bulk])
    reasons = {u.source.rsplit(":", 1)[-1]: u.reason for u in report.unplaced}
    assert not report.placed
    assert "another_assignment" in reasons[f"another_assignment/{nb_name}"]
    assert "not a notebook" in reasons["cara_1_2_report.pdf"]
    assert "--student" in reasons["notes.ipynb"]
    assert not any("__MACOSX" in key for key in reasons)


def test_student_option_places_an_anonymous_download(course, tmp_path):
    path = tmp_path / "Untitled (1).ipynb"
    path.write_bytes(_nb("x = 1"))
    report = collect(course, ASSIGNMENT, [path], student="Dora M")
    (placed,) = report.placed
    assert placed.student == "Dora-M"
    assert placed.dest.parent == course.course_dir / "submitted" / "Dora-M" / ASSIGNMENT


def test_a_broken_notebook_is_placed_with_a_warning(course, tmp_path):
    path = tmp_path / f"eve__{ASSIGNMENT}.ipynb"
    path.write_text("{not json")
    (placed,) = collect(course, ASSIGNMENT, [path]).placed
    assert "not a valid notebook" in placed.warning


def test_failure_reason_names_the_real_exception():
    log = "Traceback ...\n    nbformat.reader.NotJSONError: Notebook does not appear to be JSON\n[ERROR] x"
    error = "nbgrader.converters.base.NbGraderException: Please see the the above traceback"
    assert failure_reason({"log": log, "error": error}).startswith("nbformat.reader.NotJSONError")
