"""Download my work / upload it again / progress: zip layout, safe restore, widgets, and a zip
that grades with full marks once placed where `mvs-course collect` puts submissions."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from mvs_course.checks import progress
from mvs_course.checks.core import load_all
from mvs_course.grading import synthetic
from mvs_course.grading.course import Course
from mvs_course.grading.grade import grade
from mvs_course.grading.release import release
from mvs_course.grading.scores import totals
from mvs_course.submission import parse_submission_name
from mvs_course.widgets import DownloadWork, RestoreWork
from mvs_course.widgets.progress import progress_table
from mvs_course.workspace import WorkspaceError, find_exercises, restore_work, write_zip, zip_bytes

ROOT = Path(__file__).resolve().parent.parent
A = "01_buyer_vs_seller"
NB = "buyer_vs_seller.ipynb"


@pytest.fixture(autouse=True)
def _private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("MVS_PROGRESS_FILE", str(tmp_path / "progress.json"))


@pytest.fixture
def exercises(tmp_path) -> Path:
    """A learner's copy of exercises/ with assignment 1 answered correctly."""
    folder = tmp_path / "project" / "exercises"
    shutil.copytree(ROOT / "exercises", folder)
    answers = synthetic.solution_answers(ROOT / "solutions" / A / NB)
    nbformat.write(synthetic.fill(folder / A / NB, answers), folder / A / NB)
    return folder


def test_zip_has_the_layout_collect_reads(exercises, tmp_path):
    path = write_zip("Ana Smith", exercises, A, tmp_path / "out")
    assert path.name == f"Ana-Smith__{A}.zip"
    assert parse_submission_name(path.name) == ("Ana-Smith", A)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [f"{A}/{NB}"]
        assert archive.read(f"{A}/{NB}") == (exercises / A / NB).read_bytes()


def test_find_exercises_from_inside_and_above(exercises, monkeypatch):
    monkeypatch.delenv("MVS_EXERCISES", raising=False)
    assert find_exercises(exercises / A) == exercises
    (exercises.parent / "course").mkdir()
    assert find_exercises(exercises.parent / "course") == exercises
    assert find_exercises(exercises.parent) == exercises


def test_restore_never_overwrites_newer_work(exercises, tmp_path):
    data = zip_bytes(exercises, A)
    target = exercises / A / NB
    assert restore_work(data, exercises).unchanged == [f"{A}/{NB}"]
    shutil.copy(ROOT / "exercises" / A / NB, target)  # a fresh session: the untouched release
    report = restore_work(data, exercises)
    assert report.restored == [f"{A}/{NB}"] and target.read_bytes() == data_member(data)
    nb = nbformat.read(target, as_version=4)
    nb.cells[0].source += "\nnewer edit"
    nbformat.write(nb, target)
    future = time.time() + 3600
    os.utime(target, (future, future))
    report = restore_work(data, exercises)
    assert report.kept == [f"{A}/{NB}"]
    assert "newer edit" in target.read_text()
    assert (exercises / A / "buyer_vs_seller.from-zip.ipynb").read_bytes() == data_member(data)
    assert "Kept your newer" in report.summary()


def data_member(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"{A}/{NB}")


def test_restore_refuses_paths_outside_exercises(exercises):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.ipynb", "{}")
    with pytest.raises(WorkspaceError, match="should hold"):
        restore_work(buffer.getvalue(), exercises)
    with pytest.raises(WorkspaceError, match="not named"):
        restore_work(exercises / "homework.zip", exercises)


def test_download_widget_offers_the_zip_as_a_link(exercises, monkeypatch, tmp_path):
    monkeypatch.setenv("MVS_NOTES_FILE", str(tmp_path / "notes.json"))
    widget = DownloadWork(A, exercises=exercises)
    assert widget.student.description == "Student id" and widget.button.tooltip
    widget.student.value = ""
    assert widget.prepare() is None and "student id" in widget.link.value
    widget.student.value = "ana"
    data = widget.prepare()
    assert f"download='ana__{A}.zip'" in widget.link.value
    encoded = re.search(r"base64,([A-Za-z0-9+/=]+)", widget.link.value).group(1)
    assert base64.b64decode(encoded) == data
    assert DownloadWork(A, exercises=exercises).student.value == "ana", "the id is remembered"
    menu = DownloadWork(exercises=exercises)
    assert A in menu.assignment.options


def test_restore_widget_reports(exercises):
    data = zip_bytes(exercises, A)
    shutil.copy(ROOT / "exercises" / A / NB, exercises / A / NB)
    widget = RestoreWork(exercises=exercises)
    assert "Restored" in widget.restore(data)
    assert "Could not read" in widget.restore(b"not a zip")


def test_progress_summary_and_table(exercises, monkeypatch):
    monkeypatch.setenv("MVS_EXERCISES", str(exercises))
    count = len(load_all()[A]["checks"])
    assert "– not run" in progress_table() and f"0 of {count}" in progress_table()
    progress.record(A, "career", True)
    progress.record(A, "aida", False)
    (row,) = [
        r for r in progress.summary({A: {"checks": {"career": {}, "aida": {}}}}, progress.load_progress())
    ]
    assert row["passed"] == ["career"] and row["not_yet"] == ["aida"]
    table = progress_table()
    assert f"1 of {count}" in table and "career: ✔ right" in table and "aida: ✘ not yet" in table


def test_downloaded_zip_grades_full_marks(exercises, tmp_path):
    """The zip goes through `collect` (or, before the instructor's collect is merged, is unpacked
    into submitted/<student>/ exactly as collect would) and grades with full marks."""
    zipped = write_zip("ana", exercises, A, tmp_path / "downloads")
    course = Course.open(tmp_path / "grading", project=ROOT, release_dir=tmp_path / "release")
    release(course, [A])
    student, assignment = parse_submission_name(zipped.name)
    try:
        from mvs_course.grading.collect import collect
    except ImportError:
        with zipfile.ZipFile(zipped) as archive:
            archive.extractall(course.course_dir / "submitted" / student)
    else:
        report = collect(course, assignment, [zipped])
        assert [p.student for p in report.placed] == ["ana"] and not report.unplaced
    assert (course.course_dir / "submitted" / "ana" / A / NB).is_file()
    results = grade(course, assignment)
    assert [r.ok for r in results] == [True]
    maximum = sum(synthetic.graded_items(ROOT / "solutions" / A / NB).values())
    assert totals(course, assignment) == {"ana": maximum}


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "exercises").glob("*/*.ipynb")), ids=lambda p: p.parent.name
)
def test_every_exercise_warns_about_culling_and_offers_download(notebook):
    cells = {c.get("id"): c.source for c in nbformat.read(notebook, as_version=4).cells}
    assert "about ten minutes" in cells.get("save-work-note", ""), "run: mvs-course build"
    assert f'download_work("{notebook.parent.name}")' in cells.get("save-work", "")


def test_start_page_warns_and_offers_download_upload_progress():
    text = "\n".join(
        c.source for c in nbformat.read(ROOT / "course" / "00_start_here.ipynb", as_version=4).cells
    )
    for needed in (
        "about ten minutes",
        "download_work()",
        "restore_upload()",
        "progress_view()",
        "restore_work(",
    ):
        assert needed in text


def test_run_my_checks_now_records_progress(exercises, monkeypatch):
    from mvs_course.widgets import ProgressView

    view = ProgressView(exercises=exercises)
    count = len(load_all()[A]["checks"])
    assert f"0 of {count}" in view.table.value
    for other in exercises.iterdir():  # only assignment 1 is answered; keep the run short
        if other.name != A:
            shutil.rmtree(other)
    assert view.rerun() == "Ran the checks of 1 notebook(s)."
    assert f"{count} of {count}" in view.table.value
