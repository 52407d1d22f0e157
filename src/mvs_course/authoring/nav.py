"""Navigation and lesson format: the repeated parts of the course notebooks, generated and checked.

``update(project)`` rewrites the generated cells (they have fixed ids; edit this module,
never those cells):

* ``nav-header`` (first cell) and ``nav-footer`` (last cell) of every lesson
  ``course/NN_*.ipynb`` (NN >= 01) and of the primers ``course/00<letter>_*.ipynb``;
* ``nav-contents`` (last cell) of the start page ``course/00_start_here.ipynb``;
* ``metadata.mvs_course.shipped_sources`` of every lesson and primer with reflection cells:
  the digest of its cells as shipped, so *Download my work* can leave out a lesson the learner
  never changed (:func:`mvs_course.workspace.lesson_notebooks`).

It also checks that every lesson has the course's lesson format (contract 7 of the plan),
so that all lessons stay uniform. In order, a lesson notebook has:

1. ``nav-header`` (generated);
2. a markdown cell with id ``lesson-about``::

       # Lesson N: <title>

       **After this lesson you can**

       - <objective>                     (2 to 4 bullets)

       **Time:** lesson about 40 min, assignment about 45 min

       **Source:** article 000
       - Title: <title in the original language>
       - Blog or author: <as the seed names them, or say that it names none>
       - Date: <a date with its year, or "undated">
       - Language: <Dutch, Polish, Italian, Spanish, ...>
       - Who for whom: <one line on who wrote it for whom>

   (labels may be set in italics or bold: ``- *Title:* ...``).

   A synthesis lesson that draws on several articles names them all on the source line
   (``**Source:** articles 000, 001 and 002``, or a range ``articles 000–004``) and then
   gives one labelled entry per article, in either form::

       | Article | Title | Blog or author | Date | Language | Who for whom |
       |---|---|---|---|---|---|
       | 000 | ... | ... | undated | Dutch | ... |

       - Article 000
         - Title: ...
         - Blog or author: ...
         (and so on: the five labelled lines, for every article)

   Each entry is checked like a single article's source; every named article needs exactly
   one entry, and no entry may name an article the source line leaves out;
3. the lesson's sections, with at least one markdown cell tagged ``reflection`` that the
   learner edits (saved with the notebook, so *Download my work* carries it);
4. a ``## Try it`` section: a markdown cell tagged ``try-it`` starting with ``## Try it``;
   every markdown cell after it is tagged ``try-it`` (or ``reflection``); worked pandas
   examples (code cells), each followed by a tiny exercise: a code cell calling
   ``check("NN-<name>", answer)`` of :mod:`mvs_course.lessons.tryit`, where NN is the lesson
   number and the key is registered by the lesson module;
5. a markdown cell with id ``lesson-keypoints``: ``## Key points`` with 3 to 5 bullets, and
   ``## Further reading`` (at least one bullet) where the article points further;
6. ``nav-footer`` (generated).

``python -m mvs_course.authoring.nav [--check] [PROJECT]`` runs the same from a shell.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from mvs_course.workspace import SHIPPED_KEY, sources_digest

START_NAME = "00_start_here.ipynb"
GLOSSARY_NAME = "glossary.ipynb"
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
PRIMER_GLOB = "00[a-z]_*.ipynb"

ABOUT_ID = "lesson-about"
KEYPOINTS_ID = "lesson-keypoints"
TRY_IT_TAG = "try-it"
REFLECTION_TAG = "reflection"
SOURCE_LABELS = ("Title", "Blog or author", "Date", "Language", "Who for whom")
LANGUAGES = {
    "Dutch", "Polish", "Italian", "Spanish", "English", "German", "French", "Portuguese", "Turkish",
}  # fmt: skip


@dataclass(frozen=True)
class Lesson:
    number: int
    path: Path
    title: str
    assignment: Path | None  # the release notebook, exercises/<assignment>/<name>.ipynb


# --- finding the notebooks --------------------------------------------------------------------


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not cell.get("id", "").startswith("nav-"):
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def lessons(project: Path, course: Path | None = None) -> list[Lesson]:
    """Every lesson in course order, with its title and its assignment (if any)."""
    project = Path(project)
    course = course or project / "course"
    found = []
    for path in sorted(course.glob(LESSON_GLOB)):
        number = int(path.name[:2])
        if number == 0:
            continue
        nb = nbformat.read(path, as_version=4)
        sources = sorted((project / "solutions").glob(f"{path.name[:2]}_*/*.ipynb"))
        release = None
        if sources:
            release = project / "exercises" / sources[0].parent.name / sources[0].name
        found.append(Lesson(number, path, _title(nb, path.stem), release))
    return found


def primers(course: Path) -> list[tuple[Path, str]]:
    """The primer notebooks (``00b_*.ipynb`` and so on) with their titles, in order."""
    return [(p, _title(nbformat.read(p, as_version=4), p.stem)) for p in sorted(course.glob(PRIMER_GLOB))]


# --- the generated cells ------------------------------------------------------------------------


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start.parent)).as_posix()


def header(lesson: Lesson, all_lessons: list[Lesson], course: Path) -> str:
    i = all_lessons.index(lesson)
    parts = [f"[Start page]({_rel(course / START_NAME, lesson.path)})"]
    parts.append(f"Lesson {lesson.number} of {len(all_lessons)}")
    if (course / GLOSSARY_NAME).exists():
        parts.append(f"[Glossary]({_rel(course / GLOSSARY_NAME, lesson.path)})")
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
        lines.append(f"**You reached the last lesson.** Back to the [start page]({START_NAME}).")
    return "\n\n".join(lines)


def primer_header(title: str, all_lessons: list[Lesson]) -> str:
    parts = [f"[Start page]({START_NAME})", title]
    if all_lessons:
        parts.append(f"[Next: {all_lessons[0].title}]({all_lessons[0].path.name})")
    return " · ".join(parts)


def primer_footer(all_lessons: list[Lesson]) -> str:
    lines = ["---"]
    if all_lessons:
        lines.append(f"**Next:** [{all_lessons[0].title}]({all_lessons[0].path.name})")
    lines.append(f"Back to the [start page]({START_NAME}).")
    return "\n\n".join(lines)


def contents(all_lessons: list[Lesson], course: Path) -> str:
    rows = ["## Contents", ""]
    for path, title in primers(course):
        rows += [f"New to pandas or Python data tables? Start with [{title}]({path.name}).", ""]
    rows += ["| # | Lesson | Assignment |", "|---|---|---|"]
    start = course / START_NAME
    for lesson in all_lessons:
        assignment = "–"
        if lesson.assignment is not None:
            link = _rel(lesson.assignment, start)
            assignment = f"[{lesson.assignment.parent.name}]({link})"
        rows.append(f"| {lesson.number} | [{lesson.title}]({lesson.path.name}) | {assignment} |")
    if (course / GLOSSARY_NAME).exists():
        rows += ["", f"Terms in their original languages: [the glossary]({GLOSSARY_NAME})."]
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


def _stamp(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Record the digest of the cells as shipped in a notebook with reflection cells, so
    *Download my work* leaves out a lesson the learner never changed and a restore may replace
    such a copy (see :func:`mvs_course.workspace.sources_digest`)."""
    if any(REFLECTION_TAG in _tags(c) for c in nb.cells):
        nb.metadata.setdefault("mvs_course", {})[SHIPPED_KEY] = sources_digest(nb.cells)
    return nb


def render_notebooks(project: Path, course: Path | None = None) -> dict[Path, nbformat.NotebookNode]:
    """Every generated notebook as it should be, keyed by path."""
    project = Path(project)
    course = course or project / "course"
    all_lessons = lessons(project, course)
    wanted: dict[Path, nbformat.NotebookNode] = {}
    for lesson in all_lessons:
        nb = nbformat.read(lesson.path, as_version=4)
        _set_cell(nb, "nav-header", header(lesson, all_lessons, course), 0)
        _set_cell(nb, "nav-footer", footer(lesson, all_lessons), -1)
        wanted[lesson.path] = _stamp(nb)
    for path, title in primers(course):
        nb = nbformat.read(path, as_version=4)
        _set_cell(nb, "nav-header", primer_header(title, all_lessons), 0)
        _set_cell(nb, "nav-footer", primer_footer(all_lessons), -1)
        wanted[path] = _stamp(nb)
    start = course / START_NAME
    if start.exists():
        nb = nbformat.read(start, as_version=4)
        _set_cell(nb, "nav-contents", contents(all_lessons, course), len(nb.cells))
        wanted[start] = nb
    return wanted


def render(project: Path, course: Path | None = None) -> dict[Path, str]:
    """The text every generated notebook should have, keyed by path."""
    return {path: nbformat.writes(nb) + "\n" for path, nb in render_notebooks(project, course).items()}


# --- the lesson format ----------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*+]\s+\S")
_SOURCE_LINE = re.compile(
    r"^\s*[-*+]\s+[*_]{0,2}(" + "|".join(SOURCE_LABELS) + r"):[*_]{0,2}\s*(.*?)\s*$", re.M
)
_TIME = re.compile(r"\*\*Time:\*\*.*?\blesson\b\D*?(\d+)\s*min.*?\bassignment\b\D*?(\d+)\s*min", re.I)


def _bullets_after(text: str, marker: str) -> list[str] | None:
    """The bullet lines of the first list after ``marker`` (None if the marker is absent)."""
    at = text.find(marker)
    if at < 0:
        return None
    bullets: list[str] = []
    for line in text[at + len(marker) :].splitlines()[1:]:
        if _BULLET.match(line):
            bullets.append(line.strip())
        elif line.strip() == "" and not bullets:
            continue
        elif bullets and line.startswith((" ", "\t")) and line.strip():
            continue  # a bullet's continuation line
        else:
            break
    return bullets


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def check_keys(source: str) -> list[str]:
    """The Try-it keys checked in a code cell: the first argument of every ``check("...", ...)``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    keys = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        first = node.args[0]
        if name == "check" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            keys.append(first.value)
    return keys


def _field_problems(fields: dict[str, str], article: str | None = None) -> list[str]:
    """What one article's source entry lacks; ``article``: its number in a synthesis lesson."""
    problems = []
    owner = f"article {article}'s source" if article else "the source's"
    for label in SOURCE_LABELS:
        if label in fields and not fields[label].strip("*_ "):
            if article:
                problems.append(f"'**Source:**' gives no {label} for article {article}")
            else:
                problems.append(f"'**Source:**' has no '- {label}: ...' line")
    date = fields.get("Date", "")
    if date.strip("*_ ") and not (re.search(r"\b\d{4}\b", date) or "undated" in date.lower()):
        problems.append(f"{owner} Date should have a year, or say 'undated'")
    language = fields.get("Language", "")
    if language.strip("*_ ") and not set(re.findall(r"[A-Z][a-z]+", language)) & LANGUAGES:
        problems.append(f"{owner} Language should name a language, not {language!r}")
    who = fields.get("Who for whom", "")
    if who.strip("*_ ") and len(who.split()) < 5:
        problems.append(f"{owner} 'Who for whom' line is too short to say who wrote it for whom")
    return problems


_ARTICLE_NUMBER = re.compile(r"\b(\d{3})(?:\s*(?:–|-|to)\s*(\d{3}))?\b")
_GROUP_START = re.compile(r"^\s*[-*+]\s+[*_]{0,2}Article\s+(\d{3})\b", re.M | re.I)


def source_articles(line: str) -> list[str]:
    """The article numbers on the ``**Source:**`` line; a range ``000–004`` counts every one."""
    found: list[str] = []
    for first, last in _ARTICLE_NUMBER.findall(line):
        numbers = range(int(first), int(last) + 1) if last else [int(first)]
        found += [f"{n:03d}" for n in numbers if f"{n:03d}" not in found]
    return found


def _table_cells(line: str) -> list[str]:
    return [part.strip().strip("*_ ").strip() for part in line.strip().strip("|").split("|")]


def _source_table(text: str) -> tuple[list[tuple[str, dict[str, str]]], list[str]] | None:
    """Rows of the first table with an ``Article`` column, as (article cell, labelled fields).

    Also returns the labels that have no column. None when there is no such table.
    """
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if not line.lstrip().startswith("|") or not re.match(r"^\s*\|?[\s:|-]+$", lines[i + 1]):
            continue
        header = [cell.lower() for cell in _table_cells(line)]
        if "article" not in header:
            continue
        columns = {label: header.index(label.lower()) for label in SOURCE_LABELS if label.lower() in header}
        rows = []
        for row_line in lines[i + 2 :]:
            if not row_line.lstrip().startswith("|"):
                break
            cells = _table_cells(row_line) + [""] * len(header)
            rows.append((cells[header.index("article")], {k: cells[j] for k, j in columns.items()}))
        return rows, [label for label in SOURCE_LABELS if label not in columns]
    return None


def _source_groups(text: str) -> list[tuple[str, dict[str, str]]]:
    """The ``- Article NNN`` bullet groups, each with the labelled lines under it."""
    starts = list(_GROUP_START.finditer(text))
    groups = []
    for k, start in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        body = text[start.end() : end]
        fields = {label: "" for label in SOURCE_LABELS}
        fields.update(dict(_SOURCE_LINE.findall(body)))
        groups.append((start.group(1), fields))
    return groups


def _synthesis_source_problems(source: str, articles: list[str]) -> list[str]:
    """One labelled entry per article named on the source line of a synthesis lesson."""
    problems = []
    entries = _source_groups(source)
    table = _source_table(source)
    if table is not None:
        rows, missing = table
        for label in missing:
            problems.append(f"the sources table has no '{label}' column")
        entries += rows
    if not entries:
        return [
            f"'**Source:**' names {len(articles)} articles but gives no entry per article "
            "(a table with the columns Article, " + ", ".join(SOURCE_LABELS) + ", "
            "or one '- Article NNN' bullet group per article)"
        ]
    seen: list[str] = []
    for article_cell, fields in entries:
        numbers = source_articles(article_cell)
        if len(numbers) != 1:
            problems.append(f"a source entry should name one article by its number, not {article_cell!r}")
            continue
        article = numbers[0]
        if article not in articles:
            problems.append(f"a source entry is for article {article}, not named on the '**Source:**' line")
        if article in seen:
            problems.append(f"article {article} has more than one source entry")
        seen.append(article)
        problems += _field_problems(fields, article)
    for article in articles:
        if article not in seen:
            problems.append(f"'**Source:**' has no entry for article {article}")
    return problems


def _about_problems(cell: nbformat.NotebookNode, number: int) -> list[str]:
    text = cell.source
    problems = []
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if not first.startswith(f"# Lesson {number}:"):
        problems.append(f"lesson-about should start with the title line '# Lesson {number}: ...'")
    objectives = _bullets_after(text, "**After this lesson you can**")
    if objectives is None:
        problems.append("lesson-about has no '**After this lesson you can**'")
    elif not 2 <= len(objectives) <= 4:
        problems.append(f"lesson-about needs 2 to 4 objectives, has {len(objectives)}")
    if "**Time:**" not in text:
        problems.append("lesson-about has no '**Time:**'")
    elif not _TIME.search(text):
        problems.append("'**Time:**' should give minutes for the lesson and the assignment")
    if "**Source:**" not in text:
        problems.append("lesson-about has no '**Source:**'")
        return problems
    source = text[text.find("**Source:**") :]
    articles = source_articles(source.splitlines()[0])
    if len(articles) > 1:
        return problems + _synthesis_source_problems(source, articles)
    fields = {label: "" for label in SOURCE_LABELS}
    fields.update(dict(_SOURCE_LINE.findall(source)))
    return problems + _field_problems(fields)


def _keypoints_problems(cell: nbformat.NotebookNode) -> list[str]:
    text = cell.source
    if not text.lstrip().startswith("## Key points"):
        return ["lesson-keypoints should start with '## Key points'"]
    problems = []
    points = _bullets_after(text, "## Key points")
    if points is None or not 3 <= len(points) <= 5:
        problems.append(f"'## Key points' needs 3 to 5 bullets, has {len(points or [])}")
    reading = _bullets_after(text, "## Further reading")
    if reading is not None and not reading:
        problems.append("'## Further reading' has no bullet")
    return problems


def _try_it_problems(
    cells: list[nbformat.NotebookNode], number: int, registered: set[str] | None
) -> list[str]:
    if not cells:
        return ["no '## Try it' section (a markdown cell tagged try-it) before lesson-keypoints"]
    problems = []
    prefix = f"{number:02d}-"
    exercises = 0
    examples_since_check = 0
    for cell in cells[1:]:
        tags = _tags(cell)
        if cell.cell_type == "markdown":
            if TRY_IT_TAG not in tags and REFLECTION_TAG not in tags:
                problems.append(f"markdown cell {cell.get('id')!r} in Try it is not tagged try-it")
            continue
        if cell.cell_type != "code":
            continue
        keys = check_keys(cell.source)
        if not keys:
            examples_since_check += 1
            continue
        exercises += 1
        if examples_since_check == 0:
            problems.append(f"Try-it exercise {keys[0]!r} does not follow a worked example")
        examples_since_check = 0
        for key in keys:
            if not key.startswith(prefix):
                problems.append(f"Try-it key {key!r} should start with {prefix!r}")
            if registered is not None and key not in registered:
                problems.append(f"Try-it key {key!r} is not registered by the lesson module")
    if not exercises:
        problems.append("the Try it section has no exercise calling check('NN-name', answer)")
    return problems


def format_problems(nb: nbformat.NotebookNode, number: int, registered: set[str] | None = None) -> list[str]:
    """What lesson ``number`` lacks of the lesson format; ``registered``: known Try-it keys."""
    cells = nb.cells
    ids = [c.get("id") for c in cells]
    problems = []
    if "nav-header" not in ids or "nav-footer" not in ids:
        problems.append("navigation header or footer missing (run mvs-course build)")
    if ABOUT_ID not in ids:
        problems.append(f"no markdown cell with id {ABOUT_ID!r}")
        about_at = None
    else:
        about_at = ids.index(ABOUT_ID)
        if about_at != 1 or ids[0] != "nav-header":
            problems.append(f"{ABOUT_ID!r} should come right after the navigation header")
        problems += _about_problems(cells[about_at], number)
    if KEYPOINTS_ID not in ids:
        problems.append(f"no markdown cell with id {KEYPOINTS_ID!r}")
        key_at = len(cells)
    else:
        key_at = ids.index(KEYPOINTS_ID)
        if ids[key_at + 1 :] != ["nav-footer"]:
            problems.append(f"{KEYPOINTS_ID!r} should come right before the navigation footer")
        problems += _keypoints_problems(cells[key_at])
    try_at = next(
        (
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and TRY_IT_TAG in _tags(c) and c.source.startswith("## Try it")
        ),
        None,
    )
    if try_at is not None and (try_at > key_at or (about_at is not None and try_at < about_at)):
        problems.append("'## Try it' should come after lesson-about and before lesson-keypoints")
        try_at = None
    problems += _try_it_problems(cells[try_at:key_at] if try_at is not None else [], number, registered)
    if not any(c.cell_type == "markdown" and REFLECTION_TAG in _tags(c) for c in cells):
        problems.append("no reflection: a markdown cell tagged 'reflection' for the learner to edit")
    return problems


def lesson_modules(nbs: Iterable[nbformat.NotebookNode]) -> set[str]:
    """The ``mvs_course.lessons`` modules the notebooks import (they register the Try-it keys)."""
    found = set()
    pattern = re.compile(r"from\s+mvs_course\.lessons\s+import\s+(\w+)|import\s+mvs_course\.lessons\.(\w+)")
    for nb in nbs:
        for cell in nb.cells:
            if cell.cell_type == "code":
                for a, b in pattern.findall(cell.source):
                    name = a or b
                    if name != "tryit":
                        found.add(f"mvs_course.lessons.{name}")
    return found


def registered_keys(nbs: Iterable[nbformat.NotebookNode]) -> set[str]:
    """Import the lesson modules the notebooks use and return every registered Try-it key."""
    from mvs_course.lessons import tryit

    for module in sorted(lesson_modules(nbs)):
        importlib.import_module(module)
    return set(tryit.exercises())


# --- the one entry point ------------------------------------------------------------------------------


def update(project: Path, check: bool = False) -> list[str]:
    """Regenerate the navigation and start-page contents, and check every lesson's format.

    Returns one line per notebook whose generated cells changed (``check=False``) or are out
    of date (``check=True``, nothing is written), then one line per lesson-format problem;
    every line starts with the notebook's path relative to ``project``. An empty list means
    everything is fresh and every lesson has the format.
    """
    project = Path(project)
    wanted = render_notebooks(project)
    lines = []
    for path, nb in wanted.items():
        text = nbformat.writes(nb) + "\n"
        if path.read_text(encoding="utf-8") == text:
            continue
        rel = path.relative_to(project).as_posix()
        if check:
            lines.append(f"{rel}: navigation out of date (run mvs-course build)")
        else:
            path.write_text(text, encoding="utf-8")
            lines.append(f"{rel}: navigation updated")
    all_lessons = lessons(project)
    nbs = {lesson.path: wanted[lesson.path] for lesson in all_lessons}
    registered = registered_keys(nbs.values())
    for lesson in all_lessons:
        rel = lesson.path.relative_to(project).as_posix()
        for problem in format_problems(nbs[lesson.path], lesson.number, registered):
            lines.append(f"{rel}: lesson format: {problem}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is off")
    parser.add_argument("project", nargs="?", default=".", type=Path, help="the project folder")
    args = parser.parse_args(argv)
    lines = update(args.project.resolve(), check=args.check)
    for line in lines:
        print(line)
    if args.check:
        return 1 if lines else 0
    return 1 if any(": lesson format: " in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
