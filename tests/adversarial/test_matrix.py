"""Hostile submissions graded among honest ones: no unearned marks, honest scores unchanged,
originals untouched, the batch completes, and the isolation level is reported."""

from __future__ import annotations

import ast
import json
import os
import time

import nbformat
import pytest
from adversarial_batch import _scores, build_batch, grade_in_sandbox, slug
from hostile_cases import ASSIGNMENT, CASES, NOTEBOOK

from mvs_course.grading.sandbox import client, describe, isolation_level
from mvs_course.grading.sandbox.isolation import UID_BASE, UID_SPAN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def batch(tmp_path_factory, request):
    """The hostile class, graded once for every test below."""
    return build_batch(tmp_path_factory, request)


MALFORMED = {
    "invalid JSON": "not a valid notebook",
    "nbformat v3": "format 3",
    "wrong file name": "rename it",
    "deleted test cell": "missing",
    "stripped nbgrader metadata": "missing",
    "edited locked cells": "was edited",
    "duplicated grade ids": "appears 2 times",
    "tampered schema_version and points": "schema_version",
}


def test_at_least_18_hostile_cases():
    assert len(CASES) >= 18
    assert len({slug(c.name) for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_gets_no_unearned_marks(batch, case):
    score = batch.totals[slug(case.name)] or 0.0
    assert score <= case.earned, f"{case.name}: scored {score}, earned at most {case.earned}"
    if case.exact:
        assert score == case.earned, f"{case.name}: scored {score}, should keep its honest {case.earned}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_graded_items_are_never_null(batch, case):
    outcome = batch.outcomes[slug(case.name)]
    if not outcome["success"]:
        pytest.skip("nbgrader could not read this file; it is reported and scores zero")
    items = batch.items[slug(case.name)]
    assert set(items) >= {"test_career", "test_journey", "test_focus", "test_pain"}
    assert all(score is not None for score in items.values()), items


@pytest.mark.parametrize(
    "student", ["honest-solution", "honest-blank", "honest-wrong-career", "honest-wrong-journey-pain"]
)
def test_honest_scores_equal_the_clean_run(batch, student):
    assert batch.outcomes[student]["success"]
    assert batch.clean[student] is not None
    assert batch.totals[student] == batch.clean[student]


def test_honest_scores_differ_from_each_other(batch):
    # guards against a grader that gives everyone the same mark
    assert len({batch.totals[s] for s in batch.honest}) == len(batch.honest)


def test_original_files_unchanged(batch):
    assert batch.before, "nothing was fingerprinted"
    assert batch.after == batch.before


def test_batch_completed(batch):
    assert set(batch.outcomes) == set(batch.totals)
    assert len(batch.outcomes) == len(CASES) + len(batch.honest)
    broken = [s for s, o in batch.outcomes.items() if not o["success"]]
    # nbgrader refuses these two files; the student gets a clear message and zero, the batch goes on
    assert set(broken) <= {slug("invalid JSON"), slug("wrong file name")}, broken


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_submissions_get_a_clear_message(batch, case):
    messages = " | ".join(batch.outcomes[slug(case)]["messages"])
    assert MALFORMED[case] in messages, messages


def test_honest_submissions_get_no_message(batch):
    for student in batch.honest:
        assert batch.outcomes[student]["messages"] == []


LIMITS = {
    "infinite loop": ("wall-clock", "CPU"),
    "loop ignoring SIGINT": ("wall-clock", "CPU"),
    "fork bomb": ("wall-clock", "CPU", "killed"),
    "os._exit": ("exited (code 0",),
    "hangs only when the hidden tests call it": ("wall-clock", "CPU"),
    "memory hog": ("memory limit",),
    "disk flood": ("file size limit",),
}


@pytest.mark.parametrize("case", sorted(LIMITS))
def test_limit_cases_are_reported(batch, case):
    problems = " | ".join(batch.outcomes[slug(case)]["problems"])
    assert any(phrase in problems for phrase in LIMITS[case]), problems


def test_isolation_level_is_reported(batch):
    levels = {o["isolation"] for o in batch.outcomes.values() if o["success"]}
    assert levels == {isolation_level()}
    assert describe(isolation_level())


def test_no_sandbox_process_survives(batch):
    if os.geteuid() != 0:
        pytest.skip("only root runs student code as separate users")
    client.shutdown()  # the worker started ahead for a next submission
    deadline = time.monotonic() + 30  # an upper bound under load, not a wait
    while worker_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert worker_processes() == []


def test_regrade_gives_the_same_result(batch):
    again = [
        slug("tampered schema_version and points"),
        slug("monkeypatched helpers and magic objects"),
        "honest-solution",
    ]
    before = {s: batch.totals[s] for s in again}
    grade_in_sandbox(batch.course, again)
    totals, _ = _scores(batch.course, again)
    assert totals == before


@pytest.mark.parametrize("case", ["huge single-line output", "many output lines"])
def test_output_is_capped_in_bytes(batch, case):
    graded = batch.course.course_dir / "autograded" / slug(case) / ASSIGNMENT / NOTEBOOK
    assert graded.is_file()
    assert graded.stat().st_size < 1_000_000, "student output reached the autograded notebook uncapped"


# what a student cell could reach, read back from the probe's autograded notebook


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
    if batch.level != "bwrap":
        pytest.skip("no network or PID namespace without bubblewrap (reported)")
    assert facts["network"] is False
    # its own worker and, as root, the sandbox's warm process, monitors and the next waiting worker
    assert facts["processes"] <= 8


def test_student_code_runs_unprivileged_and_cannot_write_the_project(batch, facts):
    assert facts["uid"] != 0
    if batch.level == "rlimits":
        pytest.skip("at rlimits student code has the grader's own rights (refused unless allowed)")
    assert facts["write_project"] is False
    assert not (batch.course.project / "pwned.txt").exists()


def worker_processes() -> list[int]:
    """Pids of processes still running as a worker uid that are ours or nobody's.

    Other tests grade in parallel (pytest -n) with live workers of their own: a process counts
    when this test process is among its ancestors, or when it was orphaned (its first ancestor
    that is not a worker is init), never when it belongs to another pytest process."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _worker_uid(int(entry)) and _ours_or_orphaned(int(entry)):
            found.append(int(entry))
    return found


def _worker_uid(pid: int) -> bool:
    try:
        return UID_BASE <= os.stat(f"/proc/{pid}").st_uid < UID_BASE + UID_SPAN
    except OSError:
        return False


def _ours_or_orphaned(pid: int) -> bool:
    me = os.getpid()
    while pid > 1:
        if pid == me:
            return True
        try:
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        except (OSError, ValueError, IndexError):
            return False  # gone meanwhile
        if b"pytest" in cmdline and not _worker_uid(pid):
            return False  # another test process's worker
        pid = parent
    return True


def _printed(batch, case: str) -> str:
    graded = batch.course.course_dir / "autograded" / slug(case) / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(graded, as_version=4)
    return "".join(str(o.get("text", "")) for cell in nb.cells for o in cell.get("outputs", []))


def test_covers_cannot_be_undone(batch):
    if batch.level == "rlimits":
        pytest.skip("nothing is covered at rlimits")
    text = _printed(batch, "undo the covers: capabilities, remounts, nested namespaces, then steal")
    tried = ast.literal_eval(text.split("UNDO ", 1)[1].splitlines()[0])
    assert int(tried["caps"], 16) == 0, tried
    assert tried["remount / rw"] != 0 and tried["umount /tmp"] != 0, tried
    assert "stole from 0 files" in text


def test_nothing_a_student_leaves_reaches_the_next(batch):
    text = _printed(batch, "leak 2: runs what a classmate left in shared folders and keyrings")
    assert "LEAK []" in text, text
