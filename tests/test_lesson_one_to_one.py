"""Lesson 5 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import html

import matplotlib
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import one_to_one as lesson
from mvs_course.widgets import Quiz

matplotlib.use("Agg")


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


def test_mention_shares_ignore_case():
    posts = pd.Series(["Warranty!", "no warranty here", "taste", "WARRANTY and taste"])
    assert lesson.mention_shares(posts, ["warranty", "taste", "noise"]) == {
        "warranty": 75.0,
        "taste": 50.0,
        "noise": 0.0,
    }
    assert lesson.mention_shares([], ["taste"]) == {"taste": 0.0}
    view = lesson.mentions_view()
    view.controls["keywords"].value = "clean"
    assert [p.get_height() for p in view.result.axes[0].patches] == [30.0]  # 3 of the 10 posts


def test_interest_table_sums_channels_and_breaks_ties():
    activity = datasets.load("prospect_activity")
    table = lesson.interest_table(activity, "Lina")
    assert list(table.index[:3]) == ["barista training", "sustainability", "warranty"]
    lina = activity[activity["prospect"] == "Lina"]
    assert table["total"].to_dict() == lina.groupby("topic")["visits"].sum().to_dict()
    assert list(table["total"]) == sorted(table["total"], reverse=True)
    toy = pd.DataFrame(
        {
            "prospect": ["p"] * 3,
            "channel": ["web", "mail", "web"],
            "topic": ["b", "a", "b"],
            "visits": [1, 2, 1],
        }
    )
    assert lesson.interest_table(toy, "p").to_dict("index") == {
        "a": {"mail": 2, "web": 0, "total": 2},
        "b": {"mail": 0, "web": 2, "total": 2},
    }
    with pytest.raises(ValueError):
        lesson.interest_table(activity, "Zoe")
    view = lesson.profile_view()
    assert "Lina" in view.html.value and "barista training, sustainability, warranty" in view.html.value
    view.controls["prospect"].value = "Omar"
    assert "<b>pricing, leasing, warranty</b>" in view.html.value


def test_value_offer_versus_discount():
    margins = lesson.discount_margins(1000, 600)
    assert list(margins.index) == list(range(41))
    assert margins[0] == 400 and margins[40] == 0 and margins[10] - margins[11] == 10
    assert lesson.discount_margins(99.99, 50, max_pct=10)[10] == 39.99
    with pytest.raises(ValueError):
        lesson.discount_margins(100, 50, max_pct=120)
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
    assert lesson.tco_by_year(offer, 1) == [135]
    assert lesson.tco_by_year(offer, 3) == [135, 155, 2 * 110 + 5 + 60]
    with pytest.raises(ValueError):
        lesson.tco_by_year(offer, 0)
    view = lesson.tco_view()
    view.controls["years"].value = 6
    assert view.result.axes[0].get_title().endswith("durable")


def test_risks_disappear_as_remedies_are_ticked():
    fixed = "price fixed for three years"
    assert lesson.risk_status(["costs may rise later"], [fixed]) == {"costs may rise later": fixed}
    assert lesson.risk_status(["b risk", "a risk"], [fixed]) == {"b risk": None, "a risk": None}
    with pytest.raises(ValueError):
        lesson.risk_status(["costs may rise later"], ["free coffee"])
    view = lesson.risk_view()
    assert "risk-free" not in view.html.value
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
