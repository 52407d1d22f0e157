"""Every lesson in a real browser: Run All, then use every control by keyboard.

Lessons are found, not listed: every notebook in course/ except the start page (which has
its own test), so a new lesson is clicked through without editing this file. Each widget
cell must visibly react to at least one of its controls, and sliders, dropdowns and buttons
must each visibly act somewhere in the lesson. (Some lessons have a control that on purpose
changes nothing in some states, such as a remedy that covers no worry; a per-control rule
would forbid that.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import LESSONS
from .jlab import BRIEF_KINDS, PANEL, accessibility_problems, open_notebook, operate, run_all, widget_cells


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_widgets_respond(lab, page, shots, lesson: Path):
    open_notebook(page, lab, f"course/{lesson.name}")
    run_all(page)
    cells = widget_cells(page)
    assert cells, f"{lesson.name} shows no widgets"
    first = cells[0].locator(".jp-OutputArea-output .jupyter-widgets").first
    first.scroll_into_view_if_needed()
    first.screenshot(path=shots / f"{lesson.stem}.png")
    errors = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()
    assert accessibility_problems(page) == {}, "see tests/browser/jlab.py accessibility_problems"
    dead, kinds = [], {}
    for i, cell in enumerate(cells):
        cell.scroll_into_view_if_needed()
        seen = operate(page, cell)
        for kind, changes in seen.items():
            kinds.setdefault(kind, []).extend(changes)
        if not any(any(changes) for changes in seen.values()):
            dead.append(f"widget cell {i}: {cell.locator('.jp-InputArea').inner_text()[:60]!r} {seen}")
    assert not dead, f"widgets whose controls change nothing visible: {dead}"
    inert = [kind for kind in BRIEF_KINDS if kind in kinds and not any(kinds[kind])]
    assert not inert, f"no {inert} in {lesson.name} changes the visible output: {kinds}"
