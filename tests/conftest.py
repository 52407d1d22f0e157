"""The project paths, and the grouping of tests for ``pytest -n 2`` (what ``make test`` runs).

Every class graded for the tests is graded once: the grading proofs (tests/proofs/) grade
each assignment's class once per engine and every proof reads from that session fixture.

pytest-xdist's own ``--dist loadgroup`` reads ``xdist_group`` marks from a suffix it writes
into ``item._nodeid``; pytest 9 computes node ids from ``_id``, so the suffix is lost and no
test is grouped (pytest-xdist 3.8, pytest-xdist#1386). Here ``--dist loadgroup`` groups by
path instead, with GROUPS below: every test of a group runs in one worker process, so a session
fixture that grades a class or starts a Jupyter server is built once, and groups start in the
order listed (the longest first, so that the two workers finish together). A file not listed
is its own group (its module fixtures are built once).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

# As `mvs-course` and `make lab` start (src/mvs_course/lab.py says why): nbformat's jsonschema
# would compile rfc3987_syntax's grammar, 1.5 s in each test process, for a format no schema uses.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())

# group -> path prefixes (relative to the project), in the order groups are handed out: the
# longest first (measured with --durations), so that the two workers finish together. Files
# that share a session fixture or a process-wide cache must be in one group:
#   - tests/proofs/: the `proofs` session fixture (every class graded once by each engine);
#   - "lab": the tests that use one JupyterLab server and page (tests/browser/conftest.py `lab`);
#   - "edition": the student edition of tests/edition_runs.py, built and run once per process;
#   - "feedback": the feedback class of tests/feedback_course.py (`pages`, built once per process);
#   - "plain": the plain-nbgrader class of tests/fixtures/plain_course.py (`shared`, built once
#     per process), graded with `mvs-course` and plain `nbgrader`, then shown in the formgrader.
# A group of one file only sets when it starts.
GROUPS: dict[str, tuple[str, ...]] = {
    "proofs": ("tests/proofs/",),
    "binder": ("tests/browser/test_binder.py",),
    # early, beside the proofs' two grading processes: its stuck-worker test waits 20 s for a
    # wall-clock kill with no CPU to spend, which the proofs then use (measured: at the end of
    # the run that wait left a core idle)
    "workflow": ("tests/test_instructor_workflow.py",),
    "lab": (
        "tests/browser/test_lessons.py",
        "tests/browser/test_accessibility.py",
        "tests/browser/test_exercise_and_start.py",
    ),
    "levels": ("tests/adversarial/test_levels.py",),
    "plain": ("tests/browser/test_formgrader.py", "tests/test_plain_nbgrader.py"),
    "edition": ("tests/test_edition.py", "tests/test_notebooks.py"),
    "hostile": ("tests/adversarial/test_matrix.py",),
    "feedback": ("tests/test_feedback.py", "tests/browser/test_feedback_page.py"),
    "exchange": ("tests/test_exchange.py",),
    "engines": ("tests/test_grading_engines.py",),
    "workspace": ("tests/test_checks_workspace.py",),
    # the longest of the small files, before the rest, so that no 5-8 s file runs alone at the end
    "gradebook": ("tests/unit/test_new_gradebook.py",),
    "course_dir": ("tests/test_course_dir.py",),
    "no_answers": ("tests/test_no_answers_in_package.py",),
}
# any other test file of tests/browser/ joins "lab" (it may use the `lab` server)
BROWSER = "tests/browser/"


RANK = {f"~{name}": i for i, name in enumerate(GROUPS)}


def group_of(nodeid: str) -> str:
    """The scheduling group of a test: its GROUPS name, else its file."""
    path = nodeid.split("::", 1)[0]
    for name, prefixes in GROUPS.items():
        if path.startswith(prefixes):
            return f"~{name}"
    return "~lab" if path.startswith(BROWSER) else path


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: whole groups per worker, GROUPS first (see the module docstring)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

        def _assign_work_unit(self, node) -> None:
            # the queue holds groups in collection order: hand out the first-listed GROUP first
            first = min(self.workqueue, key=lambda scope: RANK.get(scope, len(RANK)))
            self.workqueue.move_to_end(first, last=False)
            super()._assign_work_unit(node)

    return GroupScheduling(config, log)


def pytest_collection_finish(session):
    """What collection imported (nbgrader, pandas, JupyterLab's server, Playwright) lives as long
    as the test process: frozen, Python's full collections no longer walk it (they took 5 s of
    the two workers' CPU in a run, measured with gc.callbacks), nor do processes forked from it."""
    gc.freeze()
