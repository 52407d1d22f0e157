"""A grading worker checks nbgrader's metadata schema once, and still checks every cell as
``jsonschema.validate`` does (grade._schema_checked_once)."""

from __future__ import annotations

import jsonschema
import nbformat
import pytest
from nbgrader.nbgraderformat import common
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

from mvs_course.grading import grade

GOOD = {"grade": True, "solution": False, "locked": True, "grade_id": "t1", "points": 2, "schema_version": 3}


def _cell(meta: dict) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = dict(meta)
    return cell


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(common, "jsonschema", common.jsonschema)  # put back after the test
    checked = []
    real = jsonschema.validators.validator_for

    def counting(schema, *args, **kwargs):
        cls = real(schema, *args, **kwargs)
        checked.append(schema)
        return cls

    monkeypatch.setattr(jsonschema.validators, "validator_for", counting)
    grade._schema_checked_once()
    return checked


def test_many_cells_one_schema_check(patched):
    validator = MetadataValidatorV3()
    cells = [_cell({**GOOD, "grade_id": f"t{i}"}) for i in range(20)]
    patched.clear()
    for cell in cells:
        validator.validate_cell(cell)
    assert [s for s in patched if s is validator.schema] == [validator.schema]


@pytest.mark.parametrize(
    "meta",
    [
        {**GOOD, "points": "two"},
        {**GOOD, "grade": "yes"},
        {**GOOD, "locked": "no"},
        {**GOOD, "unknown": 1},
    ],
    ids=["points", "grade", "locked", "extra-key"],
)
def test_the_same_verdict_and_message_as_jsonschema(patched, meta):
    validator = MetadataValidatorV3()
    try:
        jsonschema.validate(meta, validator.schema)
        expected = None
    except jsonschema.ValidationError as error:
        expected = error.message
    try:
        validator.validate_cell(_cell(meta))
        got = None
    except jsonschema.ValidationError as error:
        got = error.message
    assert got == expected
    assert expected is not None or meta.get("unknown")  # the cases above are mostly invalid
