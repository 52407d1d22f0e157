"""Lesson 1 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import html

import matplotlib
import pytest

from mvs_course.lessons import buyer_seller as lesson
from mvs_course.widgets import Quiz, Sorter, grade_sort, notepad
from mvs_course.widgets.notepad import load_notes, save_note

matplotlib.use("Agg")


def test_grade_sort_counts_right_wrong_and_open():
    report = grade_sort({"a": "x", "b": "y", "c": None}, {"a": "x", "b": "x", "c": "y"})
    assert (report.correct, report.total, report.wrong, report.unanswered) == (1, 3, ["b"], ["c"])
    assert not report.done


def test_sorter_check_button_reports_mistakes_with_explanation():
    sorter = lesson.focus_sorter()
    for item, box in lesson.FOCUS_KEY.items():
        sorter.toggles[item].value = box
    sorter.toggles["fix"].value = "about the buyer"
    sorter.check_button.click()
    text = html.unescape(sorter.feedback.value)
    assert "5 of 6" in text and lesson.FOCUS_ITEMS["fix"] in text and "seller can solve" in text
    sorter.toggles["fix"].value = "about the seller"
    sorter.check_button.click()
    assert "All sorted" in html.unescape(sorter.feedback.value)


def test_career_key_covers_every_item():
    assert set(lesson.CAREER_KEY) == set(lesson.CAREER_ITEMS) == set(lesson.CAREER_WHY)
    assert isinstance(lesson.career_sorter(), Sorter)


def test_journey_marks_the_handover():
    assert "mostly <b>marketing</b>" in lesson.journey_html(0)
    assert "mostly <b>sales</b>" in lesson.journey_html(len(lesson.JOURNEY) - 1)
    with pytest.raises(ValueError):
        lesson.journey_html(99)


def test_brand_premium_from_the_data():
    table = lesson.brand_premium()
    assert list(table["premium"]) == list(table["branded_price"] - table["generic_price"])
    assert (table["premium"] > 0).all()


@pytest.mark.parametrize("marketing", [0, 5, 10])
def test_marketing_never_changes_the_sale_verdict(marketing):
    assert lesson.sale_verdict(False, True, marketing).startswith("No sale")
    assert lesson.sale_verdict(True, False, marketing).startswith("No sale")
    assert lesson.sale_verdict(True, True, marketing).startswith("A sale is possible")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("What keeps you up at night?", "question"),
        ("how much does the downtime cost you", "question"),
        ("Our laptop is made for people who think differently", "story"),
        ("Whatever you do, do it in style.", "story"),
    ],
)
def test_classify_utterance(line, kind):
    assert lesson.classify_utterance(line) == kind


def test_empty_line_gets_a_message_not_a_traceback():
    assert lesson.utterance_feedback("   ") == "Type a sentence first."


def test_aida_versions_differ_only_in_the_third_step():
    article, textbook = lesson.aida_table("article"), lesson.aida_table("textbook")
    assert list(article["stage"]) != list(textbook["stage"])
    assert (article["stage"] != textbook["stage"]).sum() == 1
    assert list(article["mostly driven by"]) == ["marketing", "marketing", "sales", "sales"]
    with pytest.raises(ValueError):
        lesson.aida_table("other")


def test_aida_quiz_feedback():
    quiz = lesson.aida_quiz()
    assert isinstance(quiz, Quiz)
    quiz.choice.value = "Demand"
    assert quiz.feedback.value.startswith("Not yet")
    quiz.choice.value = "Desire"
    assert quiz.feedback.value.startswith("Right")


def test_reach_numbers_nest():
    numbers = lesson.reach_numbers(100_000, 20, 5)
    assert numbers == {"market": 100_000, "target group": 20_000, "buyers": 1_000}
    assert lesson.reach_chart(100_000, 20, 5).axes[0].patches


def test_live_views_redraw_when_a_control_moves():
    view = lesson.no_pain_view()
    view.controls["has_problem"].value = True  # the visitor now has a broken bike
    assert "A sale is possible" in view.html.value
    view.controls["marketing"].value = 0
    assert "A sale is possible" in view.html.value
    view.controls["has_problem"].value = False
    assert "no pain, no sale" in view.html.value


def test_chart_views_keep_their_figure():
    view = lesson.reach_view()
    view.controls["buyer_pct"].value = 50
    legend = [t.get_text() for t in view.result.axes[0].get_legend().get_texts()]
    assert "buyers: 10,000" in legend


def test_notepad_saves_and_survives_a_broken_file(tmp_path, monkeypatch):
    path = tmp_path / "notes.json"
    monkeypatch.setenv("MVS_NOTES_FILE", str(path))
    save_note("k", "first")
    assert load_notes() == {"k": "first"}
    box = notepad("Title", key="k2", compare_with="k")
    box.children[2].value = "typed"
    assert load_notes()["k2"] == "typed"
    assert "first" in box.children[1].value
    path.write_text("{not json")
    assert load_notes() == {}


def test_reasons_by_box_explains_each_item_by_its_box():
    from mvs_course.widgets import reasons_by_box

    why = reasons_by_box({"a": "x", "b": "y", "c": "z"}, {"x": "because x", "y": "because y"})
    assert why == {"a": "because x", "b": "because y"}
