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


def operate(page: Page, cell: Locator) -> list[str]:
    """Use every control in a widget cell by keyboard; return the problems (no visible change)."""
    problems: list[str] = []
    done: list[str] = []

    def expect(kind: str, before: str) -> None:
        (done if wait_change(cell, before) else problems).append(kind)

    for handle in cell.locator(".noUi-handle").all():
        before = state(cell)
        handle.focus()
        page.keyboard.press("ArrowRight")
        expect("slider", before)
    for select in cell.locator(".widget-dropdown select").all():
        before = state(cell)
        values = select.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
        current = select.input_value()
        select.select_option(next(v for v in values if v != current))
        expect("dropdown", before)
    for box in cell.locator(".widget-checkbox input[type=checkbox]").all():
        before = state(cell)
        box.focus()
        page.keyboard.press("Space")
        expect("checkbox", before)
    for field in cell.locator(".widget-text input[type=text], .widget-textarea textarea").all():
        before = state(cell)
        field.focus()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.insert_text(TYPED)
        page.keyboard.press("Tab")
        expect("text", before)
    radios = cell.locator(".widget-radio-box input[type=radio]").all()
    if radios:
        before = state(cell)
        radios[-1].focus()
        page.keyboard.press("Space")
        expect("radio", before)
    pending_toggles = False
    for group in cell.locator(".widget-toggle-buttons").all():
        before = state(cell)
        option = group.locator("button:not(.mod-active)").first
        option.focus()
        page.keyboard.press("Space")
        if not wait_change(cell, before, timeout=1):
            pending_toggles = True  # e.g. a sorter: the check button shows the result
        else:
            done.append("toggle")
    buttons = cell.locator("button.widget-button").all()
    for button in buttons:
        before = state(cell)
        button.focus()
        page.keyboard.press("Enter")
        expect("button", before)
    if pending_toggles and not buttons:
        problems.append("toggle")
    if not done and not problems:
        problems.append("no control found")
    return problems
