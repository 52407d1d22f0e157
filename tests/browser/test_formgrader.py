"""The formgrader on the class `mvs-course` graded (tests/fixtures/plain_course.py), in chromium.

A Jupyter server runs in the course directory made by `mvs-course init`, as an instructor starts
it. Manual grading of ana's submission must show what her notebook displays (a table as a table,
a plot as an image, a widget as its text fallback) and her written answers with their points; a
score typed there must reach the gradebook `mvs-course` reads. Feedback made with the
formgrader's *Generate Feedback* button must show the same outputs and no hidden test.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures import plain_course as pc
from fixtures.command import command as jupyter_command

from mvs_course.grading.scores import item_scores

from .jlab import POLL_MS

pytestmark = pytest.mark.browser
CELL = ".cell.code_cell"


@dataclass
class Formgrader:
    url: str
    token: str
    log: Path

    def submission(self, submission_id: str) -> str:
        return f"{self.url}/formgrader/submissions/{submission_id}/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str, token: str) -> bool:
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> pc.PlainClass:
    return pc.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def formgrader(klass, tmp_path_factory):
    """`jupyter server` started in the course directory (the formgrader reads the
    nbgrader_config.py of the folder it starts in), with no user Jupyter config."""
    base = tmp_path_factory.mktemp("formgrader")
    port, token = _free_port(), secrets.token_hex(16)
    command = jupyter_command(
        "jupyter-server",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={klass.course_dir}",
    )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
    }
    log = base / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        server = subprocess.Popen(
            command, cwd=klass.course_dir, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 120
            while not _answers(url, token):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.1)
            yield Formgrader(url, token, log)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


@pytest.fixture
def page(browser, formgrader, shots, request):
    """A page logged in to the server (every request carries the token, as the API calls of the
    formgrader's own scripts must); a screenshot of where it ended."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Authorization": f"token {formgrader.token}"},
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    with contextlib.suppress(Exception):
        page.screenshot(path=str(shots / f"formgrader-{request.node.name}.png"), full_page=False)
    context.close()


def _open_grading(page, formgrader: Formgrader, submission_id: str) -> None:
    """Manual grading of one submission, once the formgrader's scripts have loaded its grades."""
    page.goto(formgrader.submission(submission_id))
    page.wait_for_function(
        "() => window.formgrader && formgrader.grades && formgrader.grades.loaded", polling=POLL_MS
    )


def _shows_outputs(page) -> None:
    """ana's own cells show a table, a plot and a widget's text fallback where she put them."""
    table = page.locator(CELL).filter(has_text="my look: a table")
    headers = table.locator(".output_area table th").all_inner_texts()
    assert {"customer", "day", "side", "touchpoint"} <= {h.strip() for h in headers}, headers
    shown = table.locator(".output_area").inner_text()
    assert "vertical-align" not in shown and "<style" not in shown, f"CSS shown as text: {shown[:300]}"
    image = page.locator(CELL).filter(has_text="my look: a plot").locator(".output_area img")
    assert image.count() == 1, "the plot is not an image"
    assert image.evaluate("(img) => img.complete && img.naturalWidth > 100"), "the plot image is empty"
    widget = page.locator(CELL).filter(has_text="my look: a widget").locator(".output_area")
    assert pc.WIDGET_FALLBACK in widget.inner_text()


def test_manual_grading_shows_what_the_notebook_displays(page, formgrader, klass):
    _open_grading(page, formgrader, klass.submission_ids["ana"])
    _shows_outputs(page)


def test_manual_grading_shows_written_answers_with_their_points(page, formgrader, klass):
    assert klass.manual, f"{pc.ASSIGNMENT} has no written answer to grade by hand"
    _open_grading(page, formgrader, klass.submission_ids["ana"])
    for grade_id, points in klass.manual.items():
        box = page.locator(f"input.score#{grade_id}")
        text = page.locator(".nbgrader_cell").filter(has=box).inner_text()
        assert pc.written_answer(grade_id) in text
        assert re.search(rf"/\s*{points:g}(\.0+)?\b", text), f"{grade_id}: points not shown in {text!r}"


def test_a_manual_score_typed_in_the_formgrader_reaches_the_gradebook(page, formgrader, klass):
    assert klass.manual, f"{pc.ASSIGNMENT} has no written answer to grade by hand"
    grade_id = sorted(klass.manual)[0]
    score = klass.manual[grade_id] / 2
    _open_grading(page, formgrader, klass.submission_ids["ana"])
    box = page.locator(f"input.score#{grade_id}")
    box.fill(f"{score:g}")
    box.press("Tab")  # the formgrader saves on change
    deadline = time.monotonic() + 30
    while True:
        with klass.course.gradebook() as gb:
            grade = gb.find_grade(grade_id, Path(klass.notebook).stem, pc.ASSIGNMENT, "ana")
            saved = (grade.manual_score, grade.needs_manual_grade)
        if saved == (score, False) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert saved == (score, False)
    scores = item_scores(klass.course, pc.ASSIGNMENT)  # what `mvs-course report` reads
    row = scores[(scores["student"] == "ana") & (scores["item"] == grade_id)]
    assert row["score"].tolist() == [score]


def _generate_feedback(page, formgrader: Formgrader, student: str) -> None:
    """Manage Submissions -> the student's *Generate Feedback* icon -> the success message."""
    page.goto(f"{formgrader.url}/formgrader/manage_submissions/{pc.ASSIGNMENT}")
    row = page.locator("#main-table tr").filter(
        has=page.locator("td.student-id", has_text=re.compile(rf"^\s*{student}\s*$"))
    )
    row.locator(".generate-feedback a").click()
    modal = page.locator(".modal-dialog:visible")
    modal.wait_for()
    message = modal.inner_text()
    assert f"Successfully generated feedback for '{pc.ASSIGNMENT}' for student '{student}'" in message, (
        message
    )


@pytest.fixture(scope="module")
def feedback_pages(browser, formgrader, klass) -> dict[str, Path]:
    """ana's (she displays things) and cy's (he fails a hidden test) feedback, made anew with the
    formgrader's button."""
    context = browser.new_context(extra_http_headers={"Authorization": f"token {formgrader.token}"})
    page = context.new_page()
    page.set_default_timeout(60_000)
    pages = {}
    try:
        for student in ("ana", "cy"):
            folder = klass.course_dir / "feedback" / student / pc.ASSIGNMENT
            for old in folder.glob("*.html"):
                old.unlink()
            _generate_feedback(page, formgrader, student)
            (pages[student],) = folder.glob("*.html")
    finally:
        context.close()
    return pages


@pytest.fixture
def offline(browser, shots, request):
    """Open a feedback page as a student does: from disk, nothing fetched from elsewhere."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()

    def open_page(path: Path):
        page.goto(path.as_uri(), wait_until="load")
        return page

    yield open_page
    with contextlib.suppress(Exception):
        page.screenshot(path=str(shots / f"formgrader-{request.node.name}.png"), full_page=False)
    context.close()


@pytest.mark.parametrize("student", ["ana", "cy"])
def test_feedback_from_the_formgrader_shows_no_hidden_test(feedback_pages, offline, klass, student):
    lines, values = pc.hidden_lines(klass.source_nb), pc.hidden_values(klass.source_nb)
    page = offline(feedback_pages[student])
    text = re.sub(r"\s+", " ", page.locator("body").inner_text())
    found = pc.leaks(text, lines, values, klass.own_text[student])
    assert not found, f"{student}'s feedback shows hidden tests: {found[:5]}"
    assert "HIDDEN TESTS" not in text
    assert re.search(r"Score: [\d.]+ / [\d.]+", text), text[:500]


def test_feedback_from_the_formgrader_shows_what_the_notebook_displays(feedback_pages, offline):
    _shows_outputs(offline(feedback_pages["ana"]))
