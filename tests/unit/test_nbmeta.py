"""nbmeta: the markers equal nbgrader's own, and the helpers read cells as nbgrader does."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from mvs_course import nbmeta


def test_markers_are_nbgraders_defaults():
    assert nbmeta.BEGIN_SOLUTION == "### " + ClearSolutions().begin_solution_delimeter
    assert nbmeta.END_SOLUTION == "### " + ClearSolutions().end_solution_delimeter
    assert nbmeta.BEGIN_HIDDEN == "### " + ClearHiddenTests().begin_test_delimeter
    assert nbmeta.END_HIDDEN == "### " + ClearHiddenTests().end_test_delimeter


def _cell(source="", **meta):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": "x", "schema_version": 3, **meta}
    return cell


def test_cell_kinds():
    answer = _cell(solution=True, grade=False)
    test = _cell(grade=True, solution=False, locked=True, points=2)
    manual = new_markdown_cell("YOUR ANSWER HERE")
    manual.metadata["nbgrader"] = {"grade_id": "essay", "grade": True, "solution": True, "points": 3}
    assert nbmeta.is_answer(answer) and not nbmeta.is_autograded_test(answer)
    assert nbmeta.is_autograded_test(test) and nbmeta.points(test) == 2.0 and nbmeta.is_locked(test)
    assert nbmeta.is_manually_graded(manual) and not nbmeta.is_autograded_test(manual)
    assert nbmeta.graded_items([answer, test, manual]) == {"x": 2.0}


def test_malformed_metadata_reads_as_absent():
    cell = new_code_cell("x = 1")
    cell.metadata["nbgrader"] = "not a dict"
    assert nbmeta.nbgrader(cell) == {} and nbmeta.grade_id(cell) is None
    cell.metadata["nbgrader"] = {"grade_id": 7}
    assert nbmeta.grade_id(cell) is None


def test_hidden_and_solution_regions():
    source = "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\nprint('done')"
    assert nbmeta.hidden_blocks(source) == ["assert f(2) == 4\n"]
    assert nbmeta.without_hidden(source) == "assert f(1) == 1\nprint('done')"
    assert nbmeta.leak_markers_in(source) == ["BEGIN HIDDEN TESTS", "END HIDDEN TESTS"]
    answer = "def f(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\n"
    assert nbmeta.solution_blocks(answer) == ["    return x * x\n"]
    assert nbmeta.strip_solution_markers(answer) == "def f(x):\n    return x * x\n"


def test_claims():
    cell = new_markdown_cell("x")
    cell.metadata["tags"] = ["claim:000/aida-split", "other", "claim:001/loop"]
    assert nbmeta.claims(cell) == ["000/aida-split", "001/loop"]
    assert nbmeta.claim_tag("000/aida-split") == "claim:000/aida-split"
