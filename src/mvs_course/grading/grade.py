"""Autograde a class in parallel with nbgrader: one worker process per core, each starting the
nbgrader API once, a per-cell time limit, and a hard wall-clock kill of a stuck worker.

Scores are nbgrader's own: every submission goes through nbgrader's ``Autograde`` converter
with the preprocessors of the course's ``nbgrader_config.py``. Each worker returns one
:class:`GradeResult` per submission, built from data the preprocessors leave in nbgrader's
``resources`` (``resources["sandbox"]``, ``resources["repairs"]``), never from log text.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import multiprocessing
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
import warnings
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import psutil

from .course import Course, CourseError
from .precheck import check_files
from .release import STAMPS, prepare_gradebook
from .safetext import printable

OK, FAILED, TIMEOUT = "ok", "failed", "timeout"
ENGINES = ("sandbox", "nbgrader")  # isolated (default); nbgrader's own kernels and steps
DEFAULT_ENGINE = ENGINES[0]
_LOCKED = "database is locked"
_NBGRADER_TIMEOUT = '"ename": "CellTimeoutError"'  # nbgrader's Execute.error_on_timeout


@dataclass(frozen=True)
class GradeResult:
    """How one student's submission went: status is "ok", "failed" or "timeout"."""

    student: str
    status: str
    message: str = ""
    seconds: float = 0.0
    problems: tuple[str, ...] = ()  # what was wrong with the submission itself, in plain words
    isolation: str = ""  # the sandbox level it ran at ("none" for plain nbgrader kernels)
    timed_out: bool = False  # a cell hit the time limit (the rest was graded)
    killed: bool = False  # a process was killed: a sandbox limit, or the whole submission

    def __post_init__(self) -> None:
        # texts from student files (names, error messages) are safe to print in a terminal
        object.__setattr__(self, "student", printable(self.student))
        object.__setattr__(self, "message", printable(self.message, newlines=True))
        object.__setattr__(self, "problems", tuple(printable(p) for p in self.problems))

    @property
    def ok(self) -> bool:
        return self.status == OK


def engine_config(engine: str) -> dict[str, dict[str, Any]]:
    """What ``engine`` changes in the course's settings: nothing for the sandbox; for plain
    nbgrader, its own default sanitize and autograde preprocessors."""
    if engine not in ENGINES:
        raise CourseError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "sandbox":
        return {}
    from nbgrader.converters import Autograde

    return {
        "Autograde": {
            "sanitize_preprocessors": list(Autograde.sanitize_preprocessors.default()),
            "autograde_preprocessors": list(Autograde.autograde_preprocessors.default()),
        }
    }


def _sandbox_step(course: Course, extra: dict) -> type | None:
    """The SandboxedExecute class among the configured autograde steps, if any."""
    from traitlets.utils.importstring import import_item

    from .sandbox import SandboxedExecute

    steps = course.config(**extra).Autograde.get("autograde_preprocessors", [])
    for step in steps:
        cls = import_item(step) if isinstance(step, str) else step
        if isinstance(cls, type) and issubclass(cls, SandboxedExecute):
            return cls
    return None


def _preload(course: Course, extra: dict) -> None:
    """Import every configured grading step in the parent, once, before workers fork, and what
    the notebooks' setup cells import (the sandbox's grader side runs them too)."""
    from traitlets.utils.importstring import import_item

    _recording_autograde()
    config = course.config(**extra)
    steps = config.Autograde
    for step in [*steps.get("sanitize_preprocessors", []), *steps.get("autograde_preprocessors", [])]:
        if isinstance(step, str):
            import_item(step)
    sandbox = _sandbox_step(course, extra)
    if sandbox is not None:
        for name in sandbox(config=config).modules():
            with contextlib.suppress(Exception):  # the setup cell will say what is missing
                importlib.import_module(name)


def run_config(course: Course, engine: str = DEFAULT_ENGINE, timeout: int | None = None) -> dict:
    """Per-class settings ``grade`` puts over the course's: the engine's, and ``timeout``."""
    extra = engine_config(engine)
    if timeout is not None:
        extra["Execute"] = {"timeout": int(timeout)}
        if engine == "sandbox":
            extra["SandboxedExecute"] = {"timeout": int(timeout)}
    if engine == "sandbox" and _sandbox_step(course, extra) is None:
        raise CourseError(
            "The course's nbgrader_config.py does not grade in the sandbox: "
            "c.Autograde.autograde_preprocessors has no SandboxedExecute. "
            "Restore it, or pass --engine nbgrader for trusted work."
        )
    return extra


def cell_timeout(course: Course, extra: dict | None = None) -> int:
    """The per-cell time limit in force: ``Execute.timeout`` as configured (SandboxedExecute reads
    it too, unless its own ``timeout`` is set), else nbgrader's."""
    from nbgrader.preprocessors import Execute

    config = course.config(**(extra or {}))
    value = config.SandboxedExecute.get("timeout") or config.Execute.get("timeout")
    return int(value if value is not None else Execute.timeout.default_value)


def isolation_line(course: Course, engine: str = DEFAULT_ENGINE) -> str:
    """The line ``mvs-course grade`` prints first: what isolates student code in this run."""
    if engine == "nbgrader":
        return "Engine nbgrader: student code runs unisolated, with your rights (trusted work only)."
    level = isolation_level(course)
    from .sandbox import describe

    return f"Sandbox isolation: {level}. {describe(level)}."


def isolation_level(course: Course) -> str:
    """The sandbox level grading would use; CourseError when the sandbox refuses to run."""
    import inspect

    from . import sandbox

    takes_config = "config" in inspect.signature(sandbox.isolation_level).parameters
    try:
        return sandbox.isolation_level(course.config()) if takes_config else sandbox.isolation_level()
    except Exception as err:
        if type(err).__name__ == "SandboxUnavailable":
            raise CourseError(str(err)) from None
        raise


def hard_limit(course: Course, assignment: str, timeout: float) -> float:
    """Wall-clock seconds after which a worker on one submission is killed: every code cell
    may use its full time limit, plus a minute for kernel start and bookkeeping."""
    import nbformat

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


# nbclient's words for a kernel that never answered its first request. Nothing a student wrote
# has run by then: a kernel start that failed (seen once in ~40 full test runs, under load:
# "Kernel didn't respond in 60 seconds" for a correct solution, which then scored zero). The
# submission is graded again with a new kernel, once.
_KERNEL_NOT_STARTED = ("Kernel didn't respond in", "Kernel died before replying to kernel_info")


def retry_kernel_start(action):
    """Run ``action()`` (as for :func:`retry_locked`) once more if its kernel did not start."""
    outcome = action()
    text = f"{outcome.get('error') or ''}\n{outcome.get('log') or ''}"
    if not outcome.get("success") and any(words in text for words in _KERNEL_NOT_STARTED):
        outcome = action()
    return outcome


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


@functools.cache
def _recording_autograde():
    """nbgrader's Autograde converter, keeping what each notebook's preprocessors reported."""
    from nbgrader.converters import Autograde

    class RecordingAutograde(Autograde):
        def start(self) -> None:
            self.reports: dict[str, dict[str, Any]] = {}
            super().start()

        def write_single_notebook(self, output: str, resources: dict) -> None:
            report = self.reports.setdefault(resources["nbgrader"]["notebook"], {})
            if self._sanitizing:
                report["repairs"] = list(resources.get("repairs") or [])
            else:
                report["sandbox"] = resources.get("sandbox")  # SandboxedExecute's result
                # nbgrader's own Execute says it only in the notebook: an error of its name
                report["cell_timeout"] = not report["sandbox"] and _NBGRADER_TIMEOUT in output
            super().write_single_notebook(output, resources)

    return RecordingAutograde


def grade_one(api, converter, course: Course, assignment: str, student: str, engine: str) -> GradeResult:
    """Autograde one submission with nbgrader and describe how it went."""
    from nbgrader.utils import capture_log, temp_attrs

    started = time.monotonic()
    submitted = course.course_dir / "submitted" / student / assignment
    found = check_files(submitted, course.source_dir / assignment)
    problems = list(found.problems)
    isolation = "none" if engine == "nbgrader" else ""
    if not found.gradable:
        message = problems[0] if problems else "nothing to grade"
        return GradeResult(student, FAILED, message, time.monotonic() - started, tuple(problems), isolation)

    apps: list = []

    def attempt() -> dict:
        with temp_attrs(api.coursedir, assignment_id=assignment, student_id=student):
            app = converter(coursedir=api.coursedir, parent=api)
            app.force, app.create_student = True, True
            apps.append(app)
            return capture_log(app)

    outcome = retry_kernel_start(lambda: retry_locked(attempt))
    timed_out = killed = False
    for notebook, report in sorted(getattr(apps[-1], "reports", {}).items()):
        problems += [f"{notebook}: {note}" for note in report.get("repairs", [])]
        sandbox = report.get("sandbox") or {}
        if sandbox:
            isolation = str(sandbox.get("isolation") or isolation)
            problems += [f"{notebook}: {p}" for p in sandbox.get("problems", [])]
            timed_out |= bool(sandbox.get("timed_out"))
            killed |= bool(sandbox.get("killed"))
        timed_out |= bool(report.get("cell_timeout"))
    problems = list(dict.fromkeys(problems))
    seconds = time.monotonic() - started
    if not outcome.get("success"):
        reason = failure_reason(outcome)
        message = f"{found.problems[0]} (nbgrader: {reason})" if found.problems else reason
        return GradeResult(student, FAILED, message, seconds, tuple(problems), isolation, timed_out, killed)
    if timed_out:
        message = "a cell hit the time limit and was interrupted; the rest was graded"
        return GradeResult(student, TIMEOUT, message, seconds, tuple(problems), isolation, True, killed)
    return GradeResult(student, OK, "", seconds, tuple(problems), isolation, False, killed)


def _unsynced_sqlite() -> None:
    """In a grading worker: sqlite commits without waiting for the disk.

    nbgrader commits about forty times per submission and each commit waits for an fsync
    (10-20 ms on a busy disk). A process that dies mid-write cannot damage the gradebook this
    way, a crash of the whole machine could: ``grade`` copies the gradebook first and syncs it
    once when the batch is done.
    """
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def no_sync(dbapi_connection, _record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

    event.listen(Engine, "connect", no_sync)


def _one_engine_per_gradebook() -> None:
    """In a grading worker: every ``Gradebook`` nbgrader opens on one URL shares one SQLAlchemy
    engine, so a statement is compiled once per process.

    nbgrader opens its gradebook about eleven times per submission, each time with a new engine,
    whose statement cache starts empty: compiling the same queries again was a third of the
    grader's CPU per submission (0.25 -> 0.17 s measured). ``Gradebook.close`` disposes the
    engine's pool; the next one connects afresh, as before.
    """
    import nbgrader.api

    make = nbgrader.api.create_engine
    nbgrader.api.create_engine = functools.cache(lambda url, **options: make(url, **options))


def grading_process(engine: str) -> None:
    """What a grading process sets up once, before its first submission (``grade``'s workers;
    benchmarks/grading.py profiles one the same way)."""
    from .preprocessors.checkmetadata import compile_nbgraders_schema_check

    _unsynced_sqlite()
    _one_engine_per_gradebook()
    compile_nbgraders_schema_check()
    if engine == "sandbox":
        from .sandbox.preprocessor import keep_source_cells

        keep_source_cells()


def _sqlite_file(course: Course) -> Path | None:
    url = course.db_url
    return Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None


def backup_gradebook(course: Course) -> Path | None:
    """Copy an sqlite gradebook to .mvs-course/gradebook-before-grading.db (a consistent copy,
    through sqlite's backup API); returns the copy, or None for another database."""
    path = _sqlite_file(course)
    if path is None or not path.is_file():
        return None
    copy = course.course_dir / STAMPS / "gradebook-before-grading.db"
    copy.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(path)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    return copy


def _sync(path: Path | None) -> None:
    if path is not None and path.is_file():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _worker(
    conn: Connection, ahead: list, mine: Any, course: Course, assignment: str, extra: dict, engine: str
) -> None:
    """Grade the students the parent sends, one at a time, with one API for the whole run;
    ``mine``: the sandbox zygote of the ``ahead`` ones started for this process (or None)."""
    from sqlalchemy.exc import SAWarning

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    for zygote in ahead:
        if zygote is not mine:
            zygote.let_go()  # another grading process's
    warnings.filterwarnings("ignore", category=SAWarning)
    grading_process(engine)
    # kernels inherit these: keep their chatter off the progress bar
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    api = course.api(**extra)
    if engine == "sandbox":  # the first worker imports while nbgrader sets up the first notebook
        _sandbox_step(course, extra)(config=api.config).warm(api.coursedir.db_url, mine)
    converter = _recording_autograde()
    gc.freeze()  # what lives now lives to the end: no collection walks it again (see _Worker)
    while True:
        student = conn.recv()
        if student is None:
            break
        started = time.monotonic()
        try:
            result = grade_one(api, converter, course, assignment, student, engine)
        except Exception as err:  # noqa: BLE001 - a crash must not take the worker down
            result = GradeResult(student, FAILED, f"{type(err).__name__}: {err}", time.monotonic() - started)
        conn.send(result)


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
    def __init__(self, ctx, ahead: list, mine: Any, *args: Any):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, ahead, mine, *args), daemon=True)
        # Forked with the parent's objects frozen: Python's cyclic garbage collector then never
        # walks them in the worker (nor writes to them, which would copy their pages). Without,
        # collections were ~8% of the grading processes' CPU (perf, benchmarks/grading.py).
        # The parent unfreezes at once (unless it had frozen its heap itself), so its own
        # garbage is collected as before.
        frozen = gc.get_freeze_count()
        gc.freeze()
        try:
            self.process.start()
        finally:
            if not frozen:
                gc.unfreeze()
        child.close()
        self.zygote = mine  # a child of this process, used by that one: killed with it
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
        if self.zygote is not None:  # a child of ours, not of the process it served
            _kill_tree(self.zygote.proc.pid)
        self.conn.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _record_zero(course: Course, assignment: str, student: str) -> None:
    """Give a submission that could not be graded zero on every item, visibly in the gradebook."""

    def write():
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
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
    timeout: int | None = None,
    hard_timeout: float | None = None,
    progress: bool = False,
    extra_config: dict[str, dict[str, Any]] | None = None,
    engine: str = DEFAULT_ENGINE,
    unsafe_same_user: bool = False,
) -> list[GradeResult]:
    """Autograde each student's submission of ``assignment`` in ``jobs`` worker processes.

    ``timeout`` limits each cell (default: ``Execute.timeout`` of the course's settings;
    nbgrader interrupts the cell and grades the rest); ``hard_timeout`` limits a whole
    submission (the worker is killed and the submission scores zero). A failure never stops
    the batch. Results come back in the order of ``students``. ``engine`` runs student code
    in the isolated sandbox (default) or in nbgrader's own kernels with nbgrader's own steps.
    ``extra_config`` puts per-class settings over everything else. ``unsafe_same_user``
    lets the sandbox run student code as this process's user where it can do no better
    (no bubblewrap, not root): it can then read the solutions and forge scores.
    """
    course.check_assignment(assignment)
    students = list(students) if students is not None else course.submissions(assignment)
    missing = [s for s in students if not (course.course_dir / "submitted" / s / assignment).is_dir()]
    if missing:
        raise CourseError(f"No submission of {assignment} in submitted/ for: {', '.join(missing)}")
    if not students:
        return []
    if unsafe_same_user:
        os.environ["MVS_SANDBOX_UNSAFE_SAME_USER"] = "1"
    if engine == "sandbox":
        isolation_level(course)  # refuses here, once, rather than in every worker
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(students)))
    ctx = _context()
    ahead = _start_ahead(course, extra_config, jobs) if engine == "sandbox" and _forks(ctx) else []
    try:
        extra = run_config(course, engine, timeout)
        for section, values in (extra_config or {}).items():
            extra.setdefault(section, {}).update(values)
        prepare_gradebook(course, assignment)
        backup_gradebook(course)
        _preload(course, extra)
        limit = hard_timeout or hard_limit(course, assignment, cell_timeout(course, extra))
        results, killed = _run(ctx, ahead, course, assignment, students, extra, engine, jobs, limit, progress)
    finally:
        for zygote in ahead:
            zygote.close()
    for r in results.values():
        if r.status == FAILED or r.student in killed:
            _record_zero(course, assignment, r.student)
    _sync(_sqlite_file(course))
    return [results[s] for s in students]


def _forks(ctx) -> bool:
    return ctx.get_start_method() == "fork"


def _start_ahead(course: Course, extra_config: dict | None, jobs: int) -> list:
    """The sandbox's warm parents for the ``jobs`` grading processes, started before this
    process imports nbgrader (1-2 s on one core, the other idle): its spec from the settings
    alone (a grading process whose real spec differs starts its own)."""
    from .sandbox import client
    from .sandbox.spec import configured_spec

    spec = configured_spec(course.config(**(extra_config or {})), course.db_url)
    try:
        return client.start_ahead(spec, jobs)
    except (OSError, subprocess.SubprocessError):
        return []  # each grading process starts its own, as without


def _run(ctx, ahead: list, course, assignment, students, extra, engine, jobs, limit, progress):
    """Hand ``students`` to ``jobs`` forked grading processes; kill one stuck past ``limit``."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: workers are forked
    pending = deque(students)
    results: dict[str, GradeResult] = {}
    killed: set[str] = set()
    args = (course, assignment, extra, engine)
    workers = [_Worker(ctx, ahead, ahead[i] if i < len(ahead) else None, *args) for i in range(jobs)]
    for zygote in ahead:  # each grading process holds its own now
        zygote.let_go()
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
                    result = conn.recv()
                except (EOFError, OSError):
                    message = f"the grading process died (exit code {w.process.exitcode})"
                    seconds = time.monotonic() - w.started
                    result = GradeResult(w.student, FAILED, message, seconds, killed=True)
                    w.kill()  # what it started, and the warm parent it was given
                    workers[workers.index(w)] = _Worker(ctx, ahead, None, *args)
                results[result.student] = result
                w.student = None
                bar.update(1)
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.student is not None and now - w.started > limit:
                    w.kill()
                    killed.add(w.student)
                    message = f"killed after {limit:g} s wall clock; scored 0"
                    results[w.student] = GradeResult(
                        w.student, TIMEOUT, message, now - w.started, timed_out=True, killed=True
                    )
                    bar.update(1)
                    workers[i] = _Worker(ctx, ahead, None, *args)
            bad = sum(not r.ok for r in results.values())
            if bad:
                bar.set_postfix(problems=bad)
    finally:
        bar.close()
        for w in workers:
            w.stop()
    return results, killed


def submission_totals(course: Course, assignment: str) -> dict[str, float]:
    """Total score per student from the gradebook (no pandas: the grade command stays quick)."""
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        try:
            return {s.student.id: float(s.score) for s in gb.assignment_submissions(assignment)}
        except MissingEntry:
            return {}
