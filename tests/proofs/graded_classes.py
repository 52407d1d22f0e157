"""Graded classes for the proofs: submissions built from the releases, graded through the public
grading API with each engine, and the learner's verdicts from the same notebooks.

Per assignment the class holds ``solution``, ``blank`` (the release untouched), one
``mutant-<test id>`` per wrong answer in tests/mutants/, and ``alt-<k>`` built from
tests/alternatives/<assignment>.py (``ALTERNATIVES = {answer id: [code, ...]}``): submission
``alt-k`` takes the k-th alternative of every item that has one, the solution elsewhere; and the
honest-but-unusual set ``unusual-<kind>`` from tests/unusual/ (magics, shell lines, exception
subclasses, prints, plots, widgets, helper cells, star imports), with cells of their own.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import mutants
import nbformat
import unusual
from nbgrader.api import Gradebook, MissingEntry

from mvs_course import nbmeta
from mvs_course.authoring.items import items
from mvs_course.authoring.release_cells import generated

ROOT = Path(__file__).resolve().parents[2]
ALTERNATIVES_DIR = ROOT / "tests" / "alternatives"
ENGINES = ("sandbox", "nbgrader")
CELL_SECONDS = 20  # a learner's cell that runs longer is stopped (an endless loop in a mutant)


@dataclass
class Item:
    answer: str  # the answer cell's grade id
    tests: dict[str, float]  # test grade id -> points


@dataclass
class Assignment:
    name: str
    notebook: str
    items: list[Item]
    written: dict[str, float]  # manually graded answer id -> points
    submissions: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> {answer id: code}
    # student -> ({answer id: [own cells before it]}, {answer id: [own cells after it]})
    own_cells: dict[str, tuple[dict, dict]] = field(default_factory=dict)

    @property
    def points(self) -> dict[str, float]:
        return {t: p for item in self.items for t, p in item.tests.items()}


def load_alternatives(assignment: str) -> dict[str, list[str]]:
    path = ALTERNATIVES_DIR / f"{assignment}.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"alternatives_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return dict(module.ALTERNATIVES)


def describe(assignment: str) -> Assignment:
    """Items, written answers and submissions of one assignment, from its solution notebook."""
    source = next((ROOT / "solutions" / assignment).glob("*.ipynb"))
    nb = nbformat.read(source, as_version=4)
    found, written, solution = [], {}, {}
    for item in items(nb):
        solution[item.answer_id] = nbmeta.strip_solution_markers(item.answer.source)
        if item.manual:
            written[item.answer_id] = nbmeta.points(item.answer)
        else:
            found.append(Item(item.answer_id, {nbmeta.grade_id(t): nbmeta.points(t) for t in item.tests}))
    spec = Assignment(assignment, source.name, found, written)
    spec.submissions = {"solution": solution, "blank": {}}
    owner = {t: item.answer for item in found for t in item.tests}
    for test_id, (answer_id, code) in mutants.load().get(assignment, {}).items():
        assert owner.get(test_id) == answer_id, f"mutant {test_id} should replace answer {owner.get(test_id)}"
        spec.submissions[f"mutant-{test_id}"] = {**solution, answer_id: code}
    alternatives = load_alternatives(assignment)
    unknown = sorted(set(alternatives) - {item.answer for item in found})
    assert not unknown, f"tests/alternatives/{assignment}.py names no autograded answer cell: {unknown}"
    for k in range(max((len(v) for v in alternatives.values()), default=0)):
        chosen = {a: codes[k] for a, codes in alternatives.items() if k < len(codes)}
        spec.submissions[f"alt-{k}"] = {**solution, **chosen}
    for student, sub in unusual.unusual(solution, set(written)).items():
        spec.submissions[student] = sub.answers
        spec.own_cells[student] = (sub.before, sub.after)
    return spec


def filled(
    release_nb: Path, answers: dict[str, str], own_cells: tuple[dict, dict] = ({}, {})
) -> nbformat.NotebookNode:
    """The released notebook with answer cells replaced by ``answers`` (grade id -> source),
    and the student's own code cells put before and after answer cells (``own_cells``)."""
    nb = nbformat.read(release_nb, as_version=4)
    before, after = own_cells
    cells = []
    for cell in nb.cells:
        gid = nbmeta.grade_id(cell)
        mine = gid in answers and nbmeta.is_answer(cell)
        if mine:
            cell.source = answers[gid]
            cells += [nbformat.v4.new_code_cell(code) for code in before.get(gid, [])]
        cells.append(cell)
        if mine:
            cells += [nbformat.v4.new_code_cell(code) for code in after.get(gid, [])]
    nb.cells = cells
    return nb


def write_submissions(course_dir: Path, release_dir: Path, spec: Assignment) -> None:
    release_nb = release_dir / spec.name / spec.notebook
    for student, answers in spec.submissions.items():
        folder = course_dir / "submitted" / student / spec.name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(
            filled(release_nb, answers, spec.own_cells.get(student, ({}, {}))), folder / spec.notebook
        )


@dataclass
class Grades:
    """What the gradebook says about one assignment: (student, grade id) -> (score, needs manual)."""

    scores: dict[tuple[str, str], float]
    manual: dict[tuple[str, str], bool]
    students: set[str]

    def score(self, student: str, item: str) -> float:
        return self.scores[(student, item)]


def read_grades(db_url: str, assignment: str) -> Grades:
    scores, manual, students = {}, {}, set()
    with Gradebook(db_url) as gb:
        try:
            submissions = gb.assignment_submissions(assignment)
        except MissingEntry:
            submissions = []
        for submission in submissions:
            students.add(submission.student.id)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores[(submission.student.id, grade.name)] = float(grade.score)
                    manual[(submission.student.id, grade.name)] = bool(grade.needs_manual_grade)
    return Grades(scores, manual, students)


# --- the learner's side: run the released notebook in IPython and ask check() ---------------


def _learner_verdicts(job: tuple[str, str, dict[str, str], list[str]]) -> dict[str, object]:
    """In a fresh child process: run the filled release like a learner (every code cell, check
    cells included), then the verdict of every check. Returns {answer id: status} and the
    printed outputs of the inserted check cells."""
    release_nb, workdir, answers, answer_ids, own_cells = job
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    from mvs_course.checks import core

    os.environ.pop("NBGRADER_EXECUTION", None)
    os.environ["MVS_NO_PROGRESS"] = "1"
    os.chdir(workdir)
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)

    def stop(*_):
        raise TimeoutError(f"cell ran longer than {CELL_SECONDS} s")

    signal.signal(signal.SIGALRM, stop)
    printed = {}
    for cell in filled(Path(release_nb), answers, own_cells).cells:
        if cell.cell_type != "code":
            continue
        out = io.StringIO()
        signal.alarm(CELL_SECONDS)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                shell.run_cell(cell.source, store_history=False)
        finally:
            signal.alarm(0)
        if generated(cell) and cell.get("id", "").startswith("check-"):
            printed[cell["id"][len("check-") :]] = out.getvalue()
    verdicts = {}
    for answer in answer_ids:
        signal.alarm(CELL_SECONDS)
        try:
            verdicts[answer] = core.evaluate(answer, shell.user_ns).status
        except TimeoutError:
            verdicts[answer] = "timeout"
        finally:
            signal.alarm(0)
    return {"verdicts": verdicts, "printed": printed}


def _grade_class(job: tuple[str, str, str, str]) -> tuple[list, Grades]:
    """In a child process: grade one assignment's class with one engine, one grading worker."""
    from mvs_course.grading.course import Course
    from mvs_course.grading.grade import grade

    engine, assignment, course_dir, release_dir = job
    course = Course.open(Path(course_dir), project=ROOT, release_dir=Path(release_dir))
    results = grade(course, assignment, jobs=1, engine=engine)
    return results, read_grades(course.db_url, assignment)


def grade_and_check(release_dir: Path, specs: list[Assignment], workdir: Path, processes: int = 2) -> tuple:
    """Every class graded once per engine, and the learner's verdicts on every submission, run
    in ``processes`` fresh processes forked from this warm one.

    Returns ({(engine, assignment): GradeResults}, {(engine, assignment): Grades},
    {(assignment, student): {"verdicts": {answer: status}, "printed": {answer: text}}}).
    """
    import IPython.core.interactiveshell  # noqa: F401 - imported once, before forking
    import nbgrader.apps  # noqa: F401
    import pandas  # noqa: F401

    import mvs_course.checks.core  # noqa: F401
    import mvs_course.grading.grade  # noqa: F401

    grading, graded_keys = [], []
    for engine in ENGINES:
        for spec in specs:
            course_dir = workdir / f"class-{engine}-{spec.name}"
            write_submissions(course_dir, release_dir, spec)
            grading.append((engine, spec.name, str(course_dir), str(release_dir)))
            graded_keys.append((engine, spec.name))
    checking = []
    for spec in specs:
        answer_ids = [item.answer for item in spec.items]
        folder = workdir / "learners" / spec.name
        folder.mkdir(parents=True, exist_ok=True)
        release_nb = str(release_dir / spec.name / spec.notebook)
        checking.append(
            {
                (spec.name, s): (
                    release_nb,
                    str(folder),
                    answers,
                    answer_ids,
                    spec.own_cells.get(s, ({}, {})),
                )
                for s, answers in spec.submissions.items()
            }
        )
    sys.stdout.flush()
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_warm_learner) as pool:
        graded = [pool.submit(_grade_class, job) for job in grading]  # the long jobs first
        checked = [pool.submit(_learner_class, jobs) for jobs in checking]
        graded_out = [future.result() for future in graded]
        learner = {key: out for future in checked for key, out in future.result().items()}
    results = {key: out[0] for key, out in zip(graded_keys, graded_out, strict=True)}
    grades = {key: out[1] for key, out in zip(graded_keys, graded_out, strict=True)}
    return results, grades, learner


def _warm_learner() -> None:
    """In each pool process: import once what the released notebooks import (widgets, plots),
    so that each learner's forked session starts warm; its namespace is fresh all the same."""
    import ipywidgets  # noqa: F401
    import matplotlib.pyplot  # noqa: F401

    import mvs_course.datasets  # noqa: F401
    import mvs_course.lessons.synthesis  # noqa: F401
    import mvs_course.widgets  # noqa: F401


def _learner_class(jobs: dict) -> dict:
    """The learner's verdicts on each submission of one class, each in a fresh forked process."""
    return {key: _in_child(_learner_verdicts, job) for key, job in jobs.items()}


def _in_child(func, arg):
    """``func(arg)`` in a forked child process (a learner's session starts clean)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run():
        try:
            send.send(("ok", func(arg)))
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            send.send(("error", repr(error)))

    child = context.Process(target=run)
    child.start()
    send.close()
    try:
        status, value = receive.recv()
    except EOFError:
        status, value = "error", f"the learner's process died (exit code {child.exitcode})"
    child.join()
    if status != "ok":
        raise RuntimeError(value)
    return value
