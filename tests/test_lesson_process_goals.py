"""Lesson 2 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import html

import matplotlib
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import process_goals as lesson
from mvs_course.widgets import Quiz, Sorter

matplotlib.use("Agg")


def test_funnel_counts_apply_each_rate_to_the_stage_before():
    assert lesson.funnel_counts(20_000, 2.5, 40, 20) == {
        "reached": 20_000,
        "leads": 500,
        "qualified": 200,
        "customers": 40,
    }
    assert lesson.funnel_counts(1_000, 0, 50, 50)["customers"] == 0
    with pytest.raises(ValueError, match="close_pct"):
        lesson.funnel_counts(1_000, 2, 50, 150)


def test_attainment_text_verdicts():
    assert lesson.attainment_text(50, 50).endswith("100% of quota, quota met")
    assert "quota missed" in lesson.attainment_text(40, 50)
    assert "no quota" in lesson.attainment_text(3, 0)


def test_funnel_view_redraws_with_the_quota_verdict():
    view = lesson.funnel_view()
    text, figure = view.result
    assert "quota missed" in figure.axes[0].get_title()  # 40 customers against 50
    assert "quota missed" in view.html.value  # the chart's text alternative says it too
    view.controls["close_pct"].value = 30
    assert view.result[1].axes[0].get_title().startswith("60 of 50 customers")
    assert "60 of 50 customers" in view.html.value


def test_funnel_text_names_each_stage_owner_and_the_lever_of_each_rate():
    text = lesson.funnel_text(20_000, 2.5, 40, 20, 50)
    assert "qualified 200 (sales)" in text and "leads 500 (marketing)" in text
    # one point of the small rate (lead rate) moves far more customers than one of the large one
    assert "lead rate would give +16 customers" in text and "closing rate would give +2" in text
    assert "+0" in lesson.funnel_text(20_000, 0, 40, 20, 50)  # no leads: no lever on closing


def test_funnel_stages_are_told_apart_without_colour():
    figure = lesson.funnel_chart(20_000, 2.5, 40, 20, 50)
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels == [
        "reached\n(marketing)",
        "leads\n(marketing)",
        "qualified\n(sales)",
        "customers\n(sales)",
    ]


def test_missing_parts_and_message_preview():
    assert lesson.missing_parts({"what": "x", "problem": " ", "price": "€9"}) == ["problem", "who", "where"]
    text = lesson.message_html("returning customers", "a", "b", "c", "d", "e")
    assert "Complete" in text and "again" in text
    with pytest.raises(ValueError):
        lesson.message_html("everyone", "a", "b", "c", "d", "e")


def test_message_view_flags_then_clears_missing_parts():
    view = lesson.message_view()
    assert "Still missing" in view.html.value
    view.controls["price"].value = "€1,900 or €60 a month"
    view.controls["where"].value = "facility-manager forums"
    assert "Complete" in view.html.value


def test_sales_plan_has_the_four_parts():
    assert list(lesson.sales_plan()["part"]) == ["activities", "tools", "resources", "targets"]


@pytest.mark.parametrize("make", [lesson.independence_quiz, lesson.question_quiz])
def test_quizzes_give_feedback(make):
    quiz = make()
    assert isinstance(quiz, Quiz)
    quiz.choice.value = quiz.answer
    assert quiz.feedback.value.startswith("Right")
    wrong = next(o for o in quiz.choice.options if o != quiz.answer)
    quiz.choice.value = wrong
    assert quiz.feedback.value.startswith("Not yet")


def test_monthly_quota_rounds_up_and_rejects_no_margin():
    assert lesson.monthly_quota(24_000, 1_500, 3_000) == 18
    assert lesson.monthly_quota(1_000, 300) == 4
    with pytest.raises(ValueError):
        lesson.monthly_quota(1_000, 0)
    assert "<b>54 a quarter</b>" in lesson.quota_html(24_000, 1_500, 3_000)


def test_team_totals_per_month_and_quarter_agree():
    months, quarters = lesson.team_totals("M"), lesson.team_totals("Q")
    assert len(months) == 6 and list(quarters.index) == ["2026Q1", "2026Q2"]
    assert months["closed"].sum() == quarters["closed"].sum() == datasets.load("seller_deals")["value"].sum()
    assert (quarters["quota"] == 3 * months["quota"].iloc[0]).all()
    with pytest.raises(ValueError):
        lesson.team_totals("Y")


def test_team_view_switches_period():
    view = lesson.team_view()
    assert len(view.result[1].axes[0].patches) == 6
    assert "2026-05: €19,700 of €22,000 (90%, missed)" in view.html.value  # the opening story's May
    view.controls["period"].value = "Q"
    assert len(view.result[1].axes[0].patches) == 2
    assert "2026Q1: €77,600 of €66,000 (118%, met)" in view.html.value


def test_team_chart_says_met_or_missed_on_every_bar():
    texts = [t.get_text() for t in lesson.team_chart("M").axes[0].texts]
    assert texts == ["103% met", "123% met", "127% met", "114% met", "90% missed", "65% missed"]


def test_tactic_sorter_key_is_complete_and_balanced():
    assert set(lesson.TACTIC_KEY) == set(lesson.TACTIC_ITEMS) == set(lesson.TACTIC_WHY)
    assert sorted(lesson.TACTIC_KEY.values()).count("marketing") == 4
    sorter = lesson.tactic_sorter()
    assert isinstance(sorter, Sorter)
    for item, box in lesson.TACTIC_KEY.items():
        sorter.toggles[item].value = box
    sorter.toggles["focus"].value = "sales"
    sorter.check_button.click()
    assert "focus group" in html.unescape(sorter.feedback.value).lower()


def test_pool_crosstab_counts_every_contact():
    table = lesson.pool_crosstab()
    assert table.to_numpy().sum() == len(datasets.load("prospect_pool"))


def test_sla_table_names_who_broke_it():
    weeks = pd.DataFrame({"week": [1, 2, 3, 4], "leads": [50, 10, 50, 10], "qualified": [40, 9, 10, 1],
                          "followup_hours": [5, 5, 50, 50]})  # fmt: skip
    table = lesson.sla_table(weeks, min_leads=20, min_quality_pct=50, max_hours=24)
    assert list(table["broken by"]) == ["nobody", "marketing", "both", "both"]
    table = lesson.sla_table(weeks, min_leads=5, min_quality_pct=10, max_hours=24)
    assert list(table["broken by"]) == ["nobody", "nobody", "sales", "sales"]


def test_sla_view_scorecard_follows_the_promises():
    view = lesson.sla_view()
    assert "held in 3 of 8 weeks" in view.html.value
    view.controls["min_leads"].value = 0
    view.controls["min_quality_pct"].value = 0
    view.controls["max_hours"].value = 72
    assert "held in 8 of 8 weeks" in view.html.value


def test_win_rates_differ_from_win_counts():
    table = lesson.win_rates("source")
    assert table["wins"].idxmax() != table["win rate"].idxmax()
    assert table["deals"].sum() == len(datasets.load("shared_customers"))
    with pytest.raises(ValueError):
        lesson.win_rates("colour")


def test_shared_data_view_regroups():
    view = lesson.shared_data_view()
    assert len(view.result[1].axes[0].patches) == 4  # four lead sources
    assert "trade fair: 2 wins of 3 deals" in view.html.value
    view.controls["by"].value = "age_band"
    assert len(view.result[1].axes[0].patches) == 3
    assert "30-44" in view.html.value
