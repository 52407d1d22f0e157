"""Write the learner-check data of an assignment from its solution notebook.

The solution notebook is executed cell by cell (in this process, in the notebook's folder).
Each test cell runs as its statements: visible code as it is, and in hidden regions each
input assignment and each ``expect`` call. For every hidden ``expect`` the canonical forms of
its expected value are hashed with the assignment's salt; the check data stores the
statements with the expected value left out, so ``check()`` can run the same program.
The solution must pass every test on the way (otherwise :class:`CheckDataError`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

import nbformat

from mvs_course import claims as claim_table
from mvs_course import nbmeta
from mvs_course.checks.canonical import digest
from mvs_course.checks.expect import expect, expect_raises, expected_forms

from .items import RULES_HEADING, CellProgramError, Item, hidden_steps, items, segments, whys

DATA_DIR = Path("src") / "mvs_course" / "checks" / "data"


class CheckDataError(RuntimeError):
    """A solution notebook whose tests cannot be turned into learner checks."""


def data_path(project: Path, assignment: str) -> Path:
    return project / DATA_DIR / f"{assignment}.json"


@contextlib.contextmanager
def _in_folder(folder: Path):
    before = Path.cwd()
    old = os.environ.get("MVS_NO_PROGRESS")
    os.environ["MVS_NO_PROGRESS"] = "1"
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
        if old is None:
            os.environ.pop("MVS_NO_PROGRESS", None)
        else:
            os.environ["MVS_NO_PROGRESS"] = old


def _heading(source: str) -> str | None:
    import re

    for line in source.splitlines():
        if line.startswith("#"):
            return re.sub(r"\s*\(\d+(\.\d+)? points?\)\s*$", "", line.lstrip("#").strip())
    return None


def where(project: Path, assignment: str, claims: list[str]) -> str:
    """'lesson N (course/file), section(s) …' for the lesson sections tagged with ``claims``."""
    lessons = sorted((project / "course").glob(f"{assignment[:2]}_*.ipynb"))
    if not lessons:
        return ""
    lesson = lessons[0]
    sections: list[str] = []
    for cell in nbformat.read(lesson, as_version=4).cells:
        heading = _heading(cell.source) if cell.cell_type == "markdown" else None
        if heading and set(nbmeta.claims(cell)) & set(claims) and heading not in sections:
            sections.append(heading)
    text = f"lesson {int(assignment[:2])} (course/{lesson.name})"
    if sections:
        quoted = " and ".join(f"'{s}'" for s in sections)
        text += f", section{'s' if len(sections) > 1 else ''} {quoted}"
    return text


def _run(code: str, ns: dict, label: str) -> None:
    exec(compile(code, f"<{label}>", "exec"), ns)  # noqa: S102 - the instructor's own notebook


def _test_steps(cell: nbformat.NotebookNode, ns: dict, salt: str) -> list[dict]:
    """Run one test cell in the solution namespace; its steps with hashed expected values."""
    gid = nbmeta.grade_id(cell)
    steps: list[dict] = []
    for hidden, code in segments(cell.source):
        if not hidden:
            try:
                _run(code, ns, gid)
            except Exception as error:
                raise CheckDataError(f"{gid}: the solution fails the visible test: {error!r}") from None
            steps.append({"code": code})
            continue
        try:
            parsed = hidden_steps(code)
        except (CellProgramError, SyntaxError) as error:
            raise CheckDataError(f"{gid}: {error}") from None
        for step in parsed:
            if "expect" not in step:
                try:
                    _run(step["code"], ns, gid)
                except Exception as error:
                    raise CheckDataError(f"{gid}: the solution fails {step['code']!r}: {error!r}") from None
                steps.append(step)
                continue
            options = step.get("options", {})
            try:
                actual = eval(step["expect"], ns)  # noqa: S307
                expected = eval(step["expected"], ns)  # noqa: S307
                expect(actual, expected, why=step["why"], **options)
            except Exception as error:
                raise CheckDataError(
                    f"{gid}: the solution fails the hidden test for {step['why']!r}: {error!r}"
                ) from None
            forms = expected_forms(
                expected,
                one_of=options.get("one_of", False),
                any_order=options.get("any_order", False),
                places=options.get("places"),
            )
            steps.append(
                {
                    "expect": step["expect"],
                    "why": step["why"],
                    **({"options": options} if options else {}),
                    "hashes": sorted({digest(salt, form) for form in forms}),
                }
            )
    return steps


def check_data(project: Path, assignment: str, salt: str | None = None) -> dict:
    """The check data of ``assignment``: run its solution notebook(s) and hash the expectations."""
    folder = project / "solutions" / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise CheckDataError(f"no notebook in {folder}")
    salt = salt or secrets.token_hex(16)
    statements = {row["claim"]: row["statement"] for row in claim_table.rows()}
    checks: dict[str, Any] = {}
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        try:
            by_answer = {id(item.answer): item for item in items(nb)}
        except CellProgramError as error:
            raise CheckDataError(f"{path.name}: {error}") from None
        ns: dict[str, Any] = {"__name__": "__main__", "expect": expect, "expect_raises": expect_raises}
        with _in_folder(folder):
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                gid = nbmeta.grade_id(cell) or "cell"
                if nbmeta.is_autograded_test(cell):
                    continue  # run with its item, right after the answer
                try:
                    _run(nbmeta.strip_solution_markers(cell.source), ns, gid)
                except Exception as error:
                    raise CheckDataError(f"{path.name}: cell {gid!r} fails: {error!r}") from None
                item = by_answer.get(id(cell))
                if item is None or not item.tests:
                    continue
                scope = dict(ns)  # the tests see the answers, never another item's test variables
                tests = [
                    {"grade_id": nbmeta.grade_id(test), "steps": _test_steps(test, scope, salt)}
                    for test in item.tests
                ]
                tags = nbmeta.claims(item.answer)
                task = next((h for c in item.task if (h := _heading(c.source))), item.answer_id)
                checks[item.answer_id] = {
                    "notebook": path.name,
                    "hint": {
                        "task": task,
                        "where": where(project, assignment, tags),
                        "claims": [statements[c] for c in tags if c in statements],
                    },
                    "tests": tests,
                }
    return {"assignment": assignment, "salt": salt, "checks": checks}


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def current_salt(project: Path, assignment: str) -> str | None:
    path = data_path(project, assignment)
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("salt")
    except (OSError, ValueError):
        return None


def rule_problems(item: Item) -> list[str]:
    """Each ``why`` of the item's tests must appear in its task's 'Rules the tests use' list."""
    rules = item.rules_text
    problems = []
    for cell in item.tests:
        for why in whys(cell.source):
            if why not in rules:
                problems.append(
                    f"{nbmeta.grade_id(cell)}: why={why!r} is not in the task's '{RULES_HEADING}' list"
                )
    return problems


def shipped_lines(project: Path) -> set[str]:
    """Every stripped line of code the check data ships to learners: visible test code, hidden
    inputs, ``expect_raises`` calls and the actual side of each ``expect`` (never an expected
    value). A leak scan of the student edition treats these as public."""
    lines: set[str] = set()
    for path in sorted((project / DATA_DIR).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("checks", {}).values():
            for test in entry.get("tests", []):
                for step in test.get("steps", []):
                    for text in (step.get("code", ""), step.get("expect", "")):
                        lines.update(line.strip() for line in text.splitlines() if line.strip())
    return lines
