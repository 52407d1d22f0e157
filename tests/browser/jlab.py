"""Small Playwright helpers for JupyterLab 4 notebooks (selectors measured in facts.md).

Nothing here waits for a fixed time. Every wait is for a condition in the page, mostly
``window.__mvs.settled()`` from tracker.js: every request the page sent to the kernel has
been answered, handled by JupyterLab and drawn. A control "changes nothing visible" only
when the page settled after using it and the cell's visible result is still the same.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from .conftest import SHOTS

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS = f"{PANEL} .jp-Notebook .jp-Cell"
WIDGET_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.widget-view+json']"
TYPED = "What is your problem, and what is solving it worth to you?"
# Upper bounds for conditions (a passing test never waits for them): a loaded 2-core machine
# needs tens of seconds to start a kernel and import a lesson.
OPEN_TIMEOUT = 120_000
RUN_TIMEOUT = 240_000
REACT_TIMEOUT = 60_000
# How often a wait looks at the page, in ms. Playwright's default ("raf") evaluates the
# condition in every animation frame, which keeps chromium drawing ~60 frames a second while
# a test waits; a timer lets an unchanged page stay idle (see tracker.js).
POLL_MS = 40

# The notebook `name` is open and current: its kernel answered JupyterLab's first request
# (more kernel_info requests handled than `before`) and is idle, no dialog is open, and every
# cell is drawn with a prompt.
READY_JS = """([name, before]) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel || document.querySelector('.jp-Dialog')) return false;
  const tab = document.querySelector('.lm-DockPanel-tabBar .lm-mod-current .lm-TabBar-tabLabel');
  if (!tab || tab.textContent.trim() !== name) return false;
  if (window.__mvs.handled('kernel_info_request') <= before) return false;
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
  return !!status && status.getAttribute('data-status') === 'idle' && prompts.length > 0
    && prompts.every((p) => p.textContent.includes('[')) && window.__mvs.settled();
}"""


# Run All has finished: every code cell ran (or, allowing errors, at least one did and the
# kernel refused the rest), the page has settled, and every widget output is drawn.
DONE_JS = """([allowErrors, mark, widgetOutput]) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel || !window.__mvs.settled(mark)) return false;
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (status && status.getAttribute('data-status') !== 'idle') return false;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent);
  if (prompts.some((t) => t.includes('*'))) return false;
  const numbered = prompts.filter((t) => /\\[\\d+\\]/.test(t)).length;
  if (!(allowErrors ? numbered > 0 : numbered === prompts.length)) return false;
  return [...panel.querySelectorAll(widgetOutput)].every((o) => o.querySelector('.jupyter-widgets'));
}"""

# After using a control: "changed" as soon as the cell's visible result differs, "settled"
# when the page settled with the result unchanged.
REACTED_JS = """([cell, before, mark]) => {
  if (window.__mvs.view(cell) !== before) return 'changed';
  return window.__mvs.settled(mark) ? 'settled' : false;
}"""


def open_notebook(page: Page, lab, path: str) -> None:
    """Open the notebook at `path` (relative to the server root), kernel idle, every cell drawn.

    The first call loads JupyterLab; later calls close the open notebook (shutting down its
    kernel) and open the next one in the same JupyterLab, which saves a full page load.
    """
    in_lab = page.url.startswith(f"{lab.url}/lab") and page.evaluate("!!window.__mvs")
    before = page.evaluate("window.__mvs.handled('kernel_info_request')") if in_lab else 0
    if not in_lab:
        page.goto(lab.open_url(path))
    else:
        if page.locator(".jp-NotebookPanel").count():
            menu(page, "File", "Close and Shut Down Notebook")
            page.locator(".jp-Dialog .jp-mod-accept").click()
            page.locator(".jp-NotebookPanel").first.wait_for(state="detached")
        menu(page, "File", "Open from Path")
        box = page.locator(".jp-Dialog input")
        box.fill(path)
        box.press("Enter")
    try:
        page.wait_for_function(
            READY_JS, arg=[path.rsplit("/", 1)[-1], before], timeout=OPEN_TIMEOUT, polling=POLL_MS
        )
    except Exception as error:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "open-failed.png")
        seen = page.evaluate(OPEN_STATE_JS)
        raise AssertionError(f"{path} did not open with an idle kernel: {seen}") from error


# What READY_JS looks at, for the message of a notebook that did not get ready.
OPEN_STATE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const tab = document.querySelector('.lm-DockPanel-tabBar .lm-mod-current .lm-TabBar-tabLabel');
  const dialog = document.querySelector('.jp-Dialog');
  const status = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return {
    tab: tab && tab.textContent.trim(),
    dialog: dialog && dialog.innerText.slice(0, 300),
    kernel: status && status.getAttribute('data-status'),
    kernel_info_handled: window.__mvs.handled('kernel_info_request'),
    pending: window.__mvs.pending(),
    unnumbered_prompts: panel ? [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .filter((p) => !p.textContent.includes('[')).length : null,
  };
}"""


def menu(page: Page, *path: str) -> None:
    """Click a menu bar entry, then items of the nested menus by their label (once enabled)."""
    page.locator(f".lm-MenuBar-item:has-text('{path[0]}')").click()
    for label in path[1:]:
        item = page.locator(f".lm-Menu:visible .lm-Menu-item:not(.lm-mod-disabled):has-text('{label}')").first
        item.hover()
        item.click()


def run_all(page: Page, allow_errors: bool = False) -> None:
    """Run All Cells and wait until every cell ran and every widget is drawn."""
    mark = page.evaluate("window.__mvs.mark()")
    menu(page, "Run", "Run All Cells")
    try:
        page.wait_for_function(
            DONE_JS, arg=[allow_errors, mark, WIDGET_OUTPUT], timeout=RUN_TIMEOUT, polling=POLL_MS
        )
    except Exception as error:
        prompts = page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        status = page.locator(f"{PANEL} .jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
        pending = page.evaluate("window.__mvs.pending()")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "run-all-failed.png")
        raise AssertionError(
            f"Run All did not finish: kernel {status}, prompts {prompts}, kernel requests pending {pending}"
        ) from error


def widget_cells(page: Page) -> list[Locator]:
    cells = page.locator(f"{PANEL} .jp-CodeCell")
    return [cells.nth(i) for i in range(cells.count()) if cells.nth(i).locator(".jupyter-widgets").count()]


def state(cell: Locator) -> str:
    return cell.evaluate("(cell) => window.__mvs.view(cell)")


def reacted(page: Page, cell: Locator, before: str, mark: int) -> bool:
    """Wait until the cell's visible result changed (True) or the page settled without (False)."""
    handle = cell.element_handle()
    outcome = page.wait_for_function(
        REACTED_JS, arg=[handle, before, mark], timeout=REACT_TIMEOUT, polling=POLL_MS
    )
    return outcome.json_value() == "changed"


BRIEF_KINDS = ("slider", "dropdown", "button")  # must visibly act somewhere in every lesson using them


def operate(page: Page, cell: Locator) -> dict[str, list[bool]]:
    """Use every control in a widget cell by keyboard; {kind: [did the visible output change, ...]}.

    A control gets a few tries (a slider: one step, then its ends; a dropdown: each other
    option; a text box: emptied or filled, then the widget's own visible text typed back)
    before it counts as no change. Each try waits for the kernel's answer to be drawn.
    """
    seen: dict[str, list[bool]] = {}

    def attempt(kind: str, *actions) -> None:
        for action in actions:
            before, mark = state(cell), page.evaluate("window.__mvs.mark()")
            action()
            if reacted(page, cell, before, mark):
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
