"""One class graded once per session: honest students plus every hostile case, in the sandbox,
through the same ``grade`` as ``mvs-course grade`` (the course's nbgrader_config.py, one tamper
detection); the honest students' clean run in plain nbgrader kernels.

(Not a conftest.py: tests/conftest.py is imported as ``conftest`` by other test modules.)
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import mutants
from fixtures import synthetic
from hostile_cases import ASSIGNMENT, CASES, NOTEBOOK, Ctx
from nbgrader.api import Gradebook, MissingEntry

from mvs_course.grading.course import Course
from mvs_course.grading.grade import FAILED, grade, isolation_line
from mvs_course.grading.release import release
from mvs_course.grading.sandbox import isolation_level

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 4  # seconds per cell: the loops and the fork bomb cost this much each
ROWS: list[dict] = []


def slug(name: str) -> str:
    return "hostile-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class Batch:
    course: Course
    level: str
    totals: dict[str, float | None]
    items: dict[str, dict[str, float | None]]
    clean: dict[str, float | None]
    outcomes: dict[str, dict]
    before: dict[str, str]
    after: dict[str, str]
    honest: list[str] = field(default_factory=list)


def _honest(ctx: Ctx) -> dict[str, dict[str, str]]:
    return {
        "honest-solution": ctx.solution,
        "honest-blank": {},
        "honest-wrong-career": {**ctx.solution, "career": ctx.wrong["career"]},
        "honest-wrong-journey-pain": {
            **ctx.solution,
            "journey": ctx.wrong["journey"],
            "pain": ctx.wrong["pain"],
        },
    }


def _fingerprints(*folders: Path) -> dict[str, str]:
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _scores(course: Course, students: list[str]) -> tuple[dict, dict]:
    totals, items = {}, {}
    with Gradebook(course.db_url) as gb:
        for student in students:
            try:
                submission = gb.find_submission(ASSIGNMENT, student)
            except MissingEntry:
                totals[student], items[student] = None, {}
                continue
            grades = {g.name: g.score for nb in submission.notebooks for g in nb.grades}
            items[student] = grades
            totals[student] = float(sum(s for s in grades.values() if s is not None))
    return totals, items


def _write(course: Course, student: str, built) -> None:
    folder = course.course_dir / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(built, tuple):
        name, data = built
        (folder / name).write_bytes(data)
    else:
        synthetic.write_submission(course.course_dir, student, ASSIGNMENT, NOTEBOOK, built)


def _context(course: Course) -> Ctx:
    source_nb = course.source_dir / ASSIGNMENT / NOTEBOOK
    wrong = {answer: code for answer, code in mutants.load()[ASSIGNMENT].values()}
    return Ctx(
        course.release_dir / ASSIGNMENT / NOTEBOOK,
        synthetic.solution_answers(source_nb),
        wrong,
        course.course_dir,
        course.project,
    )


LIMITS = {"total_seconds": 40, "cpu_seconds": 3}


def grade_in_sandbox(course: Course, students: list[str]) -> dict[str, dict]:
    """Grade ``students`` as ``mvs-course grade`` does; each outcome from its GradeResult."""
    extra = {"SandboxedExecute": {"limits": LIMITS}}
    banner = isolation_line(course)  # what `mvs-course grade` prints first
    results = grade(course, ASSIGNMENT, students, timeout=TIMEOUT, extra_config=extra)
    return {
        r.student: {
            "success": r.status != FAILED,
            "messages": list(r.problems),
            "problems": list(r.problems),
            "isolation": r.isolation,
            "seconds": r.seconds,
            "status": r.status,
            "log": f"{banner}\n{r.message}",
        }
        for r in results
    }


def build_batch(tmp_path_factory, request) -> Batch:
    """Release, write every submission, grade the clean run and the class; for a session fixture."""
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")

    def show() -> None:
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                print_table(reporter.write_line)

    request.addfinalizer(show)
    base = tmp_path_factory.mktemp("adversarial")
    course = Course.open(base / "course", project=ROOT, release_dir=base / "exercises")
    release(course, [ASSIGNMENT])
    ctx = _context(course)
    honest = _honest(ctx)
    for student, answers in honest.items():
        _write(course, student, synthetic.fill(ctx.release_nb, answers))
    for case in CASES:
        _write(course, slug(case.name), case.build(ctx))

    # the clean run: honest students alone, plain nbgrader kernels
    clean_course = Course.open(base / "clean", project=ROOT, release_dir=base / "exercises")
    release(clean_course, [ASSIGNMENT])
    for student, answers in honest.items():
        _write(clean_course, student, synthetic.fill(ctx.release_nb, answers))
    grade(clean_course, ASSIGNMENT, engine="nbgrader")
    clean, _ = _scores(clean_course, list(honest))

    students = course.submissions(ASSIGNMENT)
    watched = (course.course_dir / "submitted", course.source_dir, course.release_dir)
    before = _fingerprints(*watched)
    outcomes = grade_in_sandbox(course, students)
    after = _fingerprints(*watched)
    totals, items = _scores(course, students)
    for case in CASES:
        out = outcomes[slug(case.name)]
        notes = out["problems"]
        ROWS.append(
            {
                "case": case.name,
                "score": totals.get(slug(case.name)),
                "earned": case.earned,
                "graded": "ok" if out["success"] else "FAILED",
                "seconds": out["seconds"],
                "outcome": notes[0] if notes else "",
            }
        )
    for student in honest:
        out = outcomes[student]
        ROWS.append(
            {
                "case": student,
                "score": totals.get(student),
                "earned": clean[student],
                "graded": "ok" if out["success"] else "FAILED",
                "seconds": out["seconds"],
                "outcome": "honest",
            }
        )
    return Batch(course, isolation_level(), totals, items, clean, outcomes, before, after, list(honest))


def print_table(write) -> None:
    """The matrix: case, score, earned marks, graded by nbgrader, seconds, first message."""
    if not ROWS:
        return
    write("")
    write(f"Sandbox matrix (isolation: {isolation_level()}); score / earned, seconds, outcome")
    write(f"{'case':48} {'score':>6} {'earned':>6} {'graded':>6} {'secs':>6}  outcome")
    for row in ROWS:
        score = "null" if row["score"] is None else f"{row['score']:g}"
        earned = "null" if row["earned"] is None else f"{row['earned']:g}"
        write(
            f"{row['case'][:48]:48} {score:>6} {earned:>6} {row['graded']:>6} "
            f"{row['seconds']:>6.2f}  {row['outcome'][:90]}"
        )


def sandbox_processes() -> list[int]:
    """Pids of processes still running as the sandbox user."""
    import pwd

    try:
        uid = pwd.getpwnam("mvs-sandbox").pw_uid
    except KeyError:
        return []
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            except OSError:
                pass
    return found
