"""A hostile student's feedback page, opened in chromium: nothing the student wrote runs, and the
real score stays visible and uncovered. The same submission's page from nbgrader's default
preprocessors shows the attack working, so the test can fail."""

from __future__ import annotations

import feedback_course as fc
import pytest

pytestmark = pytest.mark.browser

REAL_SCORE = "Score: 0.0 / 6.0"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """nbgrader's default page and `mvs-course feedback`'s, from the class test_feedback.py
    builds (one per process: both files are in one test group)."""
    files = fc.pages(tmp_path_factory)["files"]
    return {"default": files["default"], "ours": files["api"]}


def _open(browser, path):
    """The page, offline (anything not on disk is refused), after its load event: inline scripts,
    image error handlers and frames have all run by then."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    )
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, dialogs


def _score_uncovered(page) -> bool:
    """The real score heading is on top at its own centre (no overlay above it)."""
    return page.evaluate(
        """(text) => {
            const h = [...document.querySelectorAll('h4')].find(e => e.textContent.includes(text));
            if (!h) return false;
            const r = h.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return r.width > 0 && r.height > 0 && (top === h || h.contains(top));
        }""",
        REAL_SCORE,
    )


def test_nbgraders_default_page_runs_the_students_script(browser, pages):
    context, page, _ = _open(browser, pages["default"])
    try:
        assert page.evaluate("window.__pwned") is not None
        assert not _score_uncovered(page)
    finally:
        context.close()


def test_our_page_runs_nothing_and_shows_the_real_score(browser, pages):
    context, page, dialogs = _open(browser, pages["ours"])
    try:
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("[...document.querySelectorAll('iframe')].length") == 0
        assert _score_uncovered(page)
        assert page.url == pages["ours"].as_uri() and dialogs == []
        # what the student wrote is still there to read, as text
        assert "Because buyers decide." in page.inner_text("body")
        assert (
            page.locator("text=FAKE-OVERLAY").first.evaluate("e => getComputedStyle(e).position") != "fixed"
        )
    finally:
        context.close()
