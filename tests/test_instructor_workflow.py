"""End to end on a temp course dir, through the CLI: release -> collect (a downloaded notebook,
a learner zip, Canvas and Moodle bulk zips, a misnamed file) -> grade -> feedback -> report.

The course directory is made by `mvs-course init`, so plain `nbgrader autograde` run in a copy
of it grades with the same settings and must give the same scores; one submission loops
forever and must be cut at the time limit while the others grade.
"""

from __future__ import annotations

import csv
import html
import io
import multiprocessing
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import mutants
import nbformat
import pytest
from conftest import ASSIGNMENTS, ROOT
from fixtures import synthetic
from fixtures.command import command

from mvs_course import nbmeta
from mvs_course.cli import main
from mvs_course.grading.course import Course
from mvs_course.grading.feedback import feedback
from mvs_course.grading.grade import grade, retry_locked
from mvs_course.grading.release import release
from mvs_course.grading.scores import item_scores
from mvs_course.submission import submission_name

ASSIGNMENT = ASSIGNMENTS[0]
TIMEOUT = 3  # seconds per cell for the class below; the looping answer hits it
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _notebook_bytes(course: Course, answers: dict[str, str]) -> tuple[str, bytes]:
    (source_nb,) = sorted((course.source_dir / ASSIGNMENT).glob("*.ipynb"))
    nb = synthetic.fill(course.release_dir / ASSIGNMENT / source_nb.name, answers)
    return source_nb.name, nbformat.writes(nb).encode()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def visible_text(page: Path) -> str:
    """What a reader sees in an HTML page: tags stripped (highlighting splits code into spans)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", text)


def hidden_lines(course: Course) -> list[str]:
    """Source lines that only appear inside hidden-test regions of the assignment."""
    hidden, visible = set(), set()
    for path in (course.source_dir / ASSIGNMENT).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "END HIDDEN TEST" in line:
                    inside = False
                elif line.strip():
                    (hidden if inside else visible).add(re.sub(r"\s+", " ", line.strip()))
    return sorted(line for line in hidden - visible if len(line) > 12)


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """Run the whole workflow once; tests below check its parts."""
    base = tmp_path_factory.mktemp("workflow")
    assert main(["init", str(base / "course")]) == 0
    course = Course.open(base / "course", release_dir=base / "exercises")
    release(course, [ASSIGNMENT])  # a fresh release to build submissions from, not exercises/

    source_nb = sorted((course.source_dir / ASSIGNMENT).glob("*.ipynb"))[0]
    solution = synthetic.solution_answers(source_nb)
    items = synthetic.all_graded_items(source_nb)  # written answers count 0 until graded by hand
    auto = synthetic.graded_items(source_nb)
    (wrong_test, (wrong_answer, wrong_code)), *_ = mutants.load()[ASSIGNMENT].items()
    nb_name, full = _notebook_bytes(course, solution)
    _, blank = _notebook_bytes(course, {})
    _, mutant = _notebook_bytes(course, {**solution, wrong_answer: wrong_code})
    _, looping = _notebook_bytes(course, {**solution, wrong_answer: "while True:\n    pass"})

    inbox = base / "inbox"
    inbox.mkdir()
    inputs = [
        inbox / f"ana__{ASSIGNMENT}.ipynb",  # downloaded from JupyterLab, renamed as asked
        _zip(inbox / submission_name("bo", ASSIGNMENT), {f"{ASSIGNMENT}/{nb_name}": blank}),
        _zip(
            inbox / "canvas_submissions.zip",
            {
                f"smithcara_101_201_{nb_name}": blank,
                f"smithcara_101_202_{Path(nb_name).stem}-1.ipynb": mutant,
            },
        ),
        _zip(inbox / "moodle_submissions.zip", {f"Dan Loop_102_assignsubmission_file_/{nb_name}": looping}),
        inbox / "homework.ipynb",  # no student id anywhere: must be reported, not guessed
    ]
    inputs[0].write_bytes(full)
    inputs[-1].write_bytes(full)
    expected = {
        "ana": sum(auto.values()),
        "bo": 0.0,
        "smithcara": sum(auto.values()) - auto[wrong_test],
        "dan-loop": sum(auto.values()) - auto[wrong_test],
    }

    def cli(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        old, sys.stdout = sys.stdout, out
        try:
            code = main(["--course-dir", str(course.course_dir), *args])
        finally:
            sys.stdout = old
        return code, out.getvalue()

    collected = cli("collect", ASSIGNMENT, *map(str, inputs))
    plain_dir = base / "plain"
    shutil.copytree(course.course_dir, plain_dir)  # same submissions and released gradebook

    started = time.perf_counter()
    graded = cli("grade", ASSIGNMENT, "--timeout", str(TIMEOUT), "--jobs", "2")
    grade_seconds = time.perf_counter() - started
    fed_back = cli("feedback", ASSIGNMENT)
    csv_path, plots = base / "lms" / "grades.csv", base / "plots"
    reported = cli("report", ASSIGNMENT, "--csv", str(csv_path), "--plots", str(plots))
    status = cli("status")
    return {
        "base": base,
        "course": course,
        "plain_dir": plain_dir,
        "items": items,
        "wrong_test": wrong_test,
        "expected": expected,
        "collected": collected,
        "graded": graded,
        "grade_seconds": grade_seconds,
        "fed_back": fed_back,
        "reported": reported,
        "status": status,
        "csv": csv_path,
        "plots": plots,
    }


def test_collect_places_every_form_and_reports_the_misnamed_file(flow):
    code, out = flow["collected"]
    assert code == 0, out
    submitted = flow["course"].course_dir / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(flow["expected"])
    assert "NOT PLACED" in out and "homework.ipynb" in out and "--student" in out
    # Canvas resubmission: the later "-1" file wins, the earlier one is named as older
    assert re.search(r"older .*smithcara_101_201_", out), out


def test_grade_exits_zero_and_cuts_the_infinite_loop(flow):
    code, out = flow["graded"]
    assert code == 0, out
    assert re.search(r"TIMEOUT dan-loop", out), out
    assert "graded 4 submissions, 1 with problems" in out
    # one cell waited TIMEOUT seconds; nothing waited nbgrader's default 30 s
    assert flow["grade_seconds"] < 30 + 25, flow["grade_seconds"]


def test_scores_are_what_each_submission_deserves(flow):
    scores = item_scores(flow["course"], ASSIGNMENT).groupby("student")["score"].sum().to_dict()
    assert scores == flow["expected"]


def test_plain_nbgrader_in_the_course_dir_gives_the_same_scores(flow):
    plain = Course.open(flow["plain_dir"])
    assert plain.project == ROOT  # found through the course dir's nbgrader_config.py
    done = subprocess.run(
        command("nbgrader", "autograde", ASSIGNMENT, "--force", f"--Execute.timeout={TIMEOUT}"),
        cwd=plain.course_dir,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]

    def table(course):
        rows = item_scores(course, ASSIGNMENT)
        return {(r.student, r.item): r.score for r in rows.itertuples()}

    ours, theirs = table(flow["course"]), table(plain)
    assert len(ours) == len(flow["expected"]) * len(flow["items"])
    assert ours == theirs


def test_feedback_hides_hidden_tests_that_nbgraders_default_shows(flow):
    code, out = flow["fed_back"]
    assert code == 0, out
    course = flow["course"]
    secret = hidden_lines(course)
    assert secret, "the assignment has no hidden tests to protect"
    pages = sorted((course.course_dir / "feedback").rglob("*.html"))
    assert len(pages) == len(flow["expected"])
    for page in pages:
        text = visible_text(page)
        assert "Score" in text
        leaked = [line for line in secret if line in text]
        assert not leaked, f"{page}: {leaked[:3]}"
    # the same run with nbgrader's default preprocessors shows them (so the check can fail)
    default = feedback(
        course,
        ASSIGNMENT,
        ["smithcara"],
        preprocessors=[
            "nbgrader.preprocessors.GetGrades",
            "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
        ],
    )
    text = visible_text(default["smithcara"][0])
    assert [line for line in secret if line in text]


def test_report_writes_an_lms_csv_and_png_plots(flow):
    code, out = flow["reported"]
    assert code == 0, out
    with flow["csv"].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = flow["items"]
    assert list(rows[0])[:4] == ["student_id", "score", "max_score", "percentage"]
    assert set(list(rows[0])[4:]) == set(items)
    assert {r["student_id"]: float(r["score"]) for r in rows} == flow["expected"]
    for r in rows:
        assert float(r["max_score"]) == sum(items.values())
        assert float(r["percentage"]) == pytest.approx(
            100 * float(r["score"]) / float(r["max_score"]), abs=0.05
        )
        assert float(r["score"]) == pytest.approx(sum(float(r[i]) for i in items))
    cara = next(r for r in rows if r["student_id"] == "smithcara")
    assert float(cara[flow["wrong_test"]]) == 0
    pngs = sorted(flow["plots"].glob("*.png"))
    assert [p.name for p in pngs] == ["item_means.png", "score_distribution.png"]
    for png in pngs:
        assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 5000
    assert "claim" in out or "000/" in out  # items are labelled by their claims
    manual = [i for i in items if not i.startswith("test_")]
    assert manual, "assignment 1 has a written answer graded by hand"
    # nbgrader scores an untouched written answer 0 by itself (bo's blank); the other three wait
    assert "3 written answer(s) of 3 student(s) still wait for manual grading" in out


def test_status_counts_each_stage(flow):
    code, out = flow["status"]
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith(ASSIGNMENT))
    released, submitted, graded, fed_back = map(int, line.split()[1:])
    assert (released, submitted, graded, fed_back) == (1, 4, 4, 4)


def test_cli_exit_code_is_2_for_instructor_errors(flow, capsys):
    assert main(["grade", "no_such_assignment", "--course-dir", str(flow["course"].course_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("mvs-course: No assignment 'no_such_assignment'")
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.out == "", "nothing (no sandbox banner) before the assignment is known"


def test_a_stuck_worker_is_killed_and_scores_zero(flow, tmp_path):
    """A submission that outlives the wall-clock limit is killed with its kernel; the batch goes on."""
    import psutil

    copy = tmp_path / "course"
    shutil.copytree(flow["plain_dir"], copy)
    course = Course.open(copy, project=ROOT, release_dir=flow["base"] / "exercises")
    # dan's loop waits instead of spinning: stuck all the same, and no core is burnt while the
    # test waits for the kill (the CPU limit, which would stop a spinning loop, is out of reach)
    (notebook,) = (copy / "submitted" / "dan-loop" / ASSIGNMENT).glob("*.ipynb")
    nb = nbformat.read(notebook, as_version=4)
    (loop,) = [c for c in nb.cells if c.source == "while True:\n    pass"]
    loop.source = "import time\nwhile True:\n    time.sleep(1)"
    nbformat.write(nb, notebook)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    # the per-cell limit is out of reach, so only the wall-clock kill can stop the loop; the limit
    # leaves an honest submission room on a loaded 2-core machine
    results = grade(course, ASSIGNMENT, ["dan-loop", "ana"], jobs=2, timeout=600, hard_timeout=20)
    by_student = {r.student: r for r in results}
    assert by_student["dan-loop"].status == "timeout" and "killed" in by_student["dan-loop"].message
    assert by_student["dan-loop"].killed and not by_student["ana"].killed
    assert by_student["ana"].ok
    scores = item_scores(course, ASSIGNMENT).groupby("student")["score"].sum().to_dict()
    assert (scores["dan-loop"], scores["ana"]) == (0.0, flow["expected"]["ana"])
    # what this test started: not the processes that were here before, nor what they started since
    # (a browser the test process drives for another test)
    earlier = [p for p in psutil.Process().children() if p.pid in before]
    old = before | {c.pid for p in earlier for c in p.children(recursive=True)}
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in old]
    _gone, alive = psutil.wait_procs(left, timeout=10)  # waits for the condition, not a fixed time
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], alive


def test_each_grading_process_forks_from_the_warm_parent_started_for_it(flow, tmp_path, monkeypatch):
    """Root: ``grade`` starts one zygote per grading process before it imports nbgrader; each
    forked grading process uses its own (none starts another), and the scores are unchanged."""
    import os

    from mvs_course.grading.sandbox import client

    if os.geteuid() != 0:
        pytest.skip("zygotes are root's (not root, each worker is its own process)")
    started = tmp_path / "zygotes-started-by"
    original = client.Zygote.__init__

    def logged(self, spec: dict, level: str) -> None:
        original(self, spec, level)
        with started.open("a") as log:
            log.write(f"{os.getpid()}\n")

    monkeypatch.setattr(client.Zygote, "__init__", logged)
    copy = tmp_path / "course"
    shutil.copytree(flow["plain_dir"], copy)
    course = Course.open(copy, project=ROOT, release_dir=flow["base"] / "exercises")
    results = grade(course, ASSIGNMENT, ["ana", "smithcara", "bo"], jobs=2)
    assert all(r.ok for r in results), results
    assert started.read_text().split() == [str(os.getpid())] * 2, "one per grading process, all by the parent"
    scores = item_scores(course, ASSIGNMENT).groupby("student")["score"].sum().to_dict()
    assert {s: scores[s] for s in ("ana", "smithcara", "bo")} == {
        s: flow["expected"][s] for s in ("ana", "smithcara", "bo")
    }


def _write_rows(db_url_course: Course, worker: int, count: int, assignment: str) -> None:
    for i in range(count):
        student = f"w{worker}-s{i}"

        def write(student=student):
            try:
                with db_url_course.gradebook() as gb:
                    gb.update_or_create_student(student)
                    gb.add_submission(assignment, student)
                return {"success": True}
            except Exception as err:  # retried by retry_locked when sqlite is locked
                return {"success": False, "error": str(err)}

        outcome = retry_locked(write, attempts=12)
        assert outcome["success"], outcome


def test_concurrent_gradebook_writers_lose_no_row(flow, tmp_path):
    """Four processes add submissions (each with a grade row per item) to one sqlite gradebook
    at the same time; every row must arrive."""
    shutil.copy(flow["plain_dir"] / "gradebook.db", tmp_path / "gradebook.db")
    course = Course.open(tmp_path, project=ROOT, release_dir=flow["base"] / "exercises")
    ctx = multiprocessing.get_context("fork")
    writers, per_writer = 4, 15
    procs = [
        ctx.Process(target=_write_rows, args=(course, w, per_writer, ASSIGNMENT)) for w in range(writers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * writers
    with course.gradebook() as gb:
        students = {s.id for s in gb.students}
        expected = {f"w{w}-s{i}" for w in range(writers) for i in range(per_writer)}
        ours = [s for s in gb.assignment_submissions(ASSIGNMENT) if s.student.id in expected]
        grades = sum(len(nb.grades) for s in ours for nb in s.notebooks)
    assert expected <= students
    assert len(ours) == writers * per_writer
    assert grades == writers * per_writer * len(flow["items"])


def test_a_broken_submission_scores_zero_is_listed_and_the_batch_exits_zero(flow, tmp_path, capsys):
    copy = tmp_path / "course"
    shutil.copytree(flow["plain_dir"], copy)
    shutil.rmtree(copy / "autograded", ignore_errors=True)
    (nb_path,) = (copy / "submitted" / "ana" / ASSIGNMENT).glob("*.ipynb")
    broken = copy / "submitted" / "zed" / ASSIGNMENT / nb_path.name
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [')  # a download cut short
    deep = copy / "submitted" / "yan" / ASSIGNMENT / nb_path.name
    deep.parent.mkdir(parents=True)
    deep.write_text("[" * 100_000 + "]" * 100_000)  # JSON nested too deeply to read
    students = ["--students", "zed", "yan", "ana"]
    code = main(["--course-dir", str(copy), "grade", ASSIGNMENT, *students, "--timeout", "5"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip().splitlines()[-2:] == [
        f"  FAILED zed: {nb_path.name} is not a valid notebook file (broken JSON: Expecting value: "
        "line 1 column 12 (char 11)); it scores zero",
        f"  FAILED yan: {nb_path.name} is not a valid notebook file (nested too deeply to read); "
        "it scores zero",
    ]
    assert out.startswith("Sandbox isolation: "), "grade names the isolation level first"
    assert "graded 3 submissions, 2 with problems" in out
    course = Course.open(copy, project=ROOT, release_dir=flow["base"] / "exercises")
    rows = item_scores(course, ASSIGNMENT)
    for student in ("zed", "yan"):
        rows_of = rows[rows["student"] == student]
        assert len(rows_of) == len(flow["items"]) and rows_of["score"].sum() == 0
    assert rows[rows["student"] == "ana"]["score"].sum() == flow["expected"]["ana"]


def test_item_table_labels_items_by_their_claims(flow):
    from mvs_course.grading.report import item_table

    table = item_table(flow["course"], ASSIGNMENT)
    assert set(table.index) == set(flow["items"])
    source = sorted((flow["course"].source_dir / ASSIGNMENT).glob("*.ipynb"))[0]
    for cell in nbformat.read(source, as_version=4).cells:
        gid = nbmeta.grade_id(cell)
        if gid in flow["items"]:
            tags = [t.removeprefix("claim:") for t in cell.metadata.get("tags", []) if t.startswith("claim:")]
            assert table.loc[gid, "claims"] == ", ".join(tags)
    cara_lost = table.loc[flow["wrong_test"], "mean_score"] < table.loc[flow["wrong_test"], "max_score"]
    assert cara_lost
