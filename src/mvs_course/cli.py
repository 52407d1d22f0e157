"""mvs-course: the instructor's command line. It parses arguments, calls mvs_course, prints.

Exit codes: 0 when the command did its job (a batch with failed submissions included: they
are listed), 2 for an instructor-side problem (wrong assignment, nothing to grade, ...).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .grading.course import Course, CourseError, find_project

# Each command imports what it needs: start-up time counts when grading a class.


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mvs-course", description=__doc__.splitlines()[0])
    parser.add_argument("--course-dir", default=".", help="nbgrader course root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="regenerate exercises/ from solutions/")
    p.add_argument("assignments", nargs="*")
    p = sub.add_parser("collect", help="put downloaded notebooks, zips and LMS bulk zips into submitted/")
    p.add_argument("assignment")
    p.add_argument("inputs", nargs="+", metavar="ZIP_OR_DIR", help=".ipynb, .zip or folder")
    p.add_argument("--student", help="student id for inputs whose names carry none")
    p = sub.add_parser("grade", help="autograde every submission of an assignment, in parallel")
    p.add_argument("assignment")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    p.add_argument("--timeout", type=int, default=30, help="seconds per cell (default: 30)")
    p.add_argument("--hard-timeout", type=float, default=None, help="seconds per submission before a kill")
    p.add_argument("--students", nargs="+", help="grade only these students")
    p.add_argument(
        "--engine",
        choices=["sandbox", "nbgrader"],
        default="sandbox",
        help="sandbox: isolated, unforgeable (default); nbgrader: plain nbgrader kernels, no isolation",
    )
    p = sub.add_parser("feedback", help="HTML feedback per student, hidden tests removed")
    p.add_argument("assignment")
    p = sub.add_parser("report", help="score tables, an LMS CSV and plots")
    p.add_argument("assignment")
    p.add_argument("--csv", type=Path, help="write the LMS import CSV here")
    p.add_argument("--plots", type=Path, help="write PNG plots into this folder")
    sub.add_parser("status", help="released / submitted / graded / fed back, per assignment")
    p = sub.add_parser("student-edition", help="write a publishable copy without answers or grading code")
    p.add_argument("outdir")
    p.add_argument("--repo", help="owner/name of the edition on GitHub, for its Binder badge")
    return parser


def _collect(course: Course, args: argparse.Namespace) -> None:
    from .grading.collect import collect

    rep = collect(course, args.assignment, args.inputs, student=args.student)
    for p in rep.placed:
        print(f"placed    {p.student}: {p.source} -> {p.dest.relative_to(course.course_dir)}")
        if p.superseded:
            print(f"          earlier submission kept at {p.superseded.relative_to(course.course_dir)}")
        if p.warning:
            print(f"          WARNING: {p.warning}")
    for label in rep.unchanged:
        print(f"unchanged {label} (identical to what is already in submitted/)")
    for label in rep.older:
        print(f"older     {label} (a later version of the same notebook was in this upload)")
    for u in rep.unplaced:
        print(f"NOT PLACED {u.source}: {u.reason}")
    print(f"{len(rep.placed)} placed, {len(rep.unchanged)} unchanged, {len(rep.unplaced)} not placed")


def _grade(course: Course, args: argparse.Namespace) -> None:
    from .grading.grade import grade, submission_totals

    if args.engine == "sandbox":
        from .grading.sandbox import banner

        print(banner())
    else:
        print(f"Engine {args.engine}: student code runs unisolated, with your rights (trusted work only).")

    results = grade(
        course,
        args.assignment,
        args.students,
        jobs=args.jobs,
        timeout=args.timeout,
        hard_timeout=args.hard_timeout,
        engine=args.engine,
        progress=sys.stderr.isatty() or bool(os.environ.get("MVS_PROGRESS")),
    )
    if not results:
        raise CourseError(f"No submissions of {args.assignment} in {course.course_dir / 'submitted'}.")
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


def _report(course: Course, args: argparse.Namespace) -> None:
    import pandas as pd

    from .grading.report import item_table, student_table, write_csv, write_plots

    students = student_table(course, args.assignment)
    items = item_table(course, args.assignment)
    with pd.option_context("display.width", 160, "display.max_columns", 50):
        print(students.to_string(float_format=lambda v: f"{v:g}"))
        print()
        print(items.to_string())
    if args.csv:
        print(f"LMS CSV: {write_csv(students, args.csv)}")
    if args.plots:
        for path in write_plots(students, items, args.plots, args.assignment):
            print(f"plot: {path}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "student-edition":
            from .grading.edition import DEFAULT_REPO, student_edition

            edition = student_edition(
                find_project(Path(args.course_dir)), Path(args.outdir), repo=args.repo or DEFAULT_REPO
            )
            print(
                f"student edition: {edition.files} files in {edition.path} (git repository, no leaks found)"
            )
            return 0
        course = Course.open(args.course_dir)
        if args.command == "release":
            from .grading.release import release

            for name, path in release(course, args.assignments or None).items():
                print(f"released {name} -> {path}")
        elif args.command == "collect":
            _collect(course, args)
        elif args.command == "grade":
            _grade(course, args)
        elif args.command == "feedback":
            from .grading.feedback import feedback

            for student, files in feedback(course, args.assignment).items():
                for f in files:
                    print(f"{student}: {f.relative_to(course.course_dir)}")
        elif args.command == "report":
            _report(course, args)
        elif args.command == "status":
            from .grading.report import status

            print(status(course).to_string())
    except CourseError as err:
        print(f"mvs-course: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
