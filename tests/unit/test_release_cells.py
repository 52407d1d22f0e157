"""Release-time cells: the preprocessors insert read-only check and save-work cells without
nbgrader metadata, and nbgrader_config.py lists them ahead of nbgrader's own steps."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.converters import GenerateAssignment
from traitlets.config.loader import PyFileConfigLoader

from mvs_course.authoring.items import CellProgramError, hidden_steps, items, segments
from mvs_course.authoring.release_cells import InsertChecks, InsertSaveWork, check_source, generated

ROOT = Path(__file__).resolve().parents[2]


def _cell(kind, source, cell_id, **nbgrader):
    cell = (new_code_cell if kind == "code" else new_markdown_cell)(source, id=cell_id)
    if nbgrader:
        cell.metadata["nbgrader"] = {"grade_id": cell_id, "schema_version": 3, **nbgrader}
    return cell


def _notebook():
    return new_notebook(
        cells=[
            _cell("markdown", "# Title", "intro", grade=False, solution=False, locked=True),
            _cell("markdown", "## 1. Task", "one_task", grade=False, solution=False, locked=True),
            _cell(
                "code",
                "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
                "one",
                solution=True,
            ),
            _cell("code", "expect(f(1), 1, why='one')", "test_one", grade=True, points=1, solution=False),
            _cell("markdown", "## 2. Write", "two_task", grade=False, solution=False, locked=True),
            _cell("markdown", "An essay.", "two", grade=True, solution=True, points=2),
        ]
    )


def test_insert_checks_after_autograded_answers_only():
    nb, _ = InsertChecks().preprocess(_notebook(), {})
    ids = [c.get("id") for c in nb.cells]
    assert ids == ["intro", "one_task", "one", "check-one", "test_one", "two_task", "two"]
    check = nb.cells[3]
    assert check.source == check_source("one") and "nbgrader" not in check.metadata
    assert check.metadata["editable"] is False and check.metadata["deletable"] is False
    assert generated(check) and not generated(nb.cells[2])


def test_insert_save_work_after_the_first_cell():
    nb, _ = InsertSaveWork().preprocess(_notebook(), {"nbgrader": {"assignment": "01_x"}})
    assert [c.get("id") for c in nb.cells[:3]] == ["intro", "save-work-note", "save-work"]
    assert "about ten minutes" in nb.cells[1].source
    assert nb.cells[2].source.endswith('download_work("01_x")')
    assert all("nbgrader" not in c.metadata and generated(c) for c in nb.cells[1:3])


def test_config_lists_the_preprocessors_before_nbgraders_own_steps():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    listed = list(config.GenerateAssignment.preprocessors)
    ours = [
        "mvs_course.authoring.release_cells.InsertSaveWork",
        "mvs_course.authoring.release_cells.InsertChecks",
    ]
    default = [f"{p.__module__.rsplit('.', 1)[0]}.{p.__name__}" for p in GenerateAssignment().preprocessors]
    assert [p for p in listed if p not in ours] == default, "keep nbgrader's own steps, in its order"
    assert listed.index(ours[1]) < listed.index("nbgrader.preprocessors.ClearSolutions")


def test_segments_and_hidden_steps():
    source = (
        "x = 1\nexpect(f(x), 1, why='a')\n### BEGIN HIDDEN TESTS\ny = 2\nexpect(f(y), 2, why='b', places=2)\n"
    )
    source += "expect_raises(ValueError, f, -1, why='c')\n### END HIDDEN TESTS\n"
    (visible, first), (hidden, second) = segments(source)
    assert not visible and hidden and "y = 2" in second and "x = 1" in first
    steps = hidden_steps(second)
    assert steps[0] == {"code": "y = 2", "why": "b"}
    assert steps[1] == {"expect": "f(y)", "expected": "2", "why": "b", "options": {"places": 2}}
    assert steps[2]["why"] == "c" and steps[2]["code"].startswith("expect_raises(")


@pytest.mark.parametrize(
    "code",
    [
        "assert f(1) == 1",
        "expect(f(1), 1)",
        "expect(f(1), 1, why=reason)",
        "expect(f(1), 1, why='a', tolerance=0.1)",
        "for x in range(3):\n    expect(f(x), x, why='a')",
        "x = 1",
        "print(f(1))",
    ],
)
def test_hidden_steps_refuse_anything_else(code):
    with pytest.raises(CellProgramError):
        hidden_steps(code)


def test_items_group_task_answer_tests():
    found = items(_notebook())
    assert [(i.answer_id, len(i.tests), i.manual) for i in found] == [("one", 1, False), ("two", 0, True)]
    assert found[0].task_text.endswith("## 1. Task")
    nb = _notebook()
    nb.cells.insert(0, nb.cells.pop(3))  # a test cell before any answer
    with pytest.raises(CellProgramError):
        items(nb)
    assert nbformat.validate(_notebook()) is None
