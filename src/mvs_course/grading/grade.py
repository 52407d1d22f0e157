"""Autograde a class in parallel with nbgrader: one worker process per core, each starting the
nbgrader API once, a per-cell time limit, and a hard wall-clock kill of a stuck worker.

Scores are nbgrader's own: every submission goes through ``NbGraderAPI.autograde`` with the
default preprocessors; only the kernel shutdown (immediate instead of a graceful wait) and
the number of processes differ from a plain ``nbgrader autograde`` run.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import re
import signal
import tempfile
import time
import warnings
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import nbformat
import psutil
from nbgrader.api import MissingEntry
from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from .course import Course, CourseError

OK, FAILED, TIMEOUT = "ok", "failed", "timeout"
_TIMEOUT_LOG = "Timeout waiting for execute reply"
_SANDBOX_TIMEOUTS = ("wall-clock", "CPU time limit")
ENGINES = ("sandbox", "nbgrader")  # isolated worker (default); plain nbgrader kernels
_LOCKED = "database is locked"


@dataclass(frozen=True)
class GradeResult:
    """How one student's submission went: status is "ok", "failed" or "timeout"."""

    student: str
    status: str
    message: str = ""
    seconds: float = 0.0
    problems: tuple[str, ...] = ()  # what was wrong with the submission itself, in plain words

    @property
    def ok(self) -> bool:
        return self.status == OK


def autograde_config(timeout: int = 30, extra: dict[str, dict[str, Any]] | None = None) -> dict:
    """The nbgrader settings ``grade`` uses, by config section; ``extra`` overrides per key."""
    sections: dict[str, dict[str, Any]] = {
        "Execute": {"timeout": int(timeout), "shutdown_kernel": "immediate"},
        "KernelManager": {"shutdown_wait_time": 0.5},
    }
    for section, values in (extra or {}).items():
        sections.setdefault(section, {}).update(values)
    return sections


def hard_limit(course: Course, assignment: str, timeout: float) -> float:
    """Wall-clock seconds after which a worker on one submission is killed: every code cell
    may use its full time limit, plus a minute for kernel start and bookkeeping."""
    cells = 0
    for path in (course.source_dir / assignment).glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        cells += sum(1 for c in nb.cells if c.cell_type == "code")
    return float(timeout) * max(cells, 1) + 60.0


def retry_locked(action, attempts: int = 8):
    """Run ``action()`` (returning nbgrader's ``{success, log, error}``) again while sqlite
    reports "database is locked", with random backoff; return the last outcome."""
    outcome: dict = {}
    for attempt in range(attempts):
        outcome = action()
        text = f"{outcome.get('error') or ''}\n{outcome.get('log') or ''}"
        if outcome.get("success") or _LOCKED not in text:
            return outcome
        time.sleep(random.uniform(0.05, 0.2) * 2**attempt)
    return outcome


def prepare_gradebook(course: Course, assignment: str) -> None:
    """Create the gradebook and record the assignment's notebooks and cells, once, before any
    worker starts (workers racing to create tables would collide). Uses a throwaway release
    folder so the committed exercises/ stay untouched."""
    with course.gradebook() as gb:
        try:
            if gb.find_assignment(assignment).notebooks:
                return
        except MissingEntry:
            pass
    with tempfile.TemporaryDirectory() as tmp:
        api = course.api(CourseDirectory={"release_directory": tmp})
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise CourseError(f"nbgrader could not record {assignment} in the gradebook:\n{result.get('error')}")


_EXCEPTION_LINE = re.compile(r"^\s*((?:[A-Za-z_][\w.]*\.)?[A-Za-z_]\w*(?:Error|Exception|Interrupt)\b:?.*)$")


def failure_reason(outcome: dict) -> str:
    """The most telling line of a failed nbgrader run: the last exception that is not
    nbgrader's own "see the traceback above" wrapper."""
    text = f"{outcome.get('log') or ''}\n{outcome.get('error') or ''}"
    for line in reversed(text.splitlines()):
        found = _EXCEPTION_LINE.match(line)
        if found and "NbGraderException" not in line:
            return found.group(1).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "autograde failed"


def _grade_one(api, assignment: str, student: str) -> tuple[str, str]:
    outcome = retry_locked(lambda: api.autograde(assignment, student, force=True, create=True))
    log = outcome.get("log") or ""
    if not outcome.get("success"):
        return FAILED, failure_reason(outcome)
    if _TIMEOUT_LOG in log or ("[sandbox]" in log and any(t in log for t in _SANDBOX_TIMEOUTS)):
        return TIMEOUT, "a cell hit the time limit and was interrupted; the rest was graded"
    return OK, ""


def _worker(conn: Connection, course: Course, assignment: str, config: dict, quiet: bool) -> None:
    """Grade the students the parent sends, one at a time, with one API for the whole run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    warnings.filterwarnings("ignore", category=SAWarning)
    if quiet:  # kernels inherit these: keep their chatter off the progress bar (logs come back)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    api = course.api(**config)
    while True:
        student = conn.recv()
        if student is None:
            break
        started = time.monotonic()
        try:
            status, message = _grade_one(api, assignment, student)
        except Exception as err:  # noqa: BLE001 - a crash must not take the worker down
            status, message = FAILED, f"{type(err).__name__}: {err}"
        conn.send((student, status, message, time.monotonic() - started))


def _kill_tree(pid: int) -> None:
    """Kill a worker and everything it started (kernels run in sessions of their own)."""
    try:
        proc = psutil.Process(pid)
        family = proc.children(recursive=True) + [proc]
    except psutil.NoSuchProcess:
        return
    for p in family:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=5)


class _Worker:
    def __init__(self, ctx, course: Course, assignment: str, config: dict, quiet: bool):
        self.conn, child = ctx.Pipe()
        args = (child, course, assignment, config, quiet)
        self.process = ctx.Process(target=_worker, args=args, daemon=True)
        self.process.start()
        child.close()
        self.student: str | None = None
        self.started = 0.0

    def give(self, student: str) -> None:
        self.conn.send(student)
        self.student, self.started = student, time.monotonic()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            _kill_tree(self.process.pid)

    def kill(self) -> None:
        _kill_tree(self.process.pid)
        self.conn.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _record_zero(course: Course, assignment: str, student: str) -> None:
    """Give a submission that could not be graded zero on every item, visibly in the gradebook."""

    def write():
        with course.gradebook() as gb:
            gb.update_or_create_student(student)
            submission = gb.update_or_create_submission(assignment, student)
            for nb in submission.notebooks:
                for grade in nb.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
            gb.db.commit()
        return {"success": True}

    def attempt():
        try:
            return write()
        except Exception as err:  # noqa: BLE001 - retried when it is a lock
            return {"success": False, "error": str(err)}

    outcome = retry_locked(attempt)
    if not outcome["success"]:
        raise CourseError(f"could not record a zero for {student}: {outcome['error']}")


def grade(
    course: Course,
    assignment: str,
    students: list[str] | None = None,
    *,
    jobs: int | None = None,
    timeout: int = 30,
    hard_timeout: float | None = None,
    progress: bool = False,
    extra_config: dict[str, dict[str, Any]] | None = None,
    engine: str = "sandbox",
) -> list[GradeResult]:
    """Autograde each student's submission of ``assignment`` in ``jobs`` worker processes.

    ``timeout`` limits each cell (nbgrader interrupts it and grades the rest);
    ``hard_timeout`` limits a whole submission (the worker is killed and the submission scores
    zero). A failure never stops the batch. Results come back in the order of ``students``.
    ``engine`` runs student code in the isolated sandbox (default) or in nbgrader's own kernels.
    """
    if engine not in ENGINES:
        raise CourseError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    course.check_assignment(assignment)
    students = list(students) if students is not None else course.submissions(assignment)
    missing = [s for s in students if not (course.course_dir / "submitted" / s / assignment).is_dir()]
    if missing:
        raise CourseError(f"No submission of {assignment} in submitted/ for: {', '.join(missing)}")
    if not students:
        return []
    prepare_gradebook(course, assignment)
    if engine == "sandbox":
        from .sandbox import sandbox_config

        extra_config = {**sandbox_config(timeout=timeout), **(extra_config or {})}
    config = autograde_config(timeout, extra_config)
    limit = hard_timeout or hard_limit(course, assignment, timeout)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(students)))

    ctx = _context()
    tqdm.monitor_interval = 0  # no monitor thread: workers are forked
    pending = deque(students)
    results: dict[str, GradeResult] = {}
    killed: set[str] = set()
    workers = [_Worker(ctx, course, assignment, config, True) for _ in range(jobs)]
    bar = tqdm(total=len(students), unit="submission", disable=not progress, desc=f"grading {assignment}")
    try:
        while len(results) < len(students):
            for w in workers:
                if w.student is None and pending:
                    w.give(pending.popleft())
            busy = [w for w in workers if w.student is not None]
            for conn in wait([w.conn for w in busy], timeout=0.2):
                w = next(w for w in busy if w.conn is conn)
                try:
                    student, status, message, seconds = conn.recv()
                except (EOFError, OSError):
                    student, status, seconds = w.student, FAILED, time.monotonic() - w.started
                    message = f"the grading process died (exit code {w.process.exitcode})"
                    workers[workers.index(w)] = _Worker(ctx, course, assignment, config, True)
                results[student] = GradeResult(student, status, message, seconds)
                w.student = None
                bar.update(1)
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.student is not None and now - w.started > limit:
                    w.kill()
                    killed.add(w.student)
                    results[w.student] = GradeResult(
                        w.student, TIMEOUT, f"killed after {limit:g} s wall clock; scored 0", now - w.started
                    )
                    bar.update(1)
                    workers[i] = _Worker(ctx, course, assignment, config, True)
            bad = sum(not r.ok for r in results.values())
            if bad:
                bar.set_postfix(problems=bad)
    finally:
        bar.close()
        for w in workers:
            w.stop()
    for r in results.values():
        if r.status == FAILED or r.student in killed:
            _record_zero(course, assignment, r.student)
    if engine == "sandbox":
        from .sandbox import student_report

        for student, r in results.items():
            found = student_report(course.course_dir, course.source_dir, assignment, student)["problems"]
            results[student] = dataclasses.replace(r, problems=tuple(found))
    return [results[s] for s in students]


def submission_totals(course: Course, assignment: str) -> dict[str, float]:
    """Total score per student from the gradebook (no pandas: the grade command stays quick)."""
    with course.gradebook() as gb:
        try:
            return {s.student.id: float(s.score) for s in gb.assignment_submissions(assignment)}
        except MissingEntry:
            return {}
