"""Notebooks: committed clean, valid, tagged, generated parts fresh, and every lesson runs."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import course_nav
import edition_runs
import nbformat
import pytest
from edition_runs import CELL_TIMEOUT

from mvs_course import claims as mvs_claims
from mvs_course.nbexec import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TRACKED = subprocess.run(
    ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True
).stdout.split()
ON_DISK = sorted(
    str(p.relative_to(ROOT))
    for top in ("course", "solutions", "exercises")
    for p in (ROOT / top).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
LESSONS = sorted((ROOT / "course").glob("*.ipynb"))


def claims(article: str | None = None) -> list[str]:
    """Claim keys 'ARTICLE/key' from the claims table (data/claims.csv)."""
    return mvs_claims.keys(article)


def tags_under(top: str) -> set[str]:
    found = set()
    for path in (ROOT / top).rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            found |= {t[6:] for t in cell.metadata.get("tags", []) if t.startswith("claim:")}
    return found


def test_every_notebook_is_committed():
    assert set(ON_DISK) <= set(TRACKED), f"untracked notebooks: {set(ON_DISK) - set(TRACKED)}"


@pytest.mark.parametrize("path", ON_DISK)
def test_committed_notebook_is_clean_v4(path):
    nb = nbformat.read(ROOT / path, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {i} has outputs"
            assert cell.execution_count is None, f"cell {i} has an execution count"


def test_checklist_copy_matches_shape():
    assert len(claims()) >= 40 and len(set(claims())) == len(claims())


@pytest.mark.parametrize("article", sorted({c.split("/")[0] for c in claims()}))
def test_claims_are_taught_and_tested(article):
    wanted = set(claims(article))
    taught, tested = tags_under("course"), tags_under("solutions")
    assert not wanted - taught, f"not taught in course/: {sorted(wanted - taught)}"
    assert not wanted - tested, f"not tested in solutions/: {sorted(wanted - tested)}"


def test_claim_tags_name_real_claims():
    known = set(claims())
    unknown = (tags_under("course") | tags_under("solutions")) - known
    assert not unknown, f"tags that are not in the checklist: {sorted(unknown)}"


def test_generated_navigation_is_fresh():
    stale = [p for p, text in course_nav.render().items() if p.read_text() != text]
    assert not stale, f"run python tools/course_nav.py; stale: {stale}"


def test_start_page_lists_every_lesson():
    start = nbformat.read(ROOT / "course" / "00_start_here.ipynb", as_version=4)
    text = "\n".join(c.source for c in start.cells)
    for lesson in course_nav.lessons():
        assert f"]({lesson.path.name})" in text
        if lesson.assignment is not None:
            assert lesson.assignment.exists(), f"{lesson.assignment} is linked but missing"


def execute(nb, timeout: int = CELL_TIMEOUT, folder: Path | None = None) -> list[str]:
    """Run `nb` in a fresh kernel (errors raise); the cells that took the whole timeout.

    A cell that takes its whole timeout and still succeeds is the lost-reply stall
    (mvs_course.nbexec): the tests fail on it instead of only losing two minutes.
    """
    started: dict[int, float] = {}
    slow: list[str] = []

    def start(cell, cell_index):
        started[cell_index] = time.monotonic()

    def done(cell, cell_index, execute_reply):
        if time.monotonic() - started[cell_index] >= timeout - 1:
            slow.append(f"cell {cell_index}: {cell.source[:50]!r}")

    resources = {"metadata": {"path": str(folder)}} if folder else {}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources=resources)
    client.on_cell_execute, client.on_cell_executed = start, done
    client.execute()
    return slow


@pytest.mark.kernel
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_executes(path, tmp_path_factory):
    """Every notebook in course/ runs top to bottom in a fresh kernel, as a learner's Run All
    (run once, from the student edition's own install: tests/edition_runs.py)."""
    run = edition_runs.edition(tmp_path_factory).report["notebooks"][f"course/{path.name}"]
    assert run["errors"] == []
    assert run["slow"] == [], f"cells that waited for the whole {CELL_TIMEOUT} s timeout: {run['slow']}"
    if path.name != "00_start_here.ipynb":
        assert run["widgets"] >= 3, "a lesson should offer several interactions"


@pytest.mark.kernel
def test_output_widget_cells_never_wait_for_the_timeout():
    """Stock nbclient loses the execute_reply of about 1 in 100 of these cells (jupyter/nbclient#312)."""
    code = "out = widgets.Output(); out.clear_output(); out"
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import ipywidgets as widgets")]
        + [nbformat.v4.new_code_cell(code) for _ in range(300)]
    )
    assert execute(nb, timeout=15) == []


def test_lesson_imports_only_from_the_package():
    """Logic stays in mvs_course: lesson code cells are short calls, not definitions."""
    for path in LESSONS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert "def " not in cell.source and "class " not in cell.source, path.name
                assert len(cell.source.splitlines()) <= 8, f"{path.name}: long code cell"


def test_nav_tool_check_mode_reports_staleness(tmp_path, monkeypatch):
    lesson = ROOT / "course" / "01_buyer_vs_seller.ipynb"
    nb = nbformat.read(lesson, as_version=4)
    nb.cells = [c for c in nb.cells if c.get("id") != "nav-footer"]
    copy = tmp_path / "course"
    copy.mkdir()
    nbformat.write(nb, copy / lesson.name)
    monkeypatch.setattr(course_nav, "COURSE", copy)
    monkeypatch.setattr(course_nav, "START", copy / "00_start_here.ipynb")
    stale = [p for p, text in course_nav.render().items() if p.read_text() != text]
    assert stale == [copy / lesson.name]
