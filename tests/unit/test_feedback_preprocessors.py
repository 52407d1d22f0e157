"""Feedback preprocessors, one job each, on hand-made autograded cells (no kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import PyFileConfigLoader
from traitlets.utils.importstring import import_item

from mvs_course.grading.preprocessors.feedback import (
    FEEDBACK_PREPROCESSORS,
    DropHiddenTestOutput,
    ExplainHiddenTestFailures,
    SanitizeFeedbackHTML,
    author_messages,
)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "These headphones make me feel like a pro musician"
ANSI_FRAME = (
    "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line {n}\x1b[39m\n----> {n} ..."
)


def _test_cell(source: str, *outputs) -> dict:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_x", "points": 1, "locked": True}
    cell.outputs = list(outputs)
    return cell


def _error(ename: str, evalue: str, line: int | None = None):
    traceback = [f"{ename} Traceback (most recent call last)"]
    if line is not None:
        traceback.append(ANSI_FRAME.format(n=line))
    return new_output("error", ename=ename, evalue=evalue, traceback=[*traceback, f"{ename}: {evalue}"])


HIDDEN = (
    'assert isinstance(FOCUS, dict), "FOCUS should be a dictionary"\n'
    "### BEGIN HIDDEN TESTS\n"
    f'assert FOCUS["{SECRET}"] == "buyer"\n'
    'assert tie(1, 1) == "tie", "Not yet right for a tie."\n'
    'assert tie(2, 2) == "tie", f"expected tie, got {tie(2, 2)}"\n'
    'expect(tie(3, 3), "tie", why="a tie of threes.")\n'
    "### END HIDDEN TESTS"
)


def _explain(cell) -> list[str]:
    out, _ = ExplainHiddenTestFailures()(new_notebook(cells=[cell]), {})
    return ["\n".join(o.traceback) + " | " + o.evalue for o in out.cells[0].outputs]


def test_a_hidden_key_error_says_what_failed_without_the_key():
    (text,) = _explain(_test_cell(HIDDEN, _error("KeyError", repr(SECRET), line=3)))
    assert SECRET not in text and "FOCUS[" not in text
    assert "hidden check" in text and "KeyError" in text


def test_an_authors_assert_message_is_shown_and_nothing_else():
    (text,) = _explain(_test_cell(HIDDEN, _error("AssertionError", "Not yet right for a tie.", line=4)))
    assert text == "Not yet right for a tie. | Not yet right for a tie."


def test_the_case_named_by_checks_expect_is_shown():
    (text,) = _explain(
        _test_cell(HIDDEN, _error("AssertionError", "Not yet right for a tie of threes.", line=6))
    )
    assert text.startswith("Not yet right for a tie of threes. |")


def test_a_computed_message_or_a_bare_assert_gets_the_general_sentence():
    computed = _error("AssertionError", "expected tie, got a", line=5)
    bare = _error("AssertionError", "", line=3)
    for text in _explain(_test_cell(HIDDEN, computed, bare)):
        assert "a result is not what the task asks for" in text and "expected tie" not in text


def test_a_failure_on_a_visible_line_shows_that_line():
    (text,) = _explain(_test_cell(HIDDEN, _error("AssertionError", "FOCUS should be a dictionary", line=1)))
    assert "FOCUS should be a dictionary" in text and "line 1: assert isinstance(FOCUS, dict)" in text


def test_an_error_whose_line_cannot_be_told_counts_as_hidden():
    (text,) = _explain(_test_cell(HIDDEN, _error("KeyError", repr(SECRET))))
    assert SECRET not in text and "hidden check" in text


def test_cells_without_hidden_tests_keep_their_traceback():
    cell = _test_cell("assert f(1) == 1", _error("AssertionError", "", line=1))
    before = list(cell.outputs[0].traceback)
    _explain(cell)
    assert cell.outputs[0].traceback == before


def test_author_messages_are_literals_in_message_position_only():
    source = (
        'assert x, "one"\nassert y, f"two {y}"\nraise AssertionError("three")\n'
        'expect(f(1), 2, msg="four")\nD = {"five": 1}\nprint("six")\nexpect(g(), 1, why="seven")\n'
    )
    assert author_messages(source) == {"one", "three", "four", "seven"}
    assert author_messages("%time x = 1\nassert x, 'eight'") == set()  # not Python: nothing shown


def test_output_printed_during_hidden_tests_is_dropped_errors_kept():
    printed = new_output("stream", name="stdout", text=f"{SECRET}\n")
    shown = new_output("display_data", data={"text/plain": SECRET})
    error = _error("KeyError", "x", line=3)
    cell = _test_cell(HIDDEN, printed, shown, error)
    visible_only = _test_cell("print(1)", new_output("stream", name="stdout", text="1\n"))
    out, _ = DropHiddenTestOutput()(new_notebook(cells=[cell, visible_only]), {})
    assert [o.output_type for o in out.cells[0].outputs] == ["error"]
    assert out.cells[1].outputs[0].text == "1\n"


def test_sanitize_keeps_markdown_and_tables_and_drops_active_parts():
    md = new_markdown_cell(
        "# Why\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    md.metadata["nbgrader"] = {"grade_id": 'x" onmouseover="alert(3)', "solution": True}
    code = new_code_cell("x")
    code.outputs = [
        new_output(
            "display_data",
            data={
                "text/html": "<table class='dataframe'><tr><td onclick='alert(4)'>1</td></tr></table>",
                "application/javascript": "alert(5)",
                "text/plain": "x",
            },
        ),
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}),
    ]
    nb = new_notebook(cells=[md, code])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    out, _ = SanitizeFeedbackHTML()(nb, {})
    source = out.cells[0].source
    assert "<h1" in source and "<td>1</td>" in source and "\n" not in source
    assert "<script" not in source and "onerror" not in source and "&lt;script&gt;" in source
    assert out.cells[0].metadata["nbgrader"]["grade_id"] == "cell-0"
    (kept,) = out.cells[1].outputs
    assert set(kept.data) == {"text/html", "text/plain"}
    assert "onclick" not in kept.data["text/html"] and 'class="dataframe"' in kept.data["text/html"]
    assert "widgets" not in out.metadata


def test_nbgrader_config_lists_these_preprocessors_in_a_working_order():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    listed = list(config.GenerateFeedback.preprocessors)
    assert listed == FEEDBACK_PREPROCESSORS
    clear = listed.index("nbgrader.preprocessors.ClearHiddenTests")
    assert (
        max(
            listed.index(f"{DropHiddenTestOutput.__module__}.{name}")
            for name in ("DropHiddenTestOutput", "ExplainHiddenTestFailures")
        )
        < clear
    )
    for name in listed:
        assert import_item(name)


@pytest.mark.parametrize("ename", ["TypeError", "SomeStudentError"])
def test_every_exception_kind_gets_a_sentence(ename):
    (text,) = _explain(_test_cell(HIDDEN, _error(ename, "secret 42", line=3)))
    assert "secret 42" not in text and ename in text


def test_style_blocks_vanish_with_their_content():
    from mvs_course.grading.safehtml import clean_html

    style = "<style scoped>\n.dataframe tbody tr th { vertical-align: top; }\n</style>"
    table = style + "<table><tr><td>1</td></tr></table>"
    cleaned = clean_html(table)
    assert "vertical-align" not in cleaned and "<table>" in cleaned
    assert "cover" not in clean_html("<STYLE>body{display:none} .cover{}</STYLE ><p>ok</p>")
