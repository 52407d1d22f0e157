"""Lesson 3 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import info_loop as lesson
from mvs_course.widgets import Quiz

matplotlib.use("Agg")


def test_handoff_chain_keeps_the_authors_broad_brand_architecture():
    assert lesson.HANDOFF[0][1] == "marketing" and lesson.HANDOFF[-1][1] == "sales → marketing"
    first = lesson.HANDOFF[0][2]
    assert "does not define" in first and "brands" not in first  # no textbook definition
    assert "<b>Proposition</b> (marketing)" in lesson.handoff_html()
    with pytest.raises(ValueError):
        lesson.handoff_html("budget")


def test_handoff_view_breaking_a_link_marks_it_and_checks_the_consequence():
    view = lesson.handoff_view()
    view.broken.value = "feedback"
    assert "✘ broken" in view.chain.value and view.feedback.value == ""
    view.check_button.click()  # nothing chosen yet: no verdict
    assert "Pick what follows first" in view.feedback.value
    wrong = next(c for c in view.consequence.options if c != lesson.BREAKS["feedback"][1])
    view.consequence.value = wrong
    view.check_button.click()
    assert "Not yet" in view.feedback.value and "luck" in view.feedback.value
    view.consequence.value = lesson.BREAKS["feedback"][1]
    view.check_button.click()
    assert "Right" in view.feedback.value
    view.broken.value = "internal customer"  # a new link to break: the old verdict goes
    assert view.feedback.value == "" and view.consequence.value is None


def test_every_broken_link_has_one_right_consequence():
    consequences = [c for _, c in lesson.BREAKS.values()]
    assert len(set(consequences)) == len(consequences)
    for link, (_, right) in lesson.BREAKS.items():
        assert lesson.break_feedback(link, right).startswith("<p><b>Right.")
        others = [c for c in consequences if c != right]
        assert all("Not yet" in lesson.break_feedback(link, c) for c in others)


def test_translation_hours_grow_with_sellers_only_when_sellers_translate():
    small, large = lesson.translation_hours(3, 2), lesson.translation_hours(3, 20)
    assert large["sellers"] == 10 * small["sellers"] == 10 * 3 * 2 * 10 * 46 / 60
    assert large["marketing"] == small["marketing"] == 1.5
    with pytest.raises(ValueError, match="sellers"):
        lesson.translation_hours(3, -1)


def test_waste_view_reveals_the_cost_only_after_sorting_and_follows_the_team_size():
    view = lesson.waste_view()
    assert "rephrased 6 times" in view.team.value
    view.sorter.check_button.click()
    assert "hours a year" not in view.sorter.feedback.value  # nothing sorted: no reveal yet
    for item, box in lesson.PRODUCT_KEY.items():
        view.sorter.toggles[item].value = box
    view.sorter.check_button.click()
    assert "about <b>138 hours a year</b>" in view.sorter.feedback.value  # 3 lines x 6 x 10 min x 46
    view.sellers.value = 12
    assert "about <b>276 hours a year</b>" in view.sorter.feedback.value
    assert "<b>1.5 hours</b>" in view.sorter.feedback.value  # marketing's cost does not move
    assert "our assumption" in view.sorter.feedback.value


def test_loop_messages_use_both_directions():
    assert set(lesson.LOOP_MESSAGES.values()) == {"marketing", "sales"}


@pytest.mark.parametrize(("message", "sender"), list(lesson.LOOP_MESSAGES.items()))
def test_loop_chart_lights_the_chosen_arrow(message, sender):
    other = "sales" if sender == "marketing" else "marketing"
    assert lesson.loop_chart(message, sender).axes[0].get_title().startswith("Right")
    assert lesson.loop_chart(message, other).axes[0].get_title().startswith("Not this way")
    assert "<b>Right.</b>" in lesson.loop_text(message, sender)
    assert f"from {other}" in lesson.loop_text(message, other)


def test_loop_view_has_a_text_alternative():
    view = lesson.loop_view()
    assert view.html.value.startswith("<p>You send it from marketing to sales")
    view.controls["sender"].value = "sales"
    assert "from sales to marketing" in view.html.value


def test_loop_chart_rejects_unknown_input():
    with pytest.raises(ValueError):
        lesson.loop_chart("a postcard", "marketing")
    with pytest.raises(ValueError):
        lesson.loop_chart(next(iter(lesson.LOOP_MESSAGES)), "finance")


def test_blank_counts_whitespace_as_missing():
    assert lesson.blank(pd.Series(["x", " ", None, ""])).tolist() == [False, True, True, True]


def test_flag_records_on_a_small_table():
    crm = pd.DataFrame(
        {
            "record": ["a", "b"],
            "seller": ["s", "s"],
            "segment": ["x", "x"],
            "contact": ["Ann", None],
            "topic": ["demo", " "],
            "outcome": ["won", None],
            "next_step": ["call", None],
            "need": ["speed", None],
            "note": ["Wants a demo with her whole team next week", "spoke to Ann"],
            "last_update": ["2026-06-29", "2026-05-01"],
        }
    )
    flags = lesson.flag_records(crm, "2026-06-30", 30, 6)
    assert flags["blank fields"].tolist() == [0, 5]
    assert flags["vague note"].tolist() == [False, True]
    assert flags["stale"].tolist() == [False, True]
    assert lesson.crm_score(flags) == round(100 * ((1 - 5 / 12) + 0.5 + 0.5) / 3)
    assert lesson.crm_score(flags.iloc[:0]) == 0


def test_crm_view_score_changes_with_filters():
    view = lesson.crm_view()
    everyone = view.html.value
    assert "15 records" in everyone and "/100" in everyone
    view.controls["seller"].value = "cy"
    assert "5 records" in view.html.value and view.html.value != everyone
    view.controls["stale_days"].value = 120
    assert "untouched for 120+ days" in view.html.value
    assert "<b>(stale)</b>" in everyone and "<b>(vague)</b>" in everyone  # marked in words, not colour alone


def test_share_bucket_words():
    assert [lesson.share_bucket(x) for x in (0.05, 0.3, 0.5, 0.9)] == [
        "under a tenth",
        "about a quarter",
        "about half",
        "most of it",
    ]
    with pytest.raises(ValueError):
        lesson.share_bucket(1.5)


def test_signed_value_by_meetings_and_the_theory_view():
    few = pd.DataFrame(
        {
            "value": [100, 300, 600, 50],
            "stage": ["signed", "signed", "open", "signed"],
            "sales_meetings": [0, 2, 1, 0],
        }
    )
    assert lesson.signed_value_by_meetings(few).to_dict() == {0: 150, 2: 300}
    sample = lesson.signed_value_by_meetings()
    deals = datasets.load("signed_deals")
    assert sample.sum() == deals.loc[deals["stage"] == "signed", "value"].sum()
    assert "2 of" in lesson.theory_reveal("x", few) and "about a third" not in lesson.theory_reveal("x", few)


def test_theory_view_commit_first_then_count_against_value():
    view = lesson.theory_view()
    assert view.feedback.value == ""  # nothing shown before the learner commits
    view.choice.value = "About half"
    text = view.feedback.value
    assert text.startswith("Not yet") and "4 of Brewline's 8 signed deals" in text
    assert "50% of the deals" in text
    assert "under a tenth of the signed value" in text  # the surprise: half by count, little by value
    view.choice.value = "Under a tenth"
    assert view.feedback.value.startswith("Right")


def test_core_terms_kept_ignores_case():
    kept = lesson.core_terms_kept("FRESH coffee, fixed in one working day")
    assert kept == {"fresh": True, "under a minute": False, "one working day": True}


def test_rewrite_view_verdicts():
    view = lesson.rewrite_view()
    assert "lost part of the proposition" in view.html.value
    view.controls["text"].value = lesson.PROPOSITION
    assert "will get rewritten" in view.html.value
    view.controls["fits_sellers"].value = True
    assert "sellers and customers alike" in view.html.value


def test_internal_quiz():
    quiz = lesson.internal_quiz()
    assert isinstance(quiz, Quiz)
    quiz.choice.value = quiz.answer
    assert quiz.feedback.value.startswith("Right")
