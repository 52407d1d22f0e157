"""mvs-course: the instructor's command line. It parses arguments, calls mvs_course, prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .grading.course import Course, CourseError, find_project
from .grading.edition import DEFAULT_REPO, student_edition
from .grading.grade import grade
from .grading.release import release
from .grading.scores import totals


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mvs-course", description=__doc__.splitlines()[0])
    parser.add_argument("--course-dir", default=".", help="nbgrader course root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="regenerate exercises/ from solutions/")
    p.add_argument("assignments", nargs="*")
    p = sub.add_parser("grade", help="autograde every submission of an assignment")
    p.add_argument("assignment")
    p = sub.add_parser("student-edition", help="write a publishable copy without answers or grading code")
    p.add_argument("outdir")
    p.add_argument("--repo", default=DEFAULT_REPO, help="owner/name for the edition's Binder badge")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "student-edition":
            edition = student_edition(find_project(Path(args.course_dir)), Path(args.outdir), repo=args.repo)
            print(
                f"student edition: {edition.files} files in {edition.path} (git repository, no leaks found)"
            )
            return 0
        course = Course.open(args.course_dir)
        if args.command == "release":
            for name, path in release(course, args.assignments or None).items():
                print(f"released {name} -> {path}")
        elif args.command == "grade":
            results = grade(course, args.assignment)
            scores = totals(course, args.assignment)
            for r in results:
                status = f"{scores.get(r.student, 0):g}" if r.ok else f"FAILED: {r.message[-200:]}"
                print(f"{r.student}: {status}")
    except CourseError as err:
        print(f"mvs-course: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
