"""Our CheckCellMetadata decides exactly as nbgrader's: same cells pass, same errors."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import CheckCellMetadata as NbgraderCheck

from mvs_course.grading.preprocessors.checkmetadata import CheckCellMetadata, _validator

GOOD = {
    "grade": True,
    "grade_id": "test_a",
    "locked": True,
    "points": 2,
    "schema_version": 3,
    "solution": False,
}
CASES = {
    "valid": GOOD,
    "no nbgrader metadata": None,
    "points as text": {**GOOD, "points": "2"},
    "negative points": {**GOOD, "points": -1},
    "grade id with spaces": {**GOOD, "grade_id": "test a"},
    "locked is not a bool": {**GOOD, "locked": "yes"},
    "schema too old": {**GOOD, "schema_version": 1},
    "schema too new": {**GOOD, "schema_version": 4},
    "short checksum": {**GOOD, "checksum": "abc"},
    "missing grade id": {k: v for k, v in GOOD.items() if k != "grade_id"},
}


def _outcome(validate, meta):
    cell = new_code_cell("x = 1")
    if meta is not None:
        cell.metadata["nbgrader"] = dict(meta)
    try:
        validate(cell)
    except Exception as err:  # noqa: BLE001 - the outcome compared is the exception
        return type(err).__name__, str(err)
    return "ok", ""


@pytest.mark.parametrize("case", CASES)
def test_each_cell_gets_nbgraders_verdict(case):
    theirs = _outcome(MetadataValidator().validate_cell, CASES[case])
    ours = _outcome(_validator().validate_cell, CASES[case])
    assert ours == theirs
    assert (ours[0] == "ok") == (case in ("valid", "no nbgrader metadata"))


def test_the_preprocessor_fails_a_notebook_as_nbgraders_does():
    bad = new_code_cell("x = 1", metadata={"nbgrader": CASES["points as text"]})
    good = new_code_cell("y = 2", metadata={"nbgrader": GOOD})
    outcomes = []
    for step in (NbgraderCheck(), CheckCellMetadata()):
        step.preprocess(new_notebook(cells=[good]), {})
        with pytest.raises(Exception) as err:
            step.preprocess(new_notebook(cells=[good, bad]), {})
        outcomes.append((type(err.value).__name__, str(err.value)))
    assert outcomes[0] == outcomes[1]


@pytest.fixture
def compiled_in_nbgrader(monkeypatch):
    """nbgrader's own validators after a grading process's set-up (put back after the test)."""
    from nbgrader.nbgraderformat.common import BaseMetadataValidator

    from mvs_course.grading.preprocessors.checkmetadata import compile_nbgraders_schema_check

    monkeypatch.setattr(BaseMetadataValidator, "validate_cell", BaseMetadataValidator.validate_cell)
    monkeypatch.setattr(BaseMetadataValidator, "_compiled", None, raising=False)
    before = {case: _outcome(MetadataValidator().validate_cell, meta) for case, meta in CASES.items()}
    compile_nbgraders_schema_check()
    return before


def test_a_grading_process_gives_nbgraders_own_check_the_same_verdicts(compiled_in_nbgrader):
    after = {case: _outcome(MetadataValidator().validate_cell, meta) for case, meta in CASES.items()}
    assert after == compiled_in_nbgrader


def test_a_grading_process_compiles_nbgraders_schema_once_per_validator(compiled_in_nbgrader, monkeypatch):
    import jsonschema

    compiled = []
    real = jsonschema.validators.validator_for
    monkeypatch.setattr(
        jsonschema.validators,
        "validator_for",
        lambda schema, **kw: compiled.append(schema) or real(schema, **kw),
    )
    validator = MetadataValidator()
    cells = [new_code_cell("x = 1", metadata={"nbgrader": {**GOOD, "grade_id": f"t{i}"}}) for i in range(20)]
    compiled.clear()
    NbgraderCheck().preprocess(new_notebook(cells=cells), {})  # a validator of its own: one compile
    for cell in cells:
        validator.validate_cell(cell)
    nbgraders = [s for s in compiled if "grade_id" in s.get("properties", {})]
    assert len(nbgraders) == 2, len(nbgraders)
