"""File problems of a submission, in plain words, found before nbgrader runs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mvs_course.grading.precheck import check_files, read_problem

NAME = "work.ipynb"


@pytest.fixture
def source(tmp_path) -> Path:
    folder = tmp_path / "source" / "a01"
    folder.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), folder / NAME)
    return folder


def _submit(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "submitted" / "ana" / "a01"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


ODD_CELL = {
    "cell_type": "code",
    "source": "x",
    "metadata": {},
    "outputs": [],
    "execution_count": None,
    "odd": 1,
}
GOOD = nbformat.writes(new_notebook(cells=[new_code_cell("x = 2")])).encode()


def test_a_good_submission_has_no_problem(tmp_path, source):
    found = check_files(_submit(tmp_path, {NAME: GOOD}), source)
    assert (found.problems, found.gradable) == ((), True)


@pytest.mark.parametrize(
    ("data", "expected", "readable"),
    [
        (b'{"cells": [', "is not a valid notebook file (broken JSON: Expecting value", False),
        (b"[" * 100_000 + b"]" * 100_000, "is not a valid notebook file (nested too deeply to read)", False),
        (b"\xff\xfe not text", "is not a valid notebook file (broken JSON", False),
        (b"[1, 2]", "has no notebook format version", False),
        (
            json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}).encode(),
            "uses notebook format 3, not 4; it was converted",
            True,
        ),
        (
            json.dumps(
                {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}
            ).encode(),
            "cannot be read as a notebook (The notebook is invalid and is missing an expected key: metadata)",
            False,
        ),
        (
            json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [ODD_CELL]}).encode(),
            "does not follow the notebook format (",
            True,
        ),
    ],
)
def test_each_file_problem_in_plain_words(data, expected, readable):
    problem, ok = read_problem(NAME, data)
    assert problem is not None and problem.startswith(NAME) and expected in problem
    assert "Error" not in problem.split("(")[0]  # no exception class names up front
    assert ok is readable


def test_a_good_file_has_no_problem():
    assert read_problem(NAME, GOOD) == (None, True)


def test_a_wrongly_named_notebook_gets_a_rename_hint_and_is_not_graded(tmp_path, source):
    found = check_files(_submit(tmp_path, {"Work (1).ipynb": GOOD}), source)
    assert found.problems == (
        f"missing notebook {NAME} (found Work (1).ipynb: rename it to {NAME}); it scores zero",
    )
    assert not found.gradable


def test_an_unreadable_notebook_is_not_graded(tmp_path, source):
    found = check_files(_submit(tmp_path, {NAME: b'{"cells": ['}), source)
    assert not found.gradable and len(found.problems) == 1


def test_nothing_submitted_is_not_graded(tmp_path, source):
    found = check_files(tmp_path / "nowhere", source)
    assert found.problems == (f"missing notebook {NAME}; it scores zero",) and not found.gradable
