"""Everything an nbgrader instructor already knows keeps working in a course directory made by
`mvs-course init`, on the gradebook `mvs-course` fills (issue 15).

One class of a real assignment (tests/fixtures/plain_course.py) is collected and graded with
`mvs-course`; then plain `nbgrader db student list`, `autograde`, `generate_feedback`, and
`release_assignment` / `fetch_assignment` / `submit` / `collect` through a scratch exchange run
in the same folder. The formgrader on the same class: tests/browser/test_formgrader.py.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from fixtures import plain_course as pc

from mvs_course import nbmeta
from mvs_course.grading.course import CONFIG_FILE

pytestmark = pytest.mark.slow
STUDENTS = ("ana", "bo", "cy")


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> pc.PlainClass:
    return pc.shared(tmp_path_factory)


def _by_student(table: dict, student: str) -> dict[str, float]:
    return {item: score for (who, item), score in table.items() if who == student}


def test_init_makes_an_nbgrader_course_of_the_repository(klass):
    assert klass.init_project == pc.ROOT
    assert klass.init_source == pc.ROOT / "solutions"
    config = (klass.course_dir / CONFIG_FILE).read_text(encoding="utf-8")
    assert repr(str(pc.ROOT / CONFIG_FILE)) in config, "the course dir loads the repository's settings"
    steps = klass.course.settings.GenerateFeedback.preprocessors
    assert "nbgrader.preprocessors.ClearHiddenTests" in steps
    assert klass.course.course_id and klass.course.project == pc.ROOT


def test_mvs_course_collects_and_grades_the_class(klass):
    klass.ok("release")
    collected = klass.ok("collect").out
    assert "3 placed" in collected, collected
    graded = klass.ok("grade").out
    assert "graded 3 submissions, 0 with problems" in graded, graded
    full = sum(klass.items.values())
    totals = {s: sum(v for k, v in _by_student(klass.ours, s).items() if k in klass.items) for s in STUDENTS}
    assert totals == {"ana": full, "bo": 0.0, "cy": full - klass.items[klass.wrong_test]}
    assert _by_student(klass.ours, "cy")[klass.wrong_test] == 0.0


def test_written_answers_wait_for_the_instructor(klass):
    """A written answer needs a manual grade; a blank one scores zero by itself (nbgrader's rule)."""
    manual = sorted(klass.manual)
    assert manual and all(points > 0 for points in klass.manual.values())
    assert klass.needs_manual == {"ana": manual, "bo": [], "cy": manual}


def test_nbgrader_db_student_list_sees_the_class(klass):
    listed = klass.ok("db student list").out
    assert "There are 3 students in the database" in listed, listed
    for student in STUDENTS:
        assert re.search(rf"^{student} \(", listed, re.M), listed


def test_nbgrader_autograde_gives_the_same_scores_per_item(klass):
    klass.ok("autograde")
    for student in STUDENTS:
        ours, theirs = _by_student(klass.ours, student), _by_student(klass.theirs, student)
        assert set(ours) == set(klass.items) | set(klass.manual)
        assert theirs == ours, student


def test_the_exchange_releases_fetches_submits_and_collects(klass):
    for step in ("release_assignment", "fetch_assignment", "submit", "collect_exchange"):
        klass.ok(step)
    fetched = klass.base / pc.EXCHANGE_STUDENT / pc.ASSIGNMENT / klass.notebook
    assert fetched.is_file(), "fetch_assignment put no notebook in the student's folder"
    assert (klass.course_dir / "submitted" / pc.EXCHANGE_STUDENT / pc.ASSIGNMENT / klass.notebook).is_file()
    # collected work grades like any other: dee handed in the solution
    dee = _by_student(klass.theirs, pc.EXCHANGE_STUDENT)
    assert {item: dee[item] for item in klass.items} == klass.items


def test_grading_keeps_what_the_students_notebook_displays(klass):
    """ana's own cells keep real display data, whichever tool graded: a table as HTML, a plot
    as a PNG image, a widget as its text fallback (there is no widget state after grading)."""
    for tool, displays in klass.displays.items():
        assert set(displays) == {pc.TABLE, pc.PLOT, pc.WIDGET}, tool
        table = [o for o in displays[pc.TABLE] if "<table" in str(o.get("data", {}).get("text/html", ""))]
        assert table, f"{tool}: the table is not HTML: {displays[pc.TABLE]!r:.400}"
        plot = [o for o in displays[pc.PLOT] if "image/png" in o.get("data", {})]
        assert plot, f"{tool}: the plot is not an image: {displays[pc.PLOT]!r:.400}"
        widget = [o.get("data", {}).get("text/plain", "") for o in displays[pc.WIDGET]]
        assert pc.WIDGET_FALLBACK in widget, f"{tool}: {displays[pc.WIDGET]!r:.400}"


def test_nbgrader_generate_feedback_shows_no_hidden_test(klass):
    klass.ok("generate_feedback")
    lines, values = pc.hidden_lines(klass.source_nb), pc.hidden_values(klass.source_nb)
    assert lines and values, "the assignment has no hidden tests to protect"
    total = sum(klass.items.values()) + sum(klass.manual.values())
    for student in (*STUDENTS, pc.EXCHANGE_STUDENT):
        pages = klass.feedback[student]
        assert len(pages) == 1, (student, len(pages))
        page = pages[0]
        found = pc.leaks(page, lines, values, klass.own_text[student])
        assert not found, f"{student}'s feedback shows hidden tests: {found[:5]}"
        assert "HIDDEN TESTS" not in page and "BEGIN SOLUTION" not in page
        score = re.search(r"Score: ([\d.]+) / ([\d.]+)", page)
        assert score, page[:500]
        expected = sum(_by_student(klass.theirs, student).values())
        assert (float(score[1]), float(score[2])) == (expected, total), student
    # the check can fail: the graded notebook behind cy's page holds the hidden tests it removed
    graded = klass.course_dir / "autograded" / "cy" / pc.ASSIGNMENT / klass.notebook
    raw = "\n".join(c.source for c in nbformat.read(graded, as_version=4).cells)
    assert pc.leaks(re.sub(r"\s+", " ", raw), lines, values, klass.own_text["cy"])


def test_a_blank_students_feedback_shows_no_model_answer(klass):
    release_nb = klass.course.release_dir / pc.ASSIGNMENT / klass.notebook
    answers = pc.solution_lines(klass.source_nb, release_nb)
    assert answers
    (page,) = klass.feedback["bo"]
    assert not [line for line in answers if line in page]
    (full,) = klass.feedback["ana"]
    assert [line for line in answers if line in full], "ana's own (full-marks) answers are on her page"


def test_the_written_cell_is_in_the_release_as_a_stub(klass):
    release_nb = klass.course.release_dir / pc.ASSIGNMENT / klass.notebook
    cells = nbformat.read(release_nb, as_version=4).cells
    written = {nbmeta.grade_id(c): c.source for c in cells if nbmeta.is_manually_graded(c)}
    assert set(written) == set(klass.manual)
    source = {nbmeta.grade_id(c): c.source for c in nbformat.read(klass.source_nb, as_version=4).cells}
    for grade_id, stub in written.items():
        assert stub.strip() != source[grade_id].strip(), f"{grade_id}: the model answer was released"
