"""Small Playwright helpers for JupyterLab 4 notebooks (selectors measured in facts.md)."""

from __future__ import annotations

import time

from playwright.sync_api import Locator, Page

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS = f"{PANEL} .jp-Notebook .jp-Cell"
TYPED = "What is your problem, and what is solving it worth to you?"

# The visible result of a widget cell: HTML widgets, Output widgets and images, not the
# controls themselves (a slider's own readout changing proves nothing about the lesson).
STATE_JS = """(el) => {
  const parts = [];
  el.querySelectorAll('.widget-html-content, .widget-output, img').forEach((n) => {
    parts.push(n.tagName === 'IMG' ? 'img:' + n.src.length + n.src.slice(-64) : n.innerText);
  });
  return parts.join('\\u241e');
}"""

DONE_JS = """(allowErrors) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (status && status.getAttribute('data-status') !== 'idle') return false;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent);
  if (prompts.some((t) => t.includes('*'))) return false;
  const numbered = prompts.filter((t) => /\\[\\d+\\]/.test(t)).length;
  return allowErrors ? numbered > 0 : numbered === prompts.length;
}"""


READY_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
  return status && status.getAttribute('data-status') === 'idle' && prompts.length > 0
    && prompts.every((p) => p.textContent.includes('['));
}"""

STARTED_JS = """() => [...document.querySelectorAll(
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
  .some((p) => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""


def open_notebook(page: Page, url: str) -> None:
    """Open a notebook and wait until its kernel is idle and every cell is rendered."""
    page.goto(url)
    page.wait_for_function(READY_JS, timeout=60_000)
    page.wait_for_timeout(500)


def menu(page: Page, *path: str) -> None:
    """Click a menu bar entry, then items of the nested menus by their label."""
    page.locator(f".lm-MenuBar-item:has-text('{path[0]}')").click()
    for label in path[1:]:
        item = page.locator(f".lm-Menu:visible .lm-Menu-item:has-text('{label}')").first
        item.hover()
        item.click()


def run_all(page: Page, allow_errors: bool = False, timeout: float = 90) -> None:
    for _attempt in range(3):
        menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(STARTED_JS, timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    try:
        page.wait_for_function(DONE_JS, arg=allow_errors, timeout=timeout * 1000)
    except Exception as error:
        prompts = page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        status = page.locator(f"{PANEL} .jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
        raise AssertionError(f"Run All did not finish: kernel {status}, prompts {prompts}") from error


def widget_cells(page: Page) -> list[Locator]:
    cells = page.locator(f"{PANEL} .jp-CodeCell")
    return [cells.nth(i) for i in range(cells.count()) if cells.nth(i).locator(".jupyter-widgets").count()]


def state(cell: Locator) -> str:
    return cell.locator(".jp-Cell-outputArea").evaluate(STATE_JS)


def wait_change(cell: Locator, before: str, timeout: float = 5) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if state(cell) != before:
            return True
        time.sleep(0.05)
    return False


BRIEF_KINDS = ("slider", "dropdown", "button")  # must visibly act somewhere in every lesson using them


def operate(page: Page, cell: Locator) -> dict[str, list[bool]]:
    """Use every control in a widget cell by keyboard; {kind: [did the visible output change, ...]}.

    A control gets a few tries (a slider: one step, then its ends; a dropdown: each other
    option; a text box: emptied or filled, then the widget's own visible text typed back)
    before it counts as no change.
    """
    seen: dict[str, list[bool]] = {}

    def attempt(kind: str, *actions) -> None:
        for action in actions:
            before = state(cell)
            action()
            if wait_change(cell, before, timeout=1):
                seen.setdefault(kind, []).append(True)
                return
        seen.setdefault(kind, []).append(False)

    def keys(target: Locator, key: str):
        return lambda: (target.focus(), page.keyboard.press(key))

    for handle in cell.locator(".noUi-handle").all():
        attempt("slider", keys(handle, "ArrowRight"), keys(handle, "End"), keys(handle, "Home"))
    for select in cell.locator(".widget-dropdown select").all():
        values = select.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
        current = select.input_value()
        others = [v for v in values if v != current][:4]
        attempt("dropdown", *[(lambda v=v, s=select: s.select_option(v)) for v in others])
    for box in cell.locator(".widget-checkbox input[type=checkbox]").all():
        attempt("checkbox", keys(box, "Space"))
    for field in cell.locator(".widget-text input[type=text], .widget-textarea textarea").all():

        def retype(field: Locator = field, echo: bool = False) -> None:
            text = state(cell).replace("\u241e", " ") if echo else "" if field.input_value() else TYPED
            field.focus()
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.press("Delete")
            if text:
                page.keyboard.insert_text(text)
            page.keyboard.press("Tab")

        # last try: type the widget's own visible text back (it often names what to write)
        attempt("text", retype, retype, lambda field=field: retype(field, echo=True))
    radios = cell.locator(".widget-radio-box input[type=radio]").all()
    if radios:
        attempt("radio", *[keys(r, "Space") for r in reversed(radios)][:3])
    for group in cell.locator(".widget-toggle-buttons").all():
        attempt("toggle", keys(group.locator("button:not(.mod-active)").first, "Space"))
    for button in cell.locator("button.widget-button").all():
        attempt("button", keys(button, "Enter"))
    return seen


# ipywidgets' slider handle (role=slider) gets no aria-label of its own; we accept the visible
# description label of the same slider widget, which must then be non-empty. The Play
# widget's icon buttons have no name in ipywidgets 8 and cannot be given one: not counted.
UNNAMED_JS = """(els) => els.filter((e) => e.offsetParent).filter((e) => {
  const slider = e.getAttribute('role') === 'slider' && e.closest('.widget-slider');
  if (e.closest('.widget-play')) return false;  // ipywidgets' Play icons carry no name at all
  const named = (e.textContent || '').trim() || e.getAttribute('aria-label') || e.getAttribute('title')
    || e.getAttribute('aria-labelledby') || (e.labels && e.labels.length) || e.getAttribute('placeholder')
    || (slider && (slider.querySelector('.widget-label') || {}).textContent);
  return !named;
}).map((e) => e.outerHTML.slice(0, 160))"""


def accessibility_problems(page: Page) -> dict[str, list[str]]:
    """Controls without an accessible name, and buttons whose label is cut off."""
    controls = page.locator(
        f"{PANEL} .jp-OutputArea-output :is(button, input, select, textarea, [role=slider])"
    )
    problems = {
        "unnamed": controls.evaluate_all(UNNAMED_JS),
        "cut": page.locator(f"{PANEL} .jp-OutputArea-output button.widget-button").evaluate_all(
            "(bs) => bs.filter((b) => b.offsetParent && b.scrollWidth > b.clientWidth + 1)"
            ".map((b) => b.textContent)"
        ),
    }
    if not controls.count():
        problems["none"] = ["no controls found"]
    return {k: v for k, v in problems.items() if v}
