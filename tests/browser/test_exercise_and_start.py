"""An exercise's learner check in the browser, and the start page's Binder widgets."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import nbformat

from .conftest import ROOT, START_PAGE
from .jlab import CELLS, PANEL, open_notebook, run_all

EXERCISE = "exercises/01_buyer_vs_seller/buyer_vs_seller.ipynb"
WRONG = "def possible_sales(leads): return len(leads)"
RIGHT = 'def possible_sales(leads): return int((leads["has_problem"] & leads["seller_can_solve"]).sum())'


def _cell_with(lab, text: str) -> int:
    """Index of the first cell whose source holds `text`, read from the file the page shows.

    Not from the page: JupyterLab draws a cell's editor only once it scrolls into view.
    """
    cells = nbformat.read(lab.root / EXERCISE, as_version=4).cells
    return next(i for i, cell in enumerate(cells) if text in cell.source)


def _answer_and_check(lab, page, code: str, expected: str) -> str:
    cells = page.locator(CELLS)
    index = _cell_with(lab, 'check("pain")')
    answer, checker = cells.nth(index - 1), cells.nth(index)
    answer.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")  # run the answer; the check cell below is selected
    page.keyboard.press("Shift+Enter")  # run the check
    output = checker.locator(".jp-OutputArea-output")
    output.filter(has_text=expected).first.wait_for(timeout=120_000)  # an upper bound, not a wait
    return output.first.inner_text()


def test_check_says_not_yet_then_right(lab, page):
    open_notebook(page, lab, EXERCISE)
    run_all(page, allow_errors=True)  # stops at the first unanswered cell, after the setup
    text = _answer_and_check(lab, page, WRONG, "Not yet")
    assert "section '4. No pain, no sale'" in text, text
    assert "Traceback" not in text
    text = _answer_and_check(lab, page, RIGHT, "Right")
    assert text.startswith("Right"), text


def test_exercise_warns_about_binder_and_offers_download(lab, page):
    open_notebook(page, lab, EXERCISE)
    page.locator(f"{PANEL} .jp-MarkdownCell").filter(has_text="about ten minutes").first.wait_for()


def test_start_page_download_and_progress(lab, page, tmp_path: Path):
    open_notebook(page, lab, f"course/{START_PAGE}")
    run_all(page)
    page.locator(f"{PANEL} .jp-MarkdownCell").filter(has_text="about ten minutes").first.wait_for()
    box = page.get_by_label("Student id")
    box.fill("ana.smith")
    box.press("Tab")
    page.get_by_role("button", name="Download my work").press("Enter")
    link = page.locator(f"{PANEL} a.mvs-download-anchor")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "ana.smith__01_buyer_vs_seller.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        assert archive.namelist() == ["01_buyer_vs_seller/buyer_vs_seller.ipynb"]
    with page.expect_file_chooser() as chooser:
        page.locator(f"{PANEL} .mvs-restore .widget-upload").click()
    chooser.value.set_files(str(saved))
    page.locator(f"{PANEL} .mvs-restore").filter(has_text="Already up to date").wait_for()
    table = page.locator(f"{PANEL} .mvs-progress")
    assert "01_buyer_vs_seller" in table.inner_text()
    assert len(list((ROOT / "exercises").glob("*/"))) <= table.locator("tr").count() - 1
