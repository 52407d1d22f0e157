"""Lesson 5 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import html

import matplotlib
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import one_to_one as lesson
from mvs_course.widgets import Quiz, Sorter

matplotlib.use("Agg")


@pytest.mark.parametrize("maker", [lesson.duty_sorter, lesson.message_sorter])
def test_sorters_have_a_key_for_every_item(maker):
    sorter = maker()
    assert isinstance(sorter, Sorter) and set(sorter.key) == set(sorter.items)
    for item, box in sorter.key.items():
        sorter.toggles[item].value = box
    sorter.check_button.click()
    assert "All sorted" in html.unescape(sorter.feedback.value)


def test_hierarchy_quiz_rejects_sales_under_marketing():
    quiz = lesson.hierarchy_quiz()
    assert isinstance(quiz, Quiz)
    quiz.choice.value = "Sales is the part of marketing that closes"
    assert quiz.feedback.value.startswith("Not yet")


def test_reach_modes():
    assert "typical of <b>marketing</b>" in lesson.reach_html("one-to-many", 500)
    assert "typical of <b>sales</b>" in lesson.reach_html("one-to-one", 500)
    assert "and 4,940 more" in lesson.reach_html("one-to-many", 5000)
    with pytest.raises(ValueError):
        lesson.reach_html("few-to-few", 3)
    view = lesson.reach_view()
    view.controls["mode"].value = "one-to-one"
    assert "1 receiver)" in view.html.value


def test_every_promise_has_a_sales_moment():
    view = lesson.promise_view()
    for promise in lesson.PROMISES:
        view.controls["promise"].value = promise
        assert lesson.PROMISES[promise] in html.unescape(view.html.value)
    with pytest.raises(ValueError):
        lesson.promise_html("free coffee forever")


def test_cold_accounts_threshold():
    customers = datasets.load("segment_customers")
    cold = lesson.cold_accounts(customers, 30)
    assert (cold["last_contact_days"] > 30).all()
    assert len(cold) == (customers["last_contact_days"] > 30).sum()
    assert list(cold["last_contact_days"]) == sorted(cold["last_contact_days"], reverse=True)
    view = lesson.relationship_view()
    view.controls["days"].value = 90
    assert "Every customer heard" in view.html.value


def test_averages_hide_the_individual():
    means = lesson.segment_means()
    assert means.to_dict() == {"cafe": 6000, "hotel": 10000, "office": 2000}
    assert lesson.deviation("Harbour Roastery") == 3000
    assert lesson.deviation("Two-Desk Startup") == -1500
    toy = pd.DataFrame({"customer": ["a", "b"], "segment": ["s", "s"], "annual_budget": [1, 3]})
    assert lesson.deviation("a", toy) == -1
    with pytest.raises(ValueError):
        lesson.deviation("Nobody")
    view = lesson.segment_view()
    view.controls["customer"].value = "Dune Lodge"
    assert "+0 euro" in view.result.axes[0].get_title()


def test_mention_counts_ignore_case():
    posts = pd.Series(["Warranty!", "no warranty here", "taste", "WARRANTY and taste"])
    assert lesson.mention_counts(posts, ["warranty", "taste", "noise"]) == {
        "warranty": 3,
        "taste": 2,
        "noise": 0,
    }
    view = lesson.mentions_view()
    view.controls["keywords"].value = "clean"
    assert [p.get_height() for p in view.result.axes[0].patches] == [3]


def test_top_interests_sum_visits_and_break_ties():
    activity = datasets.load("prospect_activity")
    assert lesson.top_interests(activity, "Lina") == ["barista training", "sustainability", "warranty"]
    assert lesson.top_interests(activity, "Omar", 1) == ["pricing"]
    with pytest.raises(ValueError):
        lesson.top_interests(activity, "Zoe")
    view = lesson.profile_view()
    assert "Lina" in view.html.value and "barista training, sustainability, warranty" in view.html.value
    view.controls["prospect"].value = "Omar"
    assert "<b>pricing, leasing, warranty</b>" in view.html.value


def test_value_offer_versus_discount():
    assert lesson.margin_after_discount(1000, 600, 15) == 250
    assert lesson.margin_with_bonus(1000, 600, 60) == 340
    view = lesson.offer_view()
    assert "<b>the value offer</b>" in view.html.value
    view.controls["bonus_cost"].value = 300
    assert "<b>the discount</b>" in view.html.value


@pytest.mark.parametrize(("years", "winner"), [(2, "budget"), (4, "midrange"), (6, "durable")])
def test_cheapest_to_own_changes_with_the_horizon(years, winner):
    table = lesson.tco_table(years)
    assert table.index[0] == winner
    assert table["sticker price"].idxmin() == "budget"


def test_tco_counts_replacements_and_yearly_support():
    offer = {
        "price": 100,
        "delivery": 10,
        "warranty": 0,
        "training": 5,
        "support_per_year": 20,
        "lifetime_years": 2,
    }
    assert lesson.tco(offer, 1) == 135
    assert lesson.tco(offer, 3) == 2 * 110 + 5 + 60
    with pytest.raises(ValueError):
        lesson.tco(offer, 0)
    view = lesson.tco_view()
    view.controls["years"].value = 6
    assert view.result.axes[0].get_title().endswith("durable")


def test_risks_disappear_as_remedies_are_ticked():
    assert lesson.uncovered_risks(["costs may rise later"], ["price fixed for three years"]) == []
    assert lesson.uncovered_risks(["b risk", "a risk"], []) == ["a risk", "b risk"]
    view = lesson.risk_view()
    for name in ("loan machine during repairs", "staff training included", "price fixed for three years"):
        view.controls[name].value = True
    assert "risk-free" in view.html.value


def test_plumb_line_check():
    assert lesson.missing_terms(lesson.CAMPAIGN) == []
    assert lesson.missing_terms("A RELIABLE machine") == ["local service", "fair price"]
    view = lesson.plumb_view()
    assert "drifts" in view.html.value
    view.controls["pitch"].value = "Reliable, with local service, at a fair price, for your café."
    assert "Same plumb line" in view.html.value
