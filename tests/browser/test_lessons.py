"""Every lesson in a real browser: Run All, then use every control by keyboard.

Each widget cell must visibly react to at least one of its controls, and sliders,
dropdowns and buttons must each visibly act somewhere in the lesson. (Some lessons have a
control that on purpose changes nothing in some states, such as a remedy that covers no
worry; a per-control rule would forbid that.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .jlab import BRIEF_KINDS, PANEL, accessibility_problems, open_notebook, operate, run_all, widget_cells

pytestmark = pytest.mark.browser
LESSONS = sorted(p for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_widgets_respond(lab, page, shots, lesson: Path, capsys):
    opened = time.monotonic()
    open_notebook(page, lab.open_url(f"course/{lesson.name}"))
    run_all(page)
    first = lab.saw_widget(page)
    line = (
        f"{lesson.name}: first widget {time.monotonic() - opened:.1f} s after opening the notebook; "
        f"server start to the session's first widget: {first:.1f} s"
    )
    with capsys.disabled():
        print(f"\n{line}")
    with (shots / "timing.txt").open("a") as log:
        log.write(line + "\n")
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
