"""Widgets have accessible names and readable contrast in the light and the dark theme
(accessible names and uncut labels are also checked for every lesson in test_lessons.py)."""

from __future__ import annotations

import pytest

from .conftest import ROOT
from .jlab import PANEL, accessibility_problems, menu, open_notebook, run_all

pytestmark = pytest.mark.browser
LESSON = sorted(p for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))[0]

CONTRAST_JS = """(els) => {
  const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  return els.filter((e) => e.textContent.trim() && e.offsetParent).map((e) => {
    const a = lum(rgba(getComputedStyle(e).color)), b = lum(background(e));
    return [e.textContent.trim().slice(0, 50), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""

TEXT = (
    f"{PANEL} .jp-OutputArea-output "
    + ":is(.widget-html-content, .widget-label, .jupyter-button, .widget-readout)"
)


def low_contrast(page) -> list:
    measured = page.locator(TEXT).evaluate_all(CONTRAST_JS)
    assert len(measured) > 10, "too few widget texts measured to judge the theme"
    return [(t, round(r, 2)) for t, r in measured if r < 4.5]


def test_named_controls_and_readable_light_and_dark_themes(lab, page, shots):
    open_notebook(page, lab.open_url(f"course/{LESSON.name}"))
    run_all(page)
    lab.saw_widget(page)
    assert accessibility_problems(page) == {}
    assert low_contrast(page) == [], "low contrast in the light theme"
    menu(page, "Settings", "Theme", "JupyterLab Dark")
    page.wait_for_selector("body[data-jp-theme-light='false']", state="attached")
    page.wait_for_timeout(500)
    try:
        sorter = page.locator(f"{PANEL} .mvs-sorter").first
        target = sorter if sorter.count() else page.locator(f"{PANEL} .jupyter-widgets").first
        target.scroll_into_view_if_needed()
        target.screenshot(path=shots / f"{LESSON.stem}-dark.png")
        assert low_contrast(page) == [], "low contrast in the dark theme"
    finally:
        menu(page, "Settings", "Theme", "JupyterLab Light")
        page.wait_for_selector("body[data-jp-theme-light='true']", state="attached")
