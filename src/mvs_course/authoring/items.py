"""The graded items of a source notebook: task text, answer cell, test cells, and the test program.

An item is the run of cells from its task (markdown) to its last test cell::

    task markdown  ->  answer cell (nbgrader solution)  ->  test cell(s) (nbgrader grade)

A test cell's code is split into *segments* in order: visible code, and hidden regions
(``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS``). A hidden region may hold only
assignments of inputs and ``expect`` / ``expect_raises`` calls whose ``why=`` is a literal
string; :func:`hidden_steps` parses it and says what else it found.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import nbformat

from mvs_course import nbmeta

RULES_HEADING = "Rules the tests use"
EXPECT_OPTIONS = ("any_order", "places", "one_of")


class CellProgramError(ValueError):
    """A test cell that does not follow the rules of test programs."""


@dataclass
class Item:
    """One graded item of a notebook."""

    answer: nbformat.NotebookNode
    task: list[nbformat.NotebookNode] = field(default_factory=list)
    tests: list[nbformat.NotebookNode] = field(default_factory=list)

    @property
    def answer_id(self) -> str:
        return nbmeta.grade_id(self.answer) or ""

    @property
    def task_text(self) -> str:
        return "\n\n".join(cell.source for cell in self.task)

    @property
    def manual(self) -> bool:
        """A written answer the instructor grades by hand (no test cells)."""
        return nbmeta.is_manually_graded(self.answer)

    @property
    def rules_text(self) -> str:
        """The task's 'Rules the tests use' part (empty if it has none)."""
        text = self.task_text
        at = text.find(RULES_HEADING)
        return text[at:] if at >= 0 else ""


def items(nb: nbformat.NotebookNode) -> list[Item]:
    """The items of a source notebook, in order (written answers included)."""
    found: list[Item] = []
    pending: list[nbformat.NotebookNode] = []
    for cell in nb.cells:
        if nbmeta.is_answer(cell):
            found.append(Item(cell, task=pending))
            pending = []
        elif nbmeta.is_autograded_test(cell) and found and not pending:
            found[-1].tests.append(cell)
        elif nbmeta.is_autograded_test(cell):
            raise CellProgramError(f"test cell {nbmeta.grade_id(cell)!r} does not follow an answer cell")
        elif cell.cell_type == "markdown":
            pending.append(cell)
        else:
            pending = []  # setup code between items: the next task starts after it
    return found


def segments(source: str) -> list[tuple[bool, str]]:
    """(hidden, code) parts of a test cell, in order."""
    out: list[tuple[bool, str]] = []
    current: list[str] = []
    hidden = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(nbmeta.BEGIN_HIDDEN) or stripped.startswith(nbmeta.END_HIDDEN):
            if current and "".join(current).strip():
                out.append((hidden, "\n".join(current)))
            current = []
            hidden = stripped.startswith(nbmeta.BEGIN_HIDDEN)
            continue
        current.append(line)
    if current and "".join(current).strip():
        out.append((hidden, "\n".join(current)))
    return out


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Name) and func.id in ("expect", "expect_raises"):
            return func.id
    return None


def _literal_why(call: ast.Call) -> str:
    for keyword in call.keywords:
        if keyword.arg == "why":
            value = keyword.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.strip():
                return value.value
            raise CellProgramError("why= must be a literal string")
    raise CellProgramError("every expect call needs why='<the case, as the task states it>'")


def expect_parts(call: ast.Call) -> tuple[ast.expr, ast.expr, str, dict]:
    """(actual, expected, why, options) of an ``expect(...)`` call; options are literals."""
    if len(call.args) != 2 or any(isinstance(a, ast.Starred) for a in call.args):
        raise CellProgramError("expect takes exactly two positional arguments: actual, expected")
    options = {}
    for keyword in call.keywords:
        if keyword.arg == "why":
            continue
        if keyword.arg not in EXPECT_OPTIONS:
            known = ", ".join(EXPECT_OPTIONS)
            raise CellProgramError(f"expect has no option {keyword.arg!r} (known: {known})")
        try:
            options[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            raise CellProgramError(f"expect option {keyword.arg}= must be a literal") from None
    return call.args[0], call.args[1], _literal_why(call), options


def hidden_steps(code: str) -> list[dict]:
    """The statements of a hidden region as steps; CellProgramError for anything else.

    Steps are ``{"code": ...}`` for an input assignment or an ``expect_raises`` call, and
    ``{"expect": <actual source>, "expected": <expected source>, "why": ..., "options": {...}}``.
    Every step carries the ``why`` of the expectation it serves (an input, the next one's).
    """
    tree = ast.parse(code)
    steps: list[dict] = []
    for node in tree.body:
        text = ast.get_source_segment(code, node) or ast.unparse(node)
        kind = _call_name(node)
        if isinstance(node, ast.Assign | ast.AnnAssign):
            steps.append({"code": text})
        elif kind == "expect_raises":
            steps.append({"code": text, "why": _literal_why(node.value)})  # type: ignore[attr-defined]
        elif kind == "expect":
            actual, expected, why, options = expect_parts(node.value)  # type: ignore[attr-defined]
            step = {
                "expect": ast.get_source_segment(code, actual) or ast.unparse(actual),
                "expected": ast.get_source_segment(code, expected) or ast.unparse(expected),
                "why": why,
            }
            if options:
                step["options"] = options
            steps.append(step)
        else:
            raise CellProgramError(
                f"a hidden test region may hold only input assignments and expect calls, not: {text[:80]!r}"
            )
    if not any("why" in s for s in steps):
        raise CellProgramError("a hidden test region without an expect call tests nothing")
    why = None
    for step in reversed(steps):  # an input step fails for the case it prepares
        why = step.get("why", why)
        if why is not None:
            step.setdefault("why", why)
    return steps


def whys(source: str) -> list[str]:
    """Every ``why=`` text of the expect calls in a test cell (visible and hidden)."""
    found = []
    for _, code in segments(source):
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in ("expect", "expect_raises"):
                    found.append(_literal_why(node))
    return found
