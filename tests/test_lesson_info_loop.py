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


def test_yearly_waste_and_its_view():
    assert lesson.yearly_waste(2, 5, 40, 10) == 4000
    with pytest.raises(ValueError):
        lesson.yearly_waste(-1, 5, 40)
    view = lesson.waste_view()
    assert "€37,260 a year" in view.html.value  # 3 h x 6 sellers x €45 x 46 weeks
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
    deals = datasets.load("signed_deals")
    signed = deals[deals["stage"] == "signed"]
    expected = 100 * signed.loc[signed["sales_meetings"] == 0, "value"].sum() / signed["value"].sum()
    assert lesson.self_serve_pct_in_sample() == pytest.approx(expected, abs=0.05)


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
