"""What a student cell could reach, read back from the probe submission's autograded notebook."""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import slug
from hostile_cases import ASSIGNMENT, NOTEBOOK

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def facts(batch) -> dict:
    student = slug("probe: what student code can reach")
    nb = nbformat.read(batch.course.course_dir / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if "PROBE" in text:
                return json.loads(text.split("PROBE", 1)[1].splitlines()[0])
    raise AssertionError("the probe printed nothing")


def test_student_code_cannot_read_private_course_files(batch, facts):
    if batch.level == "rlimits":
        pytest.skip("without namespaces student code can read what the grader reads (reported)")
    assert not facts["gradebook"]
    assert not facts["solutions"]
    assert not facts["submitted"]
    assert not facts["source"]
    assert set(facts["root_home"]) <= {".pyenv"}
    assert not facts["project_git"] and not facts["project_tests"]
    assert facts["package_data"], "the course package and its data must stay readable"


def test_student_code_has_no_network_and_no_foreign_processes(batch, facts):
    if batch.level == "rlimits":
        pytest.skip("no network namespace without privileges (reported)")
    assert facts["network"] is False
    assert facts["processes"] <= 3


def test_student_code_runs_unprivileged_and_cannot_write_the_project(batch, facts):
    if batch.level != "user+namespaces":
        pytest.skip("only root can switch to the sandbox user")
    assert facts["uid"] != 0
    assert facts["write_project"] is False
    assert not (batch.course.project / "pwned.txt").exists()
