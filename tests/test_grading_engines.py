"""The grading core on a toy assignment: tampering found and repaired once, results returned as
data by both engines, and the gradebook recorded once per version of the source."""

from __future__ import annotations

import copy
import gc
import multiprocessing

import nbformat
import pytest
import sqlalchemy
from fixtures import toy
from nbgrader.api import Gradebook

from mvs_course.grading.course import Course
from mvs_course.grading.grade import grade
from mvs_course.grading.preprocessors.repair import RepairMetadata
from mvs_course.grading.release import prepare_gradebook, release
from mvs_course.grading.scores import item_scores

TIMEOUT = 5  # seconds per cell; the looping answer hits it


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    project = toy.make_project(tmp_path_factory.mktemp("toy-project"))
    course = Course.open(tmp_path_factory.mktemp("toy-grading") / "course", project=project)
    release(course, [toy.ASSIGNMENT])
    return course


def _repair(course: Course, nb) -> tuple[nbformat.NotebookNode, list[str]]:
    resources = {
        "nbgrader": {"db_url": course.db_url, "assignment": toy.ASSIGNMENT, "notebook": "toy", "student": "x"}
    }
    nb, resources = RepairMetadata().preprocess(nb, resources)
    return nb, resources["repairs"]


def _released(course: Course) -> nbformat.NotebookNode:
    return nbformat.read(course.release_dir / toy.ASSIGNMENT / toy.NOTEBOOK, as_version=4)


def _cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _ids(nb) -> list[str | None]:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_an_honest_notebook_needs_no_repair(course):
    nb = _released(course)
    before = copy.deepcopy(nb)
    nb, notes = _repair(course, nb)
    assert notes == []
    assert _ids(nb) == _ids(before)


def test_changed_points_are_restored_and_noted(course):
    nb = _released(course)
    _cell(nb, "test_value").metadata.nbgrader.points = 100
    nb, notes = _repair(course, nb)
    assert notes == ["cell 'test_value' has changed nbgrader metadata; restored"]
    assert _cell(nb, "test_value").metadata.nbgrader.points == 1


def test_a_changed_schema_version_is_noted(course):
    nb = _released(course)
    _cell(nb, "test_double").metadata.nbgrader.schema_version = 1
    nb, notes = _repair(course, nb)
    assert notes == ["cell 'test_double' has a changed schema_version; restored"]
    assert _cell(nb, "test_double").metadata.nbgrader.schema_version == 3


def test_a_deleted_test_cell_comes_back_in_place(course):
    nb = _released(course)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_value"]
    nb, notes = _repair(course, nb)
    assert notes == ["cell 'test_value' is missing (deleted); restored from the source"]
    assert _ids(nb) == _ids(_released(course))


def test_stripped_metadata_is_given_back(course):
    nb = _released(course)
    del _cell(nb, "test_double").metadata["nbgrader"]
    nb, notes = _repair(course, nb)
    assert notes == ["cell 'test_double' is missing its nbgrader metadata; restored"]
    assert _ids(nb) == _ids(_released(course))
    assert _cell(nb, "test_double").metadata.nbgrader.grade


def test_duplicates_and_unknown_ids_are_ignored(course):
    nb = _released(course)
    nb.cells.append(copy.deepcopy(_cell(nb, "test_double")))
    stranger = copy.deepcopy(_cell(nb, "test_value"))
    stranger.metadata.nbgrader.grade_id = "free_points"
    nb.cells.append(stranger)
    nb, notes = _repair(course, nb)
    assert notes == [
        f"cell {len(nb.cells) - 1}: an unknown nbgrader id 'free_points' was ignored",
        "cell 'test_double' appears 2 times; only the first counts",
    ]
    assert _ids(nb).count("test_double") == 1 and "free_points" not in _ids(nb)


def test_an_edited_locked_cell_is_noted(course):
    nb = _released(course)
    _cell(nb, "setup").source = "import math\nmath.pi = 3"
    _, notes = _repair(course, nb)
    assert notes == ["locked cell 'setup' was edited; the original is graded"]


@pytest.fixture(scope="module", params=["sandbox", "nbgrader"])
def graded(request, course, tmp_path_factory):
    """The toy class graded by one engine, in a course dir of its own."""
    engine = request.param
    here = Course.open(tmp_path_factory.mktemp(f"toy-{engine}") / "course", project=course.project)
    toy.submission(here, "solution")
    toy.submission(here, "blank", {})
    toy.submission(here, "loop", {**toy.SOLUTION, "value": "while True:\n    pass"})
    deleted = toy.submission(here, "deleted")
    nb = nbformat.read(deleted, as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_value"]
    nbformat.write(nb, deleted)
    broken = toy.submission(here, "broken")
    broken.write_text('{"cells": [')
    results = {r.student: r for r in grade(here, toy.ASSIGNMENT, timeout=TIMEOUT, engine=engine)}
    rows = item_scores(here, toy.ASSIGNMENT)
    scores = {(r.student, r.item): r.score for r in rows.itertuples()}
    return engine, results, scores, here


def test_each_submission_comes_back_as_one_result(graded):
    engine, results, scores, _ = graded
    assert sorted(results) == ["blank", "broken", "deleted", "loop", "solution"]
    assert results["solution"].ok and results["solution"].problems == ()
    assert (scores["solution", "test_double"], scores["solution", "test_value"]) == (2, 1)
    assert results["blank"].ok and scores["blank", "test_double"] == 0
    assert {r.isolation for r in results.values() if r.status != "failed"} != {""}
    if engine == "nbgrader":
        assert {r.isolation for r in results.values() if r.status != "failed"} == {"none"}


def test_a_cell_timeout_is_reported_as_data_and_the_rest_graded(graded):
    _, results, scores, _ = graded
    loop = results["loop"]
    assert (loop.status, loop.timed_out) == ("timeout", True)
    assert (scores["loop", "test_double"], scores["loop", "test_value"]) == (2, 0)
    assert not any(r.timed_out for s, r in results.items() if s != "loop")


def test_a_broken_file_scores_zero_in_plain_words(graded):
    _, results, scores, _ = graded
    broken = results["broken"]
    assert broken.status == "failed"
    assert broken.message.startswith("toy.ipynb is not a valid notebook file (broken JSON")
    assert (scores["broken", "test_double"], scores["broken", "test_value"]) == (0, 0)


def test_a_deleted_test_cell_is_restored_and_graded(graded):
    engine, results, scores, _ = graded
    assert scores["deleted", "test_value"] == 1 and scores["deleted", "test_double"] == 2
    if engine == "sandbox":
        assert results["deleted"].problems == (
            "toy: cell 'test_value' is missing (deleted); restored from the source",
        )


def test_grading_keeps_a_copy_of_the_gradebook_from_before(graded):
    engine, results, scores, here = graded
    with Gradebook(f"sqlite:///{here.course_dir / '.mvs-course' / 'gradebook-before-grading.db'}") as gb:
        assert gb.find_assignment(toy.ASSIGNMENT).notebooks  # recorded before grading began
        assert [s.id for s in gb.students] == []  # and nobody graded yet
    assert ("solution", "test_double") in scores


def _synchronous_in_a_worker(queue) -> None:
    import sqlalchemy

    from mvs_course.grading.grade import _unsynced_sqlite

    _unsynced_sqlite()
    with sqlalchemy.create_engine("sqlite://").connect() as connection:
        queue.put(connection.exec_driver_sql("PRAGMA synchronous").scalar())


def test_grading_workers_commit_without_waiting_for_the_disk():
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_synchronous_in_a_worker, args=(queue,))
    process.start()
    assert queue.get(timeout=60) == 0  # OFF in the worker
    process.join(timeout=60)
    with sqlalchemy.create_engine("sqlite://").connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL here


def test_the_gradebook_is_recorded_once_per_source_version(tmp_path, monkeypatch):
    project = toy.make_project(tmp_path / "project")
    course = Course.open(tmp_path / "course", project=project)
    release(course, [toy.ASSIGNMENT])
    calls = []
    real = Course.api

    def counting(self, **extra):
        calls.append(extra)
        return real(self, **extra)

    monkeypatch.setattr(Course, "api", counting)
    prepare_gradebook(course, toy.ASSIGNMENT)
    assert calls == [], "release recorded this version already"
    source = course.source_dir / toy.ASSIGNMENT / toy.NOTEBOOK
    nb = nbformat.read(source, as_version=4)
    test = toy._meta("test_zero", grade=True, locked=True, points=1)
    nb.cells.append(nbformat.v4.new_code_cell("assert double(0) == 0", metadata=test))
    nbformat.write(nb, source)
    prepare_gradebook(course, toy.ASSIGNMENT)
    prepare_gradebook(course, toy.ASSIGNMENT)
    assert len(calls) == 1
    with course.gradebook() as gb:
        assert "test_zero" in [c.name for c in gb.find_notebook("toy", toy.ASSIGNMENT).grade_cells]


def test_a_kernel_that_does_not_start_is_started_again(course, tmp_path, monkeypatch):
    """nbclient's "Kernel didn't respond" comes before any student code ran: the submission is
    graded again with a new kernel instead of scoring zero (plain nbgrader kernels)."""
    from nbclient import NotebookClient

    here = Course.open(tmp_path / "course", project=course.project)
    toy.submission(here, "solution")
    start = NotebookClient.start_new_kernel_client  # what nbconvert's setup_kernel calls
    starts = []

    def first_start_fails(self):  # in the forked grading process
        client = start(self)
        starts.append(1)
        if len(starts) == 1:  # nbclient's words when the kernel did not answer in time
            raise RuntimeError(f"Kernel didn't respond in {self.startup_timeout} seconds")
        return client

    monkeypatch.setattr(NotebookClient, "start_new_kernel_client", first_start_fails)
    (result,) = grade(here, toy.ASSIGNMENT, jobs=1, engine="nbgrader")
    assert result.ok, result
    scores = item_scores(here, toy.ASSIGNMENT)
    assert scores["score"].sum() == scores["max_score"].sum() > 0


def _report_freeze_count(conn, *_args) -> None:  # stands in for grade._worker in a forked process
    conn.send(gc.get_freeze_count())


def test_grading_processes_fork_with_the_parents_objects_frozen(monkeypatch):
    """Python's collector never walks what a grading process inherited (nor copies its pages);
    the parent collects its own garbage as before."""
    import mvs_course.grading.grade as grading

    monkeypatch.setattr(grading, "_worker", _report_freeze_count)
    frozen = gc.get_freeze_count()  # tests/conftest.py freezes what collection imported
    gc.unfreeze()
    try:
        worker = grading._Worker(multiprocessing.get_context("fork"), [], None)
        try:
            assert worker.conn.recv() > 10_000  # the modules this test process imported, at least
        finally:
            worker.process.join(timeout=60)
        assert gc.get_freeze_count() == 0
        gc.freeze()  # a parent that froze its own heap keeps it frozen
        grading._Worker(multiprocessing.get_context("fork"), [], None).process.join(timeout=60)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
        if frozen:
            gc.freeze()


def test_student_code_runs_with_the_preloaded_modules_frozen(course, tmp_path):
    """The sandbox's worker starts with what its warm parent imported frozen, so a collection
    there walks only what the student's code made."""
    here = Course.open(tmp_path / "course", project=course.project)
    frozen = "import gc\nvalue = 21 if gc.get_freeze_count() > 10_000 else gc.get_freeze_count()"
    toy.submission(here, "frozen", {**toy.SOLUTION, "value": frozen})
    (result,) = grade(here, toy.ASSIGNMENT, timeout=TIMEOUT, engine="sandbox")
    assert result.ok, result.message
    scores = {r.item: r.score for r in item_scores(here, toy.ASSIGNMENT).itertuples()}
    assert scores == {"test_double": 2, "test_value": 1}
