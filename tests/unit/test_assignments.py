"""The assignments as written: every item answerable from the release, hidden tests that use only
what the task states, a written answer per assignment, and check data that is fresh and
holds no expected value."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from mvs_course import nbmeta
from mvs_course.authoring import checks as check_build
from mvs_course.authoring.items import RULES_HEADING, hidden_steps, items, segments

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "solutions").glob("*/*.ipynb"))
IDS = [p.parent.name for p in SOURCES]


def _items(path: Path):
    return items(nbformat.read(path, as_version=4))


def _release_view(source: str) -> str:
    """What the student sees of an answer cell: solution regions replaced by the stub."""
    if nbmeta.BEGIN_SOLUTION not in source:
        return "raise NotImplementedError()"
    return re.sub(
        r"^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[^\n]*$",
        lambda m: f"{m.group(1)}raise NotImplementedError()",
        source,
        flags=re.S | re.M,
    )


def _shown(path: Path) -> str:
    """What a release shows of the source anyway: task text and visible test code."""
    nb = nbformat.read(path, as_version=4)
    return "\n".join(
        code
        for cell in nb.cells
        if not nbmeta.is_answer(cell)
        for hidden, code in segments(cell.source)
        if not hidden
    )


def _top_level(code: str) -> dict[str, ast.AST]:
    found: dict[str, ast.AST] = {}
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node
    return found


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_sources_hold_no_generated_cells(path):
    for cell in nbformat.read(path, as_version=4).cells:
        assert not cell.get("id", "").startswith("check-"), "check cells are inserted at release time"
        assert cell.get("id") not in ("save-work", "save-work-note"), "inserted at release time"
        assert "probes" not in cell.metadata.get("mvs", {}), "probes are gone: checks run the test cells"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_code_item_has_tests_and_a_task(path):
    found = _items(path)
    assert found
    for item in found:
        assert item.task_text.strip(), f"{item.answer_id}: no task text before the answer cell"
        if item.answer.cell_type == "code":
            assert item.tests, f"{item.answer_id}: an answer cell without test cells"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_hidden_regions_hold_only_inputs_and_expectations(path):
    for item in _items(path):
        for cell in item.tests:
            hidden = [code for is_hidden, code in segments(cell.source) if is_hidden]
            assert hidden, f"{nbmeta.grade_id(cell)}: no hidden tests"
            for code in hidden:
                hidden_steps(code)  # raises CellProgramError naming what else it found


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_why_is_a_rule_the_task_states(path):
    problems = []
    for item in _items(path):
        if item.tests:
            assert RULES_HEADING in item.task_text, f"{item.answer_id}: the task lists no '{RULES_HEADING}'"
        problems += check_build.rule_problems(item)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_tests_do_not_ask_for_a_type_the_task_does_not_name(path):
    strict = re.compile(r"\bis (True|False)\b|isinstance\([^)]*\b(int|float|bool|list|tuple)\b")
    for item in _items(path):
        for cell in item.tests:
            hits = [line.strip() for line in cell.source.splitlines() if strict.search(line)]
            assert not hits, f"{nbmeta.grade_id(cell)} compares types, not values: {hits}"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_released_answer_cells_leave_something_to_work_from(path):
    """The release shows every name the solution defines: a def line with a docstring, or the
    data skeleton (a dict with the keys and None values) outside the solution markers."""
    for item in _items(path):
        if item.answer.cell_type != "code":
            continue
        solution = _top_level(nbmeta.strip_solution_markers(item.answer.source))
        released = _top_level(_release_view(item.answer.source))
        assert solution, f"{item.answer_id}: the solution defines nothing"
        for name, node in solution.items():
            shown = released.get(name)
            assert shown is not None, (
                f"{item.answer_id}: the release shows only the stub; put a skeleton of {name} "
                "outside the solution markers"
            )
            if isinstance(node, ast.FunctionDef):
                assert isinstance(shown, ast.FunctionDef) and ast.get_docstring(shown), (
                    f"{item.answer_id}: {name}() needs a def line with a docstring outside the markers"
                )
                assert [a.arg for a in shown.args.args] == [a.arg for a in node.args.args]
                assert f"`{name}(" in item.task_text, f"{item.answer_id}: the task never names {name}()"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_each_assignment_has_a_written_answer_with_a_rubric(path):
    written = [item for item in _items(path) if item.manual]
    wanted = 2 if path.parent.name.startswith("06") else 1
    assert len(written) >= wanted, "add a manually graded written answer"
    for item in written:
        assert item.answer.cell_type == "markdown"
        assert nbmeta.points(item.answer) > 0
        assert not item.tests, "a written answer is graded by the instructor, not by tests"
        assert "**How it is marked**" in item.task_text, f"{item.answer_id}: the task needs its rubric"
        assert len(item.answer.source.split()) >= 40, f"{item.answer_id}: write a model answer"


def test_answer_ids_are_unique_across_assignments():
    seen: dict[str, str] = {}
    for path in SOURCES:
        for item in _items(path):
            assert item.answer_id not in seen, f"{item.answer_id} in {seen.get(item.answer_id)} and {path}"
            seen[item.answer_id] = path.parent.name


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_check_data_is_fresh_and_covers_every_item(path):
    assignment = path.parent.name
    stored = check_build.data_path(ROOT, assignment).read_text(encoding="utf-8")
    salt = json.loads(stored)["salt"]
    fresh = check_build.render(check_build.check_data(ROOT, assignment, salt=salt))
    assert fresh == stored, "run: mvs-course build"
    data = json.loads(stored)["checks"]
    for item in _items(path):
        if item.tests:
            assert [t["grade_id"] for t in data[item.answer_id]["tests"]] == [
                nbmeta.grade_id(t) for t in item.tests
            ]


def _strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_check_data_holds_no_expected_value_or_solution(path):
    data = json.loads(check_build.data_path(ROOT, path.parent.name).read_text(encoding="utf-8"))
    text = "\n".join(_strings(data))
    nb = nbformat.read(path, as_version=4)
    shown = "\n".join(
        code
        for cell in nb.cells
        if not nbmeta.is_answer(cell)
        for is_hidden, code in segments(cell.source)
        if not is_hidden
    )
    inputs = "\n".join(  # hidden inputs may ship: check() runs them
        step["code"]
        for cell in nb.cells
        if nbmeta.is_autograded_test(cell)
        for is_hidden, code in segments(cell.source)
        if is_hidden
        for step in hidden_steps(code)
        if "code" in step
    )
    secrets = []
    for item in _items(path):
        for block in nbmeta.solution_blocks(item.answer.source):
            secrets += [line.strip() for line in block.splitlines() if len(line.strip()) >= 16]
        for cell in item.tests:
            for is_hidden, code in segments(cell.source):
                if is_hidden:
                    secrets += [s["expected"] for s in hidden_steps(code) if "expected" in s]
    secrets = [s for s in secrets if len(s) >= 8 and s not in shown and s not in inputs]
    assert secrets, "nothing to compare with"
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"check data contains: {leaked}"
    hashes = [
        h
        for c in data["checks"].values()
        for t in c["tests"]
        for s in t["steps"]
        for h in s.get("hashes", [])
    ]
    assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_committed_release_holds_no_solution_or_hidden_test(path):
    release = ROOT / "exercises" / path.parent.name / path.name
    text = release.read_text(encoding="utf-8")
    assert nbmeta.leak_markers_in(text) == []
    for item in _items(path):
        for block in nbmeta.solution_blocks(item.answer.source):
            for line in block.splitlines():
                assert len(line.strip()) < 16 or line.strip() not in text, (
                    f"the release shows {line.strip()!r}"
                )
        for cell in item.tests:
            for block in nbmeta.hidden_blocks(cell.source):
                for step in hidden_steps(block):
                    expected = step.get("expected", "")
                    assert (
                        len(expected) < 8
                        or json.dumps(expected)[1:-1] not in text
                        or expected in _shown(path)
                    )


def test_shipped_lines_hold_inputs_but_no_expected_value():
    shipped = check_build.shipped_lines(ROOT)
    assert "loud = leads.assign(marketing_score=10)" in shipped
    assert "possible_sales(loud)" in shipped
    assert not any('{"ana": True, "bram": False' in line for line in shipped)
