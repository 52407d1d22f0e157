"""Feedback preprocessors: what a student's feedback page may show, whichever tool writes it.

``nbgrader generate_feedback``, the formgrader's *Generate Feedback* button and
``mvs-course feedback`` all read ``GenerateFeedback.preprocessors`` from nbgrader_config.py,
which lists these (one job each) around nbgrader's own::

    GetGrades                   scores from the gradebook (nbgrader)
    DropHiddenTestOutput        nothing the student's code printed while hidden tests ran
    ExplainHiddenTestFailures   a failed hidden test becomes one plain sentence
    ClearHiddenTests            the hidden tests themselves (nbgrader)
    SanitizeFeedbackHTML        student markdown and HTML outputs made inert
    CSSHTMLHeaderPreprocessor   page styles (nbconvert)

The two hidden-test steps must run before ``ClearHiddenTests``: they find the hidden region
by its markers.
"""

from __future__ import annotations

import ast
import re

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, List, Set, Unicode

from ... import nbmeta
from ..safehtml import clean_html, safe_cell_id, safe_markdown

FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "mvs_course.grading.preprocessors.feedback.DropHiddenTestOutput",
    "mvs_course.grading.preprocessors.feedback.ExplainHiddenTestFailures",
    "nbgrader.preprocessors.ClearHiddenTests",
    "mvs_course.grading.preprocessors.feedback.SanitizeFeedbackHTML",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# as nbgrader's ClearHiddenTests matches it: anywhere in a line, with or without the "### "
HIDDEN_DELIMITER = nbmeta.BEGIN_HIDDEN.removeprefix("### ")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CELL_FRAME = re.compile(r"(?:Cell In\s*\[[^\]]*\],\s*line\s+(\d+))|(?:^-+>\s*(\d+))", re.M)


def _hidden_cell(cell: NotebookNode) -> bool:
    return cell.get("cell_type") == "code" and HIDDEN_DELIMITER in cell.get("source", "")


class DropHiddenTestOutput(NbGraderPreprocessor):
    """In a cell that runs hidden tests, drop every output but errors.

    The student's code runs inside the hidden tests; what it prints or displays there may be
    the hidden inputs (or the expected values it was compared with)."""

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if _hidden_cell(cell):
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        return cell, resources


MESSAGE_KEYWORDS = ("msg", "message", "hint", "why")


def author_messages(source: str, keywords=MESSAGE_KEYWORDS) -> set[str]:
    """Sentences the test's author wrote as failure messages: ``assert x, "…"``,
    ``raise AssertionError("…")`` and string literals passed as ``msg=``, ``message=``,
    ``hint=`` or ``why=`` (``mvs_course.checks.expect(..., why="a tie")``).

    Only these are safe to show: an f-string or a computed message may hold a hidden value."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()

    def literal(node) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            found.add(literal(node.msg))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "AssertionError" and node.args:
                found.add(literal(node.args[0]))
            for keyword in node.keywords:
                if keyword.arg in keywords:
                    found.add(literal(keyword.value))
    found.discard(None)
    return {text for text in found if text.strip()}


def _failing_line(traceback: list[str]) -> int | None:
    """The line of the test cell where the error surfaced (its own frame comes first)."""
    text = _ANSI.sub("", "\n".join(traceback or []))
    found = _CELL_FRAME.search(text)
    if not found:
        return None
    return int(found.group(1) or found.group(2))


class ExplainHiddenTestFailures(NbGraderPreprocessor):
    """In a cell that runs hidden tests, replace each error's traceback by one plain sentence.

    A traceback quotes the failing line (a hidden assert), and the error's own text may carry
    a hidden input or expected value (``KeyError: '<a key from the solution>'``). What remains:

    - a failure on a visible line, before the hidden tests: the error and that line, which the
      student sees anyway;
    - an ``AssertionError`` whose message the author wrote as a literal: that message
      (e.g. "Not yet right for a tie.");
    - anything else: which kind of check failed, in general terms, never its values.
    """

    kinds = Dict(
        {
            "AssertionError": "a result is not what the task asks for",
            "KeyError": "your code looked up a key that is not there (KeyError)",
            "IndexError": "your code asked for a position that is not there (IndexError)",
            "NameError": "a name the task asks for is not defined (NameError): check its spelling",
            "TypeError": "your code got or gave a value of a type it did not expect (TypeError)",
            "ValueError": "your code raised ValueError on a case the task describes",
            "ZeroDivisionError": "your code divided by zero on a case the task describes",
            "AttributeError": "your code used an attribute that is not there (AttributeError)",
            "NotImplementedError": "the answer has not been written yet",
            "KeyboardInterrupt": "it ran past the time limit and was stopped (an endless loop?)",
            "CellTimeoutError": "it ran past the time limit and was stopped (an endless loop?)",
            "TimeoutError": "it ran past the time limit and was stopped (an endless loop?)",
            "RecursionError": "your code called itself without end (RecursionError)",
            "MemoryError": "your code ran out of memory (MemoryError)",
        },
        help="Exception name -> what to say about it in general terms.",
    ).tag(config=True)

    message_keywords = List(
        list(MESSAGE_KEYWORDS), help="Keyword arguments whose string literal is a failure message."
    ).tag(config=True)

    message_forms = List(
        ["{}", "Not yet right for {}."],
        help="How a test turns an author's literal into its AssertionError message ({} is the "
        "literal, without a final full stop in the second form: mvs_course.checks.expect).",
    ).tag(config=True)

    sentence = Unicode(
        "A hidden check in this cell did not pass: {what}. "
        "The task text states every case the hidden checks try.",
        help="The sentence shown for a failed hidden check; {what} is the kind of failure.",
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if not _hidden_cell(cell):
            return cell, resources
        lines = cell.source.split("\n")
        first_hidden = next(
            (n for n, line in enumerate(lines, 1) if HIDDEN_DELIMITER in line), len(lines) + 1
        )
        literals = author_messages(cell.source, self.message_keywords)
        messages = {form.format(text) for form in self.message_forms for text in literals} | {
            form.format(text.strip().rstrip(".")) for form in self.message_forms for text in literals
        }
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            name = str(output.get("ename", "Error"))
            value = str(output.get("evalue", ""))
            line = _failing_line(output.get("traceback"))
            if line is not None and 0 < line < first_hidden:
                text = f"{name}: {value}" if value else name
                output.traceback = [text, f"(line {line}: {lines[line - 1].strip()})"]
                continue
            if name == "AssertionError" and value in messages:
                text = value
            else:
                what = self.kinds.get(name, f"your code raised {name} on a case the task describes")
                text = self.sentence.format(what=what)
            output.evalue = text
            output.traceback = [text]
        return cell, resources


class SanitizeFeedbackHTML(NbGraderPreprocessor):
    """Make what students wrote inert in the HTML page: markdown cells, HTML and markdown
    outputs pass an allow-list (:mod:`mvs_course.grading.safehtml`); scripts, widgets and
    other active outputs are dropped (their plain-text form stays); grade ids that could
    break out of an HTML attribute are replaced."""

    kept_output_types = Set(
        {"text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/gif"},
        help="Output MIME types kept in feedback; others (JavaScript, widgets, SVG, ...) are dropped.",
    ).tag(config=True)

    cleaned_output_types = List(
        ["text/html"], help="Output MIME types passed through the HTML allow-list."
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        nb.metadata.pop("widgets", None)  # widget state would load widget JavaScript
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict):
            if "grade_id" in meta:
                meta["grade_id"] = safe_cell_id(meta["grade_id"], f"cell-{index}")
            if isinstance(meta.get("comment"), str):
                meta["comment"] = safe_markdown(meta["comment"])
        if cell.get("cell_type") == "markdown":
            cell.source = safe_markdown(cell.source, cell.get("attachments"))
        elif cell.get("cell_type") == "code":
            cell.outputs = [out for out in map(self._clean_output, cell.get("outputs", [])) if out]
        return cell, resources

    def _clean_output(self, output: NotebookNode) -> NotebookNode | None:
        data = output.get("data")
        if not isinstance(data, dict):
            return output
        if "text/markdown" in data:
            data["text/html"] = safe_markdown(str(data.pop("text/markdown")))
        for mime in list(data):
            if mime not in self.kept_output_types:
                del data[mime]
            elif mime in self.cleaned_output_types:
                value = data[mime]
                data[mime] = clean_html("".join(value) if isinstance(value, list) else str(value))
        return output if data else None
