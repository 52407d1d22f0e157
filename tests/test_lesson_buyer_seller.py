"""Lesson 1 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import html

import matplotlib
import pytest

from mvs_course.lessons import buyer_seller as lesson
from mvs_course.widgets import Quiz, Sorter, grade_sort

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


def test_career_key_covers_every_item_and_says_it_is_our_step():
    assert set(lesson.CAREER_KEY) == set(lesson.CAREER_ITEMS) == set(lesson.CAREER_WHY)
    sorter = lesson.career_sorter()
    assert isinstance(sorter, Sorter)
    assert "not the article's" in sorter.children[0].value  # article 000 leaves this step to later posts


def test_handover_reads_the_order_of_the_sides():
    m, s = "marketing", "sales"
    assert lesson.handover([("a", m), ("b", m), ("c", s)]) == 2
    assert lesson.handover([("a", s), ("b", s)]) == lesson.NO_MARKETING
    assert lesson.handover([("a", m), ("b", s), ("c", m), ("d", s)]) == lesson.BACK_AND_FORTH
    assert [lesson.handover(steps) for steps in lesson.JOURNEYS.values()] == [3, 0, -1]


def test_journey_view_reveals_the_sides_only_after_the_learner_commits():
    view = lesson.journey_view()
    assert "(marketing)" not in view.steps.value  # the sides are hidden while deciding
    view.check_button.click()
    assert "Pick your answer first" in view.feedback.value
    view.guess.value = 2
    view.check_button.click()
    assert "Not yet" in view.feedback.value and "<b>(marketing)</b>" in view.feedback.value
    view.guess.value = 3
    view.check_button.click()
    assert "Right" in view.feedback.value and "after step 3" in view.feedback.value
    view.journey.value = "Omar"  # a new customer: a fresh decision, the old verdict goes
    assert view.guess.value is None and "Decide" in view.feedback.value
    view.guess.value = lesson.NO_MARKETING
    view.check_button.click()
    assert "Right" in view.feedback.value and "*usually*" in view.feedback.value
    with pytest.raises(ValueError):
        lesson.journey_steps_html("Zed")


def test_brand_premium_from_the_data():
    table = lesson.brand_premium()
    assert list(table["premium"]) == list(table["branded_price"] - table["generic_price"])
    assert (table["premium"] > 0).all()


@pytest.mark.parametrize("marketing", [0, 5, 10])
def test_marketing_never_changes_the_sale_verdict(marketing):
    assert lesson.sale_verdict(False, True, marketing).startswith("No sale")
    assert lesson.sale_verdict(True, False, marketing).startswith("No sale")
    assert lesson.sale_verdict(True, True, marketing).startswith("A sale is possible")


def test_no_pain_verdict_is_about_needing_a_bike():
    assert "does not need a bike" in lesson.sale_verdict(False, True, 10)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("What keeps you up at night?", "question"),
        ("how much does the downtime cost you", "question"),
        ("Do more with less.", "question"),  # the form rule is fooled, on purpose
        ("Tell me about your Mondays.", "story"),  # and here too
        ("Whatever you do, do it in style.", "story"),
    ],
)
def test_form_rule_judges_by_form_only(line, kind):
    assert lesson.form_rule(line) == kind
    with pytest.raises(ValueError):
        lesson.form_rule("  ")


def test_story_lines_include_lines_whose_form_misleads():
    fooled = [i for i, (text, kind, _, _) in lesson.STORY_LINES.items() if lesson.form_rule(text) != kind]
    assert set(fooled) >= {"more", "treat", "tell"}
    asks = {asks for _, kind, asks, _ in lesson.STORY_LINES.values() if kind == "question"}
    assert asks == {name for name, _ in lesson.SALES_QUESTIONS}  # the three questions of the article


def test_story_question_view_reveals_the_form_rule_only_after_every_line_is_sorted():
    view = lesson.story_question_view()
    view.toggles["think"].value = "story"
    view.check_button.click()
    assert "form rule" not in view.feedback.value  # not committed yet: no reveal
    for item, kind in lesson.STORY_KEY.items():
        view.toggles[item].value = kind
    view.check_button.click()
    text = html.unescape(view.feedback.value)
    assert "You sorted 6 of 6" in text and "gets 3 of 6" in text
    assert "Do more with less." in text and "asks about the worth" in text


def test_aida_view_commit_then_reveal_and_the_split_survives_relabelling():
    view = lesson.aida_view()
    assert view.sorter.feedback.value == ""
    for item in lesson.AIDA_IDS:
        view.sorter.toggles[item].value = "marketing"
    view.sorter.check_button.click()
    before = html.unescape(view.sorter.feedback.value)
    assert "2 of 4" in before and "<td>3. Decision</td><td>marketing</td><td>sales</td>" in before
    view.labels.value = "textbook"  # the third step's name changes, the owners do not
    after = html.unescape(view.sorter.feedback.value)
    assert "<td>3. Desire</td><td>marketing</td><td>sales</td>" in after and "2 of 4" in after
    assert "does not say why" in after
    assert view.sorter.labels["d"].value == "<span>Desire</span>"


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


def test_chart_views_keep_their_figure_and_a_text_alternative():
    view = lesson.reach_view()
    view.controls["buyer_pct"].value = 50
    legend = [t.get_text() for t in view.result[1].axes[0].get_legend().get_texts()]
    assert "buyers: 10,000" in legend
    assert "buyers 10,000, which is 10.00% of the market" in view.html.value


def test_reasons_by_box_explains_each_item_by_its_box():
    from mvs_course.widgets import reasons_by_box

    why = reasons_by_box({"a": "x", "b": "y", "c": "z"}, {"x": "because x", "y": "because y"})
    assert why == {"a": "because x", "b": "because y"}
