"""Feedback pages carry no hidden test, no hidden value and no student script, whichever tool
writes them: plain `nbgrader generate_feedback` in a course dir that loads the repo's
nbgrader_config.py, and `mvs-course feedback` (the grading API). nbgrader's default list, run on
the same submission, shows what these tests would catch."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import feedback_course as fc
import nbformat
import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.server_extensions.formgrader import handlers
from traitlets.config import Config, PyFileConfigLoader


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The same submission's pages (see feedback_course.pages), built once per process."""
    return fc.pages(tmp_path_factory)


LEAKS = [
    fc.SECRET_KEY,  # a key from the solution, in a KeyError
    fc.BARE_SECRET,  # a hidden assert's own line
    "BEGIN HIDDEN TESTS",
    fc.PRINT_MARKER,  # what the student's code printed during the hidden tests
    fc.DISPLAY_MARKER,
]


def test_nbgraders_default_list_leaks_what_the_tests_look_for(pages):
    assert [leak for leak in LEAKS if leak in pages["default"]] == LEAKS


def test_the_sandbox_keeps_nothing_shown_while_hidden_tests_run(pages):
    """Graded in the sandbox, the notebook itself holds nothing the student's code printed or
    displayed during the hidden tests (the visible outputs of other cells stay)."""
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in pages["sandboxed"].cells}
    text = str(cells["test_tie"].outputs) + str(cells["test_bare"].outputs)
    assert fc.PRINT_MARKER not in text and fc.DISPLAY_MARKER not in text


@pytest.mark.parametrize("tool", ["plain", "api"])
def test_feedback_shows_no_hidden_test_value_or_output(pages, tool):
    text = pages[tool]
    assert [leak for leak in LEAKS if leak in text] == []
    assert "Score: 0.0 / 6.0" in text


@pytest.mark.parametrize("tool", ["plain", "api"])
def test_a_failed_hidden_test_is_one_plain_sentence(pages, tool):
    text = pages[tool]
    assert fc.TIE_SENTENCE in text  # the assert's own message
    assert "A hidden check in this cell did not pass: your code looked up a key" in text  # KeyError
    assert "A hidden check in this cell did not pass: a result is not what the task asks for" in text
    assert "Traceback" not in text.split("test_visible")[0]  # no traceback before the visible-only cell


class _ActiveParts(HTMLParser):
    """Elements and attributes of a page that run code, navigate, or cover the page."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag in {"iframe", "svg", "object", "embed", "form", "base"} or (
            tag == "meta" and "http-equiv" in attrs
        ):
            self.found.append(tag)
        self.found += [f"{tag}[{name}]" for name in attrs if name.startswith("on")]
        self.found += [
            f"{tag}[{name}]"
            for name, value in attrs.items()
            if value.strip().lower().startswith("javascript:")
        ]
        if "fixed" in attrs.get("style", "") or "navbar-fixed-top" in attrs.get("class", ""):
            self.found.append(f"{tag} overlay")
        self._in_script = tag == "script"

    def handle_data(self, data):
        if self._in_script and "__pwned" in data:
            self.found.append("student script")

    def handle_endtag(self, tag):
        self._in_script = False


def active_parts(page) -> list[str]:
    parser = _ActiveParts()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def test_nbgraders_default_page_runs_student_html(pages):
    found = active_parts(pages["files"]["default"])
    assert {"student script", "img[onerror]", "iframe", "svg[onload]", "div overlay"} <= set(found), found


@pytest.mark.parametrize("tool", ["plain", "api"])
def test_student_html_is_inert_in_the_page(pages, tool):
    assert active_parts(pages["files"][tool]) == []


def _formgrader_view(notebook, config: Config) -> Path:
    """The page the formgrader's manual grading shows for ``notebook``, rendered as its handler
    does (the formgrade template, the course's nbgrader config)."""
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {
        **dict.fromkeys(["assignment_id", "notebook_id", "student", "notebook_path"], "x"),
        **{"submission_id": "1", "index": 0, "total": 1, "base_url": "/", "last_name": "", "first_name": ""},
    }
    html, _ = HTMLExporter(config=config).from_filename(str(notebook), resources=resources)
    out = notebook.with_suffix(f".{len(config.HTMLExporter)}.html")
    out.write_text(html, encoding="utf-8")
    return out


def test_the_formgraders_grading_view_runs_no_student_html(pages):
    """The manual grading page runs in the instructor's Jupyter session: a student's script there
    could act as the instructor. The repo's HTMLExporter settings make it inert too."""
    (notebook,) = pages["autograded"].glob("*.ipynb")
    student_parts = {"student script", "img[onerror]", "svg[onload]", "iframe", "a[href]", "meta", "form"}
    bare = set(active_parts(_formgrader_view(notebook, Config())))
    assert student_parts <= bare, bare
    configured = PyFileConfigLoader("nbgrader_config.py", path=str(fc.ROOT)).load_config()
    page = _formgrader_view(notebook, configured)
    assert not student_parts & set(active_parts(page))
    assert "Because buyers decide." in fc.visible_text(page)  # still there to grade


def test_widgets_show_their_text_in_the_grading_view(tmp_path):
    widget = new_output(
        "display_data",
        data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}, "text/plain": "Slider(value=3)"},
    )
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("w", outputs=[widget])]), path)
    configured = PyFileConfigLoader("nbgrader_config.py", path=str(fc.ROOT)).load_config()
    assert "Slider(value=3)" in fc.visible_text(_formgrader_view(path, configured))


def test_every_tool_writes_the_same_page(pages):
    assert pages["plain"] == pages["api"]


def test_collects_timestamp_makes_nbgrader_see_a_late_submission(pages):
    """collect wrote timestamp.txt from the file's time; plain `nbgrader autograde` read it, so a
    due date and AssignLatePenalties work; the collect report flagged it late as well."""
    built = pages["built"]
    (placed,) = built.collected.placed
    assert placed.late and "LATE" in placed.warning
    with built.course().gradebook() as gb:
        submission = gb.find_submission(fc.ASSIGNMENT, built.student)
        assert 23 * 3600 < submission.total_seconds_late <= 24 * 3600
