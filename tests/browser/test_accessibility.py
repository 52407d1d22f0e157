"""Widgets have accessible names and readable contrast in the light and the dark theme
(accessible names and uncut labels are also checked for every lesson in test_lessons.py)."""

from __future__ import annotations

from .conftest import LESSONS
from .jlab import PANEL, POLL_MS, accessibility_problems, menu, open_notebook, run_all

# the first lesson with a sorter, else the first lesson: found, never named
LESSON = next((p for p in LESSONS if "_sorter()" in p.read_text(encoding="utf-8")), LESSONS[0])
# the theme is in force once its attribute flipped and no colour transition is still running
THEMED_JS = """(light) => document.body.dataset.jpThemeLight === String(light)
  && document.getAnimations().every((a) => a.playState !== 'running')"""

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
    open_notebook(page, lab, f"course/{LESSON.name}")
    run_all(page)
    assert accessibility_problems(page) == {}
    assert low_contrast(page) == [], "low contrast in the light theme"
    menu(page, "Settings", "Theme", "JupyterLab Dark")
    page.wait_for_function(THEMED_JS, arg=False, polling=POLL_MS)
    try:
        sorter = page.locator(f"{PANEL} .mvs-sorter").first
        target = sorter if sorter.count() else page.locator(f"{PANEL} .jupyter-widgets").first
        target.scroll_into_view_if_needed()
        target.screenshot(path=shots / f"{LESSON.stem}-dark.png")
        assert low_contrast(page) == [], "low contrast in the dark theme"
    finally:
        menu(page, "Settings", "Theme", "JupyterLab Light")
        page.wait_for_function(THEMED_JS, arg=True, polling=POLL_MS)
