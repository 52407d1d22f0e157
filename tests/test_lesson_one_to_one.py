"""Lesson 5 model functions and the widgets built on them, without a browser."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import one_to_one as lesson
from mvs_course.lessons import tryit
from mvs_course.widgets import Quiz

matplotlib.use("Agg")


def test_hierarchy_quiz_rejects_sales_under_marketing():
    quiz = lesson.hierarchy_quiz()
    assert isinstance(quiz, Quiz)
    quiz.choice.value = "Sales is the part of marketing that closes"
    assert quiz.feedback.value.startswith("Not yet")


def test_reach_mode_decides_the_side_not_the_audience_size():
    """At an audience of one, a broadcast is still one-to-many: the mode names the side."""
    assert "how <b>marketing</b> works" in lesson.reach_html("one-to-many", 1)
    assert "how <b>sales</b> works" in lesson.reach_html("one-to-one", 1)
    assert "and 4,940 more" in lesson.reach_html("one-to-many", 5000)
    many, one = lesson.reach_plan("one-to-many", 5000), lesson.reach_plan("one-to-one", 5000)
    assert many["hours"] == 1 and one["hours"] == 2500 and one["fitted"] == "to each person"
    with pytest.raises(ValueError):
        lesson.reach_html("few-to-few", 3)
    with pytest.raises(ValueError):
        lesson.reach_plan("one-to-one", 0)
    view = lesson.reach_view()
    view.controls["mode"].value = "one-to-one"
    assert "40 conversations" in view.html.value and "20.0 hours" in view.html.value


def test_every_promise_is_kept_by_one_sales_action_only():
    for promise, spec in lesson.PROMISES.items():
        kept = [a for a in spec["actions"] if lesson.promise_outcome(promise, a)["kept"]]
        assert len(kept) == 1, promise
    with pytest.raises(ValueError):
        lesson.promise_outcome("free coffee forever", "smile")
    with pytest.raises(ValueError):
        lesson.promise_outcome("Service within 24 hours", "smile")


def test_promise_view_waits_for_the_decision_then_shows_the_consequence():
    view = lesson.promise_view()
    assert "What do you do?" in view.html.value and "Promise" not in view.html.value.split("</i>")[1]
    view.action.value = "point to the service page in the brochure"
    assert "Promise broken." in view.html.value
    view.action.value = "send a technician or a loan machine before noon"
    assert "Promise kept." in view.html.value
    view.promise.value = "Easy for any employee"
    assert view.action.value is None and "What do you do?" in view.html.value  # a new test, a new decision
    assert "arrange a half-hour training for the night shift" in view.action.options


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
    view = lesson.segment_view()
    assert "+3,000 from the cafe average of 6,000" in view.html.value
    assert "keeping its own coffee blend" in view.html.value and "alt='Budgets in the cafe" in view.html.value
    view.controls["customer"].value = "Dune Lodge"
    assert "+0 from the hotel average" in view.html.value
    with pytest.raises(ValueError):
        lesson.segment_html("Nobody")


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
    assert "clean 30%" in view.html.value  # 3 of the 10 posts
    view.controls["keywords"].value = " , "
    assert "Type some keywords" in view.html.value


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


def test_worth_to_the_buyer_decides_whether_the_value_offer_wins():
    """The extras' worth to the buyer (not only their cost to you) changes the verdict."""
    none = lesson.offer_outcome([])
    assert none["buyer takes"] == "discount" and none["your margin"] == 250
    good = lesson.offer_outcome(["a year of descaling tablets", "a barista course for two staff"])
    assert good["buyer takes"] == "value offer" and good["your margin"] == 340  # 1000 - 600 - 60
    cups = lesson.offer_outcome(["a box of branded cups", "free delivery"])  # cost 55, worth 40 < 150
    assert cups["buyer takes"] == "discount" and cups["your margin"] == 250
    cheap_but_worthless = lesson.offer_outcome(["a box of branded cups"], discount_pct=1)
    assert cheap_but_worthless["buyer takes"] == "value offer"  # worth 10 >= a 10-euro discount
    with pytest.raises(ValueError):
        lesson.offer_outcome(["a free holiday"])


def test_offer_view_follows_the_ticked_extras():
    view = lesson.offer_view()
    assert "takes <b>the discount</b>" in view.html.value
    view.controls["a barista course for two staff"].value = True
    assert "takes <b>your value offer</b>" in view.html.value and "+110 against matching" in view.html.value
    view.controls["a third year of warranty"].value = True
    assert "+60 against matching" in view.html.value


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
    assert "the cheapest to own is <b>durable</b>; the cheapest to buy is budget" in view.html.value


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
    assert all(lesson.plumb_check(lesson.CAMPAIGN).values())
    assert lesson.plumb_check("A RELIABLE machine") == {
        "reliable": True,
        "local service": False,
        "fair price": False,
    }
    view = lesson.plumb_view()
    assert "never says: local service, fair price." in view.html.value
    view.controls["pitch"].value = "Reliable, with local service, at a fair price, for your café."
    assert "Same plumb line" in view.html.value


def test_try_it_values():
    assert tryit.is_right("05-chain", ["brand team", "marketing", "ceo"])
    assert tryit.is_right("05-cups", "Hotel Miramar")  # 400 cups against a hotel mean of 517.5
    assert tryit.is_right("05-mentions", {"machine": 2, "coffee": 3})
    assert tryit.is_right("05-channels", ["website", "linkedin"])
    assert tryit.is_right("05-margin", 120.0)
    assert tryit.is_right("05-purchases", {"budget": 3, "midrange": 2, "durable": 1})
    assert tryit.is_right("05-uncovered", ["costs may rise later", "nobody will know how to use it"])
    assert tryit.is_right("05-plumb", [False, True, False])
    assert not tryit.is_right("05-plumb", [True, True, True])


def test_every_try_it_check_in_the_notebook_is_registered_and_used():
    nb = nbformat.read(
        Path(__file__).resolve().parents[1] / "course" / "05_one_to_many_one_to_one.ipynb", as_version=4
    )
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    used = set(re.findall(r'check\("(05-[a-z-]+)"', code))
    registered = {key for key in tryit.exercises() if key.startswith("05-")}
    assert used == registered and len(used) >= 5
    headings = [c for c in nb.cells if "## Try it" in c.source]
    assert headings and "try-it" in headings[0].metadata.get("tags", [])
