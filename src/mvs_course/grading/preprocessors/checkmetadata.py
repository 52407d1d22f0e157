"""``CheckCellMetadata``: nbgrader's check that every cell's nbgrader metadata is valid, with
the metadata schema compiled once per process.

nbgrader's own step calls ``jsonschema.validate`` for every cell, which checks the schema
itself against the JSON-schema meta-schema and compiles a validator each time: about 30 ms
per notebook, twice per submission. The checks, the schema and the errors are nbgrader's.
"""

from __future__ import annotations

import functools
import traceback

import jsonschema
from nbformat.notebooknode import NotebookNode
from nbgrader import preprocessors
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError


class _CompiledSchemaCheck(BaseMetadataValidator):
    """nbgrader's per-cell schema check (versions, then the JSON schema), with one validator."""

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        schema = cell.metadata["nbgrader"].get("schema_version", 0)
        if schema < self.schema_version:
            message = f"Outdated schema version: {schema} (expected {self.schema_version})"
            raise SchemaTooOldError(message, schema, self.schema_version)
        if schema > self.schema_version:
            message = f"Schema version is too new: {schema} (expected {self.schema_version})"
            raise SchemaTooNewError(message, schema, self.schema_version)
        error = jsonschema.exceptions.best_match(self._compiled().iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error

    def _compiled(self):
        if getattr(self, "_validator", None) is None:
            cls = jsonschema.validators.validator_for(self.schema)
            cls.check_schema(self.schema)
            self._validator = cls(self.schema)
        return self._validator


def compile_nbgraders_schema_check() -> None:
    """In a grading process: nbgrader's own metadata validators check with one compiled schema
    per validator too, not one per cell.

    The ``nbgrader`` engine runs nbgrader's own CheckCellMetadata (twice per submission), which
    builds a ``MetadataValidator`` per notebook; its per-cell ``jsonschema.validate`` was 90% of
    the step, 0.14 s of CPU per submission measured. The checks, the schema and the errors stay
    nbgrader's (tests/unit/test_checkmetadata.py).
    """
    BaseMetadataValidator.validate_cell = _CompiledSchemaCheck.validate_cell
    BaseMetadataValidator._compiled = _CompiledSchemaCheck._compiled


class _CompiledValidator(MetadataValidator, _CompiledSchemaCheck):
    """nbgrader's MetadataValidator (its checks run first, then call the schema check above)."""


@functools.cache
def _validator() -> _CompiledValidator:
    return _CompiledValidator()


class CheckCellMetadata(preprocessors.CheckCellMetadata):
    """nbgrader's CheckCellMetadata (same checks, log lines and error), with the schema
    compiled once."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        try:
            _validator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources
