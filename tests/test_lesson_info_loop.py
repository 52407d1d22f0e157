"""Lesson 3 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import info_loop as lesson
from mvs_course.widgets import Quiz

matplotlib.use("Agg")


def test_handoff_chain_ends_with_sales():
    assert lesson.HANDOFF[0][1] == "marketing" and lesson.HANDOFF[-1][1] == "sales"
    assert "<b>Proposition</b> (marketing)" in lesson.handoff_html(2)
    with pytest.raises(ValueError):
        lesson.handoff_html(len(lesson.HANDOFF))


def test_yearly_hours_lost_and_its_view():
    assert lesson.yearly_hours_lost(2, 5, 10) == 100
    assert lesson.yearly_hours_lost(1.5, 4) == 1.5 * 4 * 46
    with pytest.raises(ValueError, match="hours_per_week"):
        lesson.yearly_hours_lost(-1, 5)
    with pytest.raises(ValueError, match="hourly_rate"):
        lesson.waste_html(1, 5, -40)
    view = lesson.waste_view()
    assert "828 hours" in view.html.value  # 3 h x 6 sellers x 46 weeks
    assert "€37,260 a year" in view.html.value  # ... x €45
    view.controls["hours_per_week"].value = 0
    assert "€0 a year" in view.html.value


def test_loop_messages_use_both_directions():
    assert set(lesson.LOOP_MESSAGES.values()) == {"marketing", "sales"}


@pytest.mark.parametrize(("message", "sender"), list(lesson.LOOP_MESSAGES.items()))
def test_loop_chart_lights_the_chosen_arrow(message, sender):
    other = "sales" if sender == "marketing" else "marketing"
    assert lesson.loop_chart(message, sender).axes[0].get_title().startswith("Right")
    assert lesson.loop_chart(message, other).axes[0].get_title().startswith("Not this way")


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


def test_theory_verdict_flips_only_near_full_self_service():
    assert lesson.theory_verdict(50).startswith("Only 50%")
    assert lesson.theory_verdict(98).startswith("98% of revenue arrives with no seller")
    with pytest.raises(ValueError):
        lesson.theory_verdict(120)


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
    view = lesson.theory_view()
    assert view.controls["pct"].value == round(100 * sample[0] / sample.sum())
    assert "<table" in view.html.value and "Only" in view.html.value
    view.controls["pct"].value = 98
    assert view.html.value.startswith("<p>98% of revenue")


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
