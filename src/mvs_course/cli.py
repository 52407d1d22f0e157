"""mvs-course: the instructor's command line. It parses arguments, calls mvs_course, prints."""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
from pathlib import Path

from .grading.course import COURSE_DIR_ENV, SUGGESTED_DIR, CourseError

# Each command imports what it needs: start-up time counts when grading a class.
# nbformat imports jsonschema, which compiles rfc3987_syntax's grammar (1-4 s on this machine)
# only to check the "iri" string format, which no notebook or nbgrader schema uses. Refused here:
# jsonschema skips that one format when the import fails.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

DESCRIPTION = """\
Run the Marketing vs Sales course with nbgrader: set up a grading folder, release the
assignments, collect and grade submissions, write feedback and reports."""

EXIT_CODES = """\
exit codes:
  0    the command did its job (a grading batch with failed submissions included:
       they are listed, and score zero; a collect that placed some files and listed
       the others); also when the output is cut short by `| head`
  1    an unexpected error in mvs-course (a bug: please report it)
  2    a problem to fix on your side: wrong arguments, unknown assignment, no course
       directory, nothing to grade, nothing collected, the sandbox unavailable, ...
  130  interrupted (Ctrl-C)

course directory: grading commands work in --course-dir, else $MVS_COURSE_DIR, else the
current folder if `mvs-course init` made it. Settings live in nbgrader_config.py."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mvs-course")
    except PackageNotFoundError:
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    from .grading.grade import DEFAULT_ENGINE, ENGINES

    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--course-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"the course directory (default: ${COURSE_DIR_ENV}, else the current folder if "
        "`mvs-course init` made it)",
    )
    parser = argparse.ArgumentParser(
        prog="mvs-course",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[where],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            parents=[] if name in NO_COURSE_DIR else [where],
            epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = command("init", "make DIR a course directory for grading (an nbgrader course that loads this course)")
    p.add_argument(
        "dir", metavar="DIR", help=f"the folder to set up, e.g. {SUGGESTED_DIR}; created if missing"
    )
    p = command("build", "regenerate navigation, learner checks and releases from the sources")
    p.add_argument("--check", action="store_true", help="change nothing; list what is out of date")
    p = command("release", "regenerate exercises/ (student versions) from solutions/")
    p.add_argument(
        "assignments", nargs="*", metavar="ASSIGNMENT", help="assignments to release (default: all)"
    )
    p = command("collect", "put downloaded notebooks, zips and LMS bulk zips into submitted/")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment these files are for")
    p.add_argument(
        "inputs", nargs="+", metavar="FILE", help="a .ipynb, a .zip (learner or LMS bulk) or a folder"
    )
    p.add_argument("--student", metavar="ID", help="student id for inputs whose names carry none")
    p.add_argument(
        "--roster",
        type=Path,
        metavar="CSV",
        help="CSV as for `nbgrader db student import`: maps LMS user ids",
    )
    p = command("grade", "autograde every submission of an assignment, in parallel")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment to grade")
    p.add_argument("--students", nargs="+", metavar="ID", help="grade only these students")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: the number of CPUs)")
    p.add_argument(
        "--timeout",
        type=int,
        metavar="SECONDS",
        help="limit per cell (default: c.Execute.timeout in nbgrader_config.py)",
    )
    p.add_argument(
        "--hard-timeout",
        type=float,
        metavar="SECONDS",
        help="limit per submission; it is then killed and scores 0 "
        "(default: every cell's limit plus a minute)",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="sandbox: student code isolated, scores unforgeable (default); nbgrader: plain nbgrader "
        "kernels and steps, no isolation (trusted work only)",
    )
    p.add_argument(
        "--unsafe-same-user",
        action="store_true",
        help="where neither bubblewrap nor root is available, grade anyway with student code running "
        "as your user: it can read the solutions and forge scores (trusted submissions only)",
    )
    p = command("feedback", "write HTML feedback per student, hidden tests removed")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="the graded assignment")
    p = command("report", "print score tables; write an LMS CSV and plots")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="the graded assignment")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write the LMS import CSV here")
    p.add_argument("--plots", type=Path, metavar="DIR", help="write PNG plots into this folder")
    command("status", "show released / submitted / graded / fed back, per assignment")
    p = command("student-edition", "write a publishable copy without answers or grading code")
    p.add_argument("outdir", metavar="OUTDIR", help="a new or empty folder for the edition")
    p.add_argument(
        "--repo", metavar="OWNER/NAME", help="the edition's GitHub repository, for its Binder badge"
    )
    return parser


def _init(args: argparse.Namespace) -> None:
    from .grading.course import init

    path = init(args.dir)
    print(f"course directory: {path.parent}")
    print(f"  {path.name} loads the course's settings; plain nbgrader commands work there too")
    print(f"next: cd {path.parent} && mvs-course collect ASSIGNMENT FILES...  (or set {COURSE_DIR_ENV})")


def _build(args: argparse.Namespace) -> None:
    from .authoring.build import UP_TO_DATE, build
    from .grading.course import find_project

    lines = build(find_project(), check=args.check)
    print("\n".join(lines))
    if args.check and lines != [UP_TO_DATE]:
        raise CourseError("the course is out of date: run `mvs-course build`")


def _release(args: argparse.Namespace) -> None:
    from .grading.course import Course, find_project, resolve_course_dir
    from .grading.release import release

    try:  # a course directory, if there is one, records the releases in its gradebook
        course = Course.open(resolve_course_dir(getattr(args, "course_dir", None)))
    except CourseError:
        if getattr(args, "course_dir", None):
            raise
        course = Course.open(find_project(), project=find_project())
    for name, path in release(course, args.assignments or None).items():
        print(f"released {name} -> {path}")


def _collect(course, args: argparse.Namespace) -> None:
    from .grading.collect import collect

    more = {"roster": args.roster} if args.roster else {}
    report = collect(course, args.assignment, args.inputs, student=args.student, **more)
    print("\n".join(report.lines(course.course_dir)))
    if report.unplaced and not (report.placed or report.unchanged or report.older or report.skipped):
        raise CourseError("nothing was collected: fix the files listed as NOT PLACED and run collect again")


def _grade(course, args: argparse.Namespace) -> None:
    from .grading.grade import grade, isolation_line, submission_totals

    course.check_assignment(args.assignment)
    if not args.students and not course.submissions(args.assignment):
        raise CourseError(f"No submissions of {args.assignment} in {course.course_dir / 'submitted'}.")
    if args.unsafe_same_user:
        os.environ["MVS_SANDBOX_UNSAFE_SAME_USER"] = "1"
    print(isolation_line(course, args.engine), flush=True)
    results = grade(
        course,
        args.assignment,
        args.students,
        jobs=args.jobs,
        timeout=args.timeout,
        hard_timeout=args.hard_timeout,
        engine=args.engine,
        unsafe_same_user=args.unsafe_same_user,
        progress=sys.stderr.isatty() or bool(os.environ.get("MVS_PROGRESS")),
    )
    scores = submission_totals(course, args.assignment)
    for r in results:
        note = "" if r.ok else f"  [{r.status}]"
        print(f"{r.student}: {scores.get(r.student, 0):g}{note}")
        for problem in r.problems:
            print(f"    note: {problem}")
    problems = [r for r in results if not r.ok]
    print(f"graded {len(results)} submissions, {len(problems)} with problems")
    for r in problems:
        last = r.message.strip().splitlines()[-1] if r.message.strip() else ""
        print(f"  {r.status.upper()} {r.student}: {last[:300]}")


def _feedback(course, args: argparse.Namespace) -> None:
    from .grading.feedback import feedback

    for student, files in feedback(course, args.assignment).items():
        for f in files:
            print(f"{student}: {f.relative_to(course.course_dir)}")


def _report(course, args: argparse.Namespace) -> None:
    import pandas as pd

    from .grading.report import item_table, pending_manual, student_table, write_csv, write_plots

    course.check_assignment(args.assignment)
    students = student_table(course, args.assignment)
    items = item_table(course, args.assignment)
    with pd.option_context("display.width", 160, "display.max_columns", 50):
        print(students.to_string(float_format=lambda v: f"{v:g}"))
        print()
        print(items.to_string())
    waiting = pending_manual(course, args.assignment)
    if waiting:
        answers = sum(len(v) for v in waiting.values())
        print(
            f"\nnote: {answers} written answer(s) of {len(waiting)} student(s) still wait for manual "
            "grading in the formgrader; they count 0 until graded"
        )
    if args.csv:
        print(f"LMS CSV: {write_csv(students, args.csv)}")
    if args.plots:
        for path in write_plots(students, items, args.plots, args.assignment):
            print(f"plot: {path}")


def _status(course, args: argparse.Namespace) -> None:
    from .grading.report import status

    print(status(course).to_string())


def _student_edition(args: argparse.Namespace) -> None:
    from .grading.course import find_project
    from .grading.edition import DEFAULT_REPO, student_edition

    edition = student_edition(find_project(), Path(args.outdir), repo=args.repo or DEFAULT_REPO)
    print(f"student edition: {edition.files} files in {edition.path} (git repository, no leaks found)")


# Commands that never use a course directory: init takes its folder as DIR, build and
# student-edition work on the repository. They refuse --course-dir instead of ignoring it.
NO_COURSE_DIR = ("init", "build", "student-edition")
PROJECT_COMMANDS = {"init": _init, "build": _build, "release": _release, "student-edition": _student_edition}
COURSE_COMMANDS = {
    "collect": _collect,
    "grade": _grade,
    "feedback": _feedback,
    "report": _report,
    "status": _status,
}


def run(args: argparse.Namespace) -> int:
    """Run one parsed command; CourseError propagates."""
    if args.command in NO_COURSE_DIR and hasattr(args, "course_dir"):
        hint = " (the folder to set up is its DIR argument)" if args.command == "init" else ""
        raise CourseError(f"{args.command} does not take --course-dir{hint}")
    if args.command in PROJECT_COMMANDS:
        return PROJECT_COMMANDS[args.command](args) or 0
    from .grading.course import open_course

    course = open_course(getattr(args, "course_dir", None))
    return COURSE_COMMANDS[args.command](course, args) or 0


def main(argv: list[str] | None = None) -> int:
    # Run last at exit: what the command leaves behind is frozen, so the interpreter's final
    # collection skips it (grading a class leaves nbgrader, sqlalchemy and the notebooks in
    # memory: that collection took 0.4-0.6 s of a 7 s `grade`, measured; with this, 0.08 s).
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except CourseError as err:
        print(f"mvs-course: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mvs-course: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `mvs-course report ... | head` closed the pipe: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as err:  # noqa: BLE001 - one line, not a traceback wall
        if os.environ.get("MVS_DEBUG"):
            raise
        print(
            f"mvs-course: unexpected error: {type(err).__name__}: {err} "
            "(set MVS_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
