#!/usr/bin/env python3
"""Generate the repeated notebook parts: navigation header/footer and the start page contents.

    python tools/course_nav.py          rewrite the generated cells in place
    python tools/course_nav.py --check  exit 1 and name the notebooks that are out of date

Generated cells have fixed ids (nav-header, nav-footer, nav-contents); edit this script,
never those cells. Lessons are course/NN_*.ipynb (NN >= 01), each paired with the
assignment solutions/NN_*/ of the same number; course/glossary.ipynb is linked when present.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
START = COURSE / "00_start_here.ipynb"
GLOSSARY = COURSE / "glossary.ipynb"


@dataclass(frozen=True)
class Lesson:
    number: int
    path: Path
    title: str
    assignment: Path | None  # the release notebook, exercises/<assignment>/<name>.ipynb


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not cell.get("id", "").startswith("nav-"):
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def lessons() -> list[Lesson]:
    """Every lesson in course order, with its title and its assignment (if any)."""
    found = []
    for path in sorted(COURSE.glob("[0-9][0-9]_*.ipynb")):
        number = int(path.name[:2])
        if number == 0:
            continue
        nb = nbformat.read(path, as_version=4)
        sources = sorted((ROOT / "solutions").glob(f"{path.name[:2]}_*/*.ipynb"))
        release = None
        if sources:
            release = ROOT / "exercises" / sources[0].parent.name / sources[0].name
        found.append(Lesson(number, path, _title(nb, path.stem), release))
    return found


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start.parent)).as_posix()


def header(lesson: Lesson, all_lessons: list[Lesson]) -> str:
    i = all_lessons.index(lesson)
    parts = [f"[Start page]({_rel(START, lesson.path)})"]
    parts.append(f"Lesson {lesson.number} of {len(all_lessons)}")
    if GLOSSARY.exists():
        parts.append(f"[Glossary]({_rel(GLOSSARY, lesson.path)})")
    if i > 0:
        parts.append(f"[Previous: {all_lessons[i - 1].title}]({all_lessons[i - 1].path.name})")
    if i + 1 < len(all_lessons):
        parts.append(f"[Next: {all_lessons[i + 1].title}]({all_lessons[i + 1].path.name})")
    return " · ".join(parts)


def footer(lesson: Lesson, all_lessons: list[Lesson]) -> str:
    i = all_lessons.index(lesson)
    lines = ["---"]
    if lesson.assignment is not None:
        link = _rel(lesson.assignment, lesson.path)
        lines.append(f"**Practise:** the graded exercises for this lesson are in [{link}]({link}).")
    if i + 1 < len(all_lessons):
        nxt = all_lessons[i + 1]
        lines.append(f"**Next lesson:** [{nxt.title}]({nxt.path.name})")
    else:
        lines.append("**You reached the last lesson.** Back to the [start page](00_start_here.ipynb).")
    return "\n\n".join(lines)


def contents(all_lessons: list[Lesson]) -> str:
    rows = ["## Contents", "", "| # | Lesson | Assignment |", "|---|---|---|"]
    for lesson in all_lessons:
        assignment = "–"
        if lesson.assignment is not None:
            link = _rel(lesson.assignment, START)
            assignment = f"[{lesson.assignment.parent.name}]({link})"
        rows.append(f"| {lesson.number} | [{lesson.title}]({lesson.path.name}) | {assignment} |")
    if GLOSSARY.exists():
        rows += ["", "Terms in their original languages: [the glossary](glossary.ipynb)."]
    return "\n".join(rows)


def _set_cell(nb: nbformat.NotebookNode, cell_id: str, text: str, position: int) -> None:
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            cell.source = text
            return
    cell = new_markdown_cell(text)
    cell["id"] = cell_id
    cell.metadata["tags"] = ["nav"]
    nb.cells.insert(position if position >= 0 else len(nb.cells), cell)


def render() -> dict[Path, str]:
    """The text every generated notebook should have, keyed by path."""
    all_lessons = lessons()
    wanted: dict[Path, str] = {}
    for lesson in all_lessons:
        nb = nbformat.read(lesson.path, as_version=4)
        _set_cell(nb, "nav-header", header(lesson, all_lessons), 0)
        _set_cell(nb, "nav-footer", footer(lesson, all_lessons), -1)
        wanted[lesson.path] = nbformat.writes(nb) + "\n"
    if START.exists():
        nb = nbformat.read(START, as_version=4)
        _set_cell(nb, "nav-contents", contents(all_lessons), len(nb.cells))
        wanted[START] = nbformat.writes(nb) + "\n"
    return wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    args = parser.parse_args(argv)
    stale = [p for p, text in render().items() if p.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python tools/course_nav.py")
        return 1 if stale else 0
    for path, text in render().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
