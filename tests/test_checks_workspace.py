"""Download my work / upload it again / progress: zip layout, safe restore, widgets, and a zip
that grades with full marks once placed where `mvs-course collect` puts submissions."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from fixtures import synthetic

from mvs_course.checks import progress
from mvs_course.checks.core import load_all
from mvs_course.grading.course import Course
from mvs_course.grading.grade import grade
from mvs_course.grading.release import release
from mvs_course.grading.scores import totals
from mvs_course.submission import parse_submission_name
from mvs_course.widgets import DownloadWork, RestoreWork
from mvs_course.widgets.progress import progress_table
from mvs_course.workspace import (
    WorkspaceError,
    find_course,
    find_exercises,
    lesson_notebooks,
    restore_work,
    write_zip,
    zip_bytes,
)

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


# --- Lessons: reflections live in the lesson notebooks; changed ones travel in the zip's course/.

LESSON = "01_buyer_vs_seller.ipynb"
OTHER_LESSON = "02_process_goals_quotas.ipynb"


def write_reflection(path: Path, text: str, when: float | None = None) -> None:
    """Type ``text`` into the first reflection cell of lesson ``path`` and save it (at ``when``)."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "reflection" in c.metadata.get("tags", []))
    cell.source += f"\n\n{text}"
    nbformat.write(nb, path)
    if when is not None:
        os.utime(path, (when, when))


@pytest.fixture
def course(exercises) -> Path:
    """The learner's course/ beside exercises/: every lesson as shipped, lesson 1 with a reflection."""
    folder = exercises.parent / "course"
    shutil.copytree(ROOT / "course", folder)
    write_reflection(folder / LESSON, "Marketing is the story; sales is the conversation.")
    return folder


def test_every_lesson_with_reflections_is_stamped_as_shipped():
    shipped = lesson_notebooks(ROOT / "course")
    assert shipped == [], f"run mvs-course build: {[p.name for p in shipped]} not stamped"
    assert find_course(ROOT / "exercises" / A, home=ROOT) == ROOT / "course"


def test_zip_carries_the_changed_lessons_beside_the_assignment(course, exercises):
    assert lesson_notebooks(course) == [course / LESSON], "unchanged lessons stay out of the zip"
    running = nbformat.read(course / OTHER_LESSON, as_version=4)  # outputs are not the learner's work
    running.cells[-1].outputs = [nbformat.v4.new_output("stream", text="ran")]
    nbformat.write(running, course / OTHER_LESSON)
    assert lesson_notebooks(course) == [course / LESSON]
    with zipfile.ZipFile(io.BytesIO(zip_bytes(exercises, A))) as archive:
        assert archive.namelist() == [f"{A}/{NB}", f"course/{LESSON}"]
        assert archive.read(f"course/{LESSON}") == (course / LESSON).read_bytes()


def test_restore_puts_lessons_back_and_never_overwrites_a_newer_one(course, exercises):
    data = zip_bytes(exercises, A)
    zipped = member(data, f"course/{LESSON}")
    assert restore_work(data, exercises).unchanged == [f"{A}/{NB}", f"course/{LESSON}"]
    later = time.time() + 3600
    shutil.copy(ROOT / "course" / LESSON, course / LESSON)  # a fresh session: the lesson as shipped,
    os.utime(course / LESSON, (later, later))  # newer than the zip yet holding nothing of the learner's
    report = restore_work(data, exercises)
    assert report.restored == [f"course/{LESSON}"] and (course / LESSON).read_bytes() == zipped
    assert f"Your lessons are in {course}" in report.summary()
    write_reflection(course / LESSON, "Written after the download.", when=later)
    report = restore_work(data, exercises)
    assert report.kept == [f"course/{LESSON}"]
    assert "Written after the download." in (course / LESSON).read_text()
    assert (course / "01_buyer_vs_seller.from-zip.ipynb").read_bytes() == zipped
    assert lesson_notebooks(course) == [course / LESSON], "the set-aside copy never travels again"
    shutil.rmtree(course)  # no course folder at all: the lessons go beside exercises/
    report = restore_work(data, exercises)
    assert (course / LESSON).read_bytes() == zipped and report.folders["course"] == course


def test_restore_refuses_course_members_that_are_not_lessons(exercises):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("course/notes.ipynb", "{}")
    with pytest.raises(WorkspaceError, match="should hold"):
        restore_work(buffer.getvalue(), exercises)


def member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


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
    menu = DownloadWork(exercises=exercises, start=exercises.parent, home=tmp_path)
    assert (A, str(exercises / A)) in menu.assignment.options


def test_student_id_store_survives_a_broken_file(tmp_path, monkeypatch):
    from mvs_course.workspace import remember_student, remembered_student

    path = tmp_path / "store" / "notes.json"
    monkeypatch.setenv("MVS_NOTES_FILE", str(path))
    assert remembered_student() == ""
    remember_student("ana")
    assert remembered_student() == "ana"
    path.write_text("{not json")
    assert remembered_student() == ""
    remember_student("bo")  # a broken store is replaced, never a traceback
    assert remembered_student() == "bo"


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


def test_a_zip_with_lessons_collects_only_the_assignment(course, exercises, tmp_path):
    """A lesson saved after the assignment must never be taken for the assignment's notebook."""
    later = time.time() + 60
    os.utime(course / LESSON, (later, later))
    zipped = write_zip("ana", exercises, A, tmp_path / "downloads")
    assert member(zipped.read_bytes(), f"course/{LESSON}")
    grading = Course.open(tmp_path / "grading", project=ROOT, release_dir=tmp_path / "release")
    release(grading, [A])
    from mvs_course.grading.collect import collect

    report = collect(grading, A, [zipped])
    assert [p.source.endswith(f"{A}/{NB}") for p in report.placed] == [True], report.lines()
    assert not report.unplaced and any(f"course/{LESSON}" in s for s in report.skipped), report.lines()
    placed = grading.course_dir / "submitted" / "ana" / A / NB
    assert placed.read_bytes() == (exercises / A / NB).read_bytes()


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


# --- The fetched layout: nbgrader's Fetch puts a release in <root>/<assignment>/ or
# <root>/<course id>/<assignment>/ (usually the home folder on JupyterHub), not in exercises/.


@pytest.fixture
def hub_home(tmp_path) -> Path:
    """A hub user's home: the student edition cloned in mvs-student/, assignment 1 fetched to
    ~/<A>/ (answered), assignment 2 fetched with the course id, instructor and hidden copies."""
    home = tmp_path / "home"
    shutil.copytree(ROOT / "exercises", home / "mvs-student" / "exercises")
    (home / "mvs-student" / "course").mkdir()
    shutil.copytree(ROOT / "exercises" / A, home / A)
    answers = synthetic.solution_answers(ROOT / "solutions" / A / NB)
    nbformat.write(synthetic.fill(home / A / NB, answers), home / A / NB)
    second = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.name != A)[0]
    shutil.copytree(ROOT / "exercises" / second, home / "marketing-vs-sales" / second)
    for path in (home / "marketing-vs-sales" / second).glob("*.ipynb"):
        os.utime(path)  # fetched just now
    for hidden in ("source", ".cache"):  # an instructor's copy and a hidden one never count
        shutil.copytree(ROOT / "solutions" / A, home / hidden / A)
    old = time.time() - 3600
    for path in (home / "mvs-student" / "exercises").rglob("*.ipynb"):
        os.utime(path, (old, old))
    return home


def test_find_work_sees_both_layouts(hub_home):
    from mvs_course.workspace import find_work

    start = hub_home / "mvs-student" / "course"
    found = find_work(start, home=hub_home)
    copies = [(w.layout, w.where(hub_home)) for w in found[A]]
    assert copies == [("fetched", f"~/{A}"), ("exercises", f"~/mvs-student/exercises/{A}")]
    second = sorted(found)[1]
    assert [w.where(hub_home) for w in found[second]][0] == f"~/marketing-vs-sales/{second}"
    everywhere = [w.folder for works in found.values() for w in works]
    assert not [f for f in everywhere if "source" in f.parts or ".cache" in f.parts]
    # in the older exercises/ copy's own folder, that copy comes first
    inside = find_work(hub_home / "mvs-student" / "exercises" / A, home=hub_home)[A]
    assert inside[0].layout == "exercises"


def test_download_works_in_the_fetched_layout(hub_home, monkeypatch, tmp_path):
    """Was: 'Cannot find an exercises/ folder' in a fetched notebook with no course folder above."""
    monkeypatch.setenv("MVS_NOTES_FILE", str(tmp_path / "notes.json"))
    shutil.rmtree(hub_home / "mvs-student")
    widget = DownloadWork(A, start=hub_home / A, home=hub_home)
    widget.student.value = "ana"
    data = widget.prepare()
    assert data is not None, widget.link.value
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"{A}/{NB}"]
        assert archive.read(f"{A}/{NB}") == (hub_home / A / NB).read_bytes()
    assert f"download='ana__{A}.zip'" in widget.link.value and f"~/{A}" in widget.link.value


def test_start_page_menu_lists_every_copy(hub_home, monkeypatch, tmp_path):
    monkeypatch.setenv("MVS_NOTES_FILE", str(tmp_path / "notes.json"))
    menu = DownloadWork(start=hub_home / "mvs-student" / "course", home=hub_home)
    labels = [label for label, _ in menu.assignment.options]
    assert f"{A} (~/{A})" in labels and f"{A} (~/mvs-student/exercises/{A})" in labels
    assert menu.assignment.value == str((hub_home / A).resolve()), "the copy saved last first"
    menu.student.value = "ana"
    assert data_member(menu.prepare()) == (hub_home / A / NB).read_bytes()
    menu.assignment.value = str((hub_home / "mvs-student" / "exercises" / A).resolve())
    assert data_member(menu.prepare()) == (ROOT / "exercises" / A / NB).read_bytes()


def test_fetched_work_travels_with_the_lessons_of_the_cloned_course(hub_home, monkeypatch, tmp_path):
    """On a hub the lessons are in the student edition's clone, the assignment fetched beside it."""
    monkeypatch.setenv("MVS_NOTES_FILE", str(tmp_path / "notes.json"))
    lessons = hub_home / "mvs-student" / "course"
    shutil.rmtree(lessons)
    shutil.copytree(ROOT / "course", lessons)
    write_reflection(lessons / LESSON, "Sales asks; marketing tells.")
    widget = DownloadWork(A, start=hub_home / A, home=hub_home)
    widget.student.value = "ana"
    data = widget.prepare()
    assert member(data, f"course/{LESSON}") == (lessons / LESSON).read_bytes()
    assert f"your reflections in {LESSON} from ~/mvs-student/course" in widget.link.value
    shutil.copy(ROOT / "course" / LESSON, lessons / LESSON)  # the clone made again, as shipped
    report = restore_work(data, start=hub_home, home=hub_home)
    assert f"course/{LESSON}" in report.restored and report.folders["course"] == lessons.resolve()
    assert "Sales asks; marketing tells." in (lessons / LESSON).read_text()


def test_restore_goes_back_to_the_fetched_copy(hub_home):
    data = zip_bytes(hub_home, A)
    shutil.rmtree(hub_home / "mvs-student")
    shutil.copy(ROOT / "exercises" / A / NB, hub_home / A / NB)  # a fresh fetch
    report = restore_work(data, start=hub_home, home=hub_home)
    assert report.restored == [f"{A}/{NB}"] and report.folders[A] == (hub_home / A).resolve()
    assert (hub_home / A / NB).read_bytes() == data_member(data)
    assert f"is in {(hub_home / A).resolve()}" in report.summary()
    widget = RestoreWork(start=hub_home, home=hub_home)
    assert "Already up to date" in widget.restore(data)


def test_restore_without_any_copy_uses_exercises_else_home(hub_home):
    data = zip_bytes(hub_home, A)
    shutil.rmtree(hub_home / A)
    report = restore_work(data, start=hub_home / "mvs-student" / "course", home=hub_home)
    assert report.folders[A] == (hub_home / "mvs-student" / "exercises" / A).resolve()
    shutil.rmtree(hub_home / "mvs-student")
    report = restore_work(data, start=hub_home, home=hub_home)
    assert report.restored == [f"{A}/{NB}"] and (hub_home / A / NB).read_bytes() == data_member(data)


def test_progress_table_in_the_fetched_layout(hub_home):
    start = hub_home / "mvs-student" / "course"
    progress.record(A, "career", True)
    stamp = time.time() - 600  # the check ran ten minutes ago ...
    saved = progress.load_progress()
    saved[A]["career"]["time"] = datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")
    progress.progress_file().write_text(json.dumps(saved))
    table = progress_table(start=start, home=hub_home)
    assert f"in ~/{A}" in table and "career: ✔ right" in table
    assert "Changed since the last check" in table  # ... and the fetched notebook was saved since


def test_is_work_folder_tells_learner_copies_from_instructor_copies(tmp_path):
    from mvs_course.workspace import is_work_folder

    for learner in ("exercises", "home/jovyan", "home/jovyan/marketing-vs-sales"):
        assert is_work_folder(tmp_path / learner / A, A), learner
    for other in ("solutions", "source", "release", "submitted/ana", "autograded/ana", "feedback/ana"):
        assert not is_work_folder(tmp_path / other / A, A), other
    assert not is_work_folder(tmp_path / "exercises" / A, "02_other")


def test_run_my_checks_now_in_the_fetched_layout(hub_home):
    from mvs_course.widgets import ProgressView

    shutil.rmtree(hub_home / "mvs-student")
    shutil.rmtree(hub_home / "marketing-vs-sales")
    view = ProgressView(start=hub_home, home=hub_home)
    count = len(load_all()[A]["checks"])
    assert view.rerun() == "Ran the checks of 1 notebook(s)."
    assert f"{count} of {count}" in view.table.value


def test_learner_widgets_import_without_the_heavy_libraries():
    """Importing the download and progress widgets must not pull nbformat (jsonschema,
    rfc3987_syntax: over a second), nbclient, pandas or matplotlib: the start page's first
    widget waits for them. The widgets package's own __init__ is bypassed on purpose."""
    code = (
        "import sys, types, importlib.util, pathlib\n"
        "import mvs_course\n"
        "pkg = types.ModuleType('mvs_course.widgets')\n"
        "pkg.__path__ = [str(pathlib.Path(mvs_course.__file__).parent / 'widgets')]\n"
        "sys.modules['mvs_course.widgets'] = pkg\n"
        "import mvs_course.workspace, mvs_course.widgets.download, mvs_course.widgets.progress\n"
        "heavy = ['nbformat', 'jsonschema', 'nbclient', 'pandas', 'numpy', 'matplotlib']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_download_widget_is_not_built_while_grading(monkeypatch):
    from mvs_course.widgets import download_work

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert download_work("01_buyer_vs_seller") is None
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert download_work("01_buyer_vs_seller") is not None


def test_download_cell_imports_no_ipywidgets_while_grading():
    """Every assignment's first cell, in a plain nbgrader kernel: nothing to draw, nothing heavy
    imported (ipywidgets would cost each graded submission ~0.15 s of CPU)."""
    from fixtures.imports import loaded_by

    code = "from mvs_course.widgets import download_work\ndownload_work('01_buyer_vs_seller')"
    grading = {"NBGRADER_EXECUTION": "autograde"}
    assert loaded_by(code, ["ipywidgets", "nbformat", "pandas"], env=grading) == []
