"""Lesson 4 model functions, the widgets built on them, and the freshness of the simulated series."""

from __future__ import annotations

import re
from pathlib import Path

import make_campaign_series
import matplotlib
import nbformat
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import pull_push as lesson
from mvs_course.lessons import tryit
from mvs_course.widgets import Quiz

matplotlib.use("Agg")


def test_campaign_series_csv_is_fresh():
    assert make_campaign_series.main(["--check"]) == 0, "run python tools/make_campaign_series.py"


def test_campaign_series_depends_on_the_seed():
    assert make_campaign_series.render(1) != make_campaign_series.render(2)
    assert make_campaign_series.render(7) == make_campaign_series.render(7)


def test_credit_rule_changes_the_winner_not_the_total():
    table = lesson.credited_revenue(lesson.DEALS)
    assert list(table.index) == ["marketing", "sales"] and list(table.columns) == [
        "first touch",
        "last touch",
    ]
    first, last = table["first touch"], table["last touch"]
    assert first["marketing"] > first["sales"] and last["sales"] > last["marketing"]
    assert first.sum() == last.sum() == lesson.DEALS["revenue"].sum()
    one_sided = pd.DataFrame({"first_touch": ["sales"], "last_touch": ["sales"], "revenue": [500]})
    assert lesson.credited_revenue(one_sided).to_dict() == {
        "first touch": {"marketing": 0, "sales": 500},
        "last touch": {"marketing": 0, "sales": 500},
    }
    with pytest.raises(ValueError):
        lesson.credit_html("middle")


def test_credit_view_follows_the_toggle():
    view = lesson.credit_view()
    assert "<b>marketing</b> 'won'" in view.html.value
    assert "marketing: €16,000" in view.html.value  # D1, D2, D3, D5 and D6 start with marketing
    view.controls["rule"].value = "last"
    assert "<b>sales</b> 'won'" in view.html.value


def test_week_view_the_marketer_chooses_the_seller_does_not():
    """Deciding whom to feature: the marketer's picks look rosy, the seller's full week does not."""
    happy = list(lesson.CONTACTS.nlargest(3, "rating")["customer"])
    table = lesson.week_summary(happy)
    assert table.loc["marketer", "unhappy"] == 0 and table.loc["marketer", "mean rating"] == 5
    seller = table.loc["seller"]
    assert seller["contacts"] == len(lesson.CONTACTS) and seller["unhappy"] == 6
    assert pd.isna(lesson.week_summary([]).loc["marketer", "mean rating"])
    with pytest.raises(ValueError, match="not in this week"):
        lesson.week_summary(["Zoe"])
    view = lesson.week_view()
    assert "Tick the customers" in view.html.value
    for name in happy:
        view.controls[name].value = True
    assert "<b>0</b> of them unhappy" in view.html.value and "<b>6</b> unhappy" in view.html.value
    view.controls["Bea"].value = True  # an unhappy customer in the story changes the marketer's line
    assert "<b>1</b> of them unhappy" in view.html.value


@pytest.mark.parametrize("mode", ["pull", "push"])
def test_pull_and_push_meet_at_the_end(mode):
    start = lesson.pull_push_positions(mode, 0)
    end = lesson.pull_push_positions(mode, lesson.TRACK // 2)
    assert start == {"customer": 0, "seller": lesson.TRACK}
    assert end["customer"] == end["seller"]
    mover = "customer" if mode == "pull" else "seller"
    still = "seller" if mode == "pull" else "customer"
    assert end[mover] != start[mover]
    assert abs(end[still] - start[still]) <= 1, "only one side should walk"


def test_pull_push_view_animates():
    view = lesson.pull_push_view()
    view.controls["mode"].value = "push"
    view.controls["step"].value = 3
    assert "seller moves toward the customer" in view.html.value
    with pytest.raises(ValueError):
        lesson.pull_push_positions("shove", 1)


def test_spectrum_reveals_the_reversal():
    table = lesson.spectrum_table(dict.fromkeys(lesson.SPECTRUM, 5))
    marketing = table[table["side"] == "marketing"]
    sales = table[table["side"] == "sales"]
    assert marketing["article 003"].mean() > sales["article 003"].mean()
    assert marketing["common saying"].mean() < sales["common saying"].mean()
    view = lesson.spectrum_view()
    assert "article 003" not in view.html.value.split("<figure")[0]  # nothing revealed before the choice
    view.controls["reveal"].value = "article 003"
    text = view.html.value.split("<figure")[0]
    assert "<th>article 003</th>" in text and "alt='Art (0) to science (10)" in view.html.value


def test_metric_ranking_names_each_channel_and_its_approach():
    cheapest = lesson.metric_ranking("cost_per_lead")
    assert cheapest.iloc[0]["channel"] == "social_ads" and cheapest["value"].is_monotonic_increasing
    converts = lesson.metric_ranking("conversion_rate")
    assert converts.iloc[0]["channel"] == "cold_calls" and converts.iloc[0]["approach"] == "push"
    view = lesson.metric_view()
    view.controls["metric"].value = "revenue_per_euro"
    assert "Best on revenue per euro: <b>blog_articles</b> (pull)" in view.html.value
    with pytest.raises(ValueError):
        lesson.metric_ranking("likes")


def test_calls_reward_reading_the_buyer_not_the_script():
    best = lesson.call_results(lesson.BEST_MOVE)
    assert best["went well"].all()
    script = lesson.call_results(dict.fromkeys(lesson.BUYERS, "script"))
    assert not script["went well"].any()
    mixed = lesson.call_results({**lesson.BEST_MOVE, "rushed": "deep"})
    assert mixed["went well"].sum() == 3
    assert "misses the cue (keeps checking the time)" in " ".join(mixed["what happened"])
    with pytest.raises(ValueError):
        lesson.call_results({"bored": "shout"})


def test_call_round_reveals_only_when_the_calls_are_made():
    view = lesson.call_view()
    view.make_calls()
    assert "Choose a move for each" in view.result.value
    for buyer, move in lesson.BEST_MOVE.items():
        view.moves[buyer].value = move
    assert "Plan ready" in view.result.value and "went well" not in view.result.value
    view.button.click()
    assert "<b>4 of 4</b> went well" in view.result.value and "standard pitch to all four: 0 of 4" in (
        view.result.value
    )
    view.moves["cheerful"].value = "script"
    assert "Press the button" in view.result.value
    view.button.click()
    assert "<b>3 of 4</b>" in view.result.value and "the mood cools" in view.result.value


def test_activity_is_the_lever_only_while_there_are_leads():
    full = lesson.activity_outcome(200, 400)
    assert full["deals"] == 5.0 and full["target_met"] and full["reachable"]
    assert lesson.activity_outcome(400, 400)["deals"] == 10.0
    dry = lesson.activity_outcome(400, 40)
    assert dry == {
        "useful_calls": 40,
        "wasted_calls": 360,
        "deals": 1.0,
        "target_met": False,
        "reachable": False,
    }
    with pytest.raises(ValueError):
        lesson.activity_outcome(-1, 10)
    view = lesson.activity_view()
    view.controls["calls"].value = 200
    assert "Target met" in view.html.value and "activity is the lever" in view.html.value
    view.controls["lead_list"].value = "the lead list has run dry (40)"
    assert "Target missed" in view.html.value and "marketing problem" in view.html.value
    assert "160 calls went to people who had already said no" in view.html.value


def test_campaign_starts_behind_and_catches_up():
    totals = lesson.cumulative()
    assert totals.loc[4, "calls"] > totals.loc[4, "campaign"]
    assert totals.loc[26, "campaign"] > totals.loc[26, "calls"]
    toy = pd.DataFrame({"week": [1, 2], "calls_net": [5, 5], "campaign_net": [-1, 9]})
    assert lesson.cumulative(toy).to_dict("list") == {"calls": [5, 10], "campaign": [-1, 8]}


def test_horizon_view_names_the_leader_in_words():
    view = lesson.horizon_view()
    assert "the calls are ahead" in view.html.value and "<img" in view.html.value
    view.controls["horizon"].value = 26
    assert "the campaign is ahead" in view.html.value


def test_funnel_credits_leads_to_whoever_found_them():
    """Push channels' leads are found by sellers; only pull channels' leads are marketing's."""
    fair = lesson.funnel_table("trade_fair")
    assert fair.loc[fair["stage"] == "leads", "side"].tolist() == ["sales"]
    search = lesson.funnel_table("search_ads")
    assert search.loc[search["stage"] == "leads", "side"].tolist() == ["marketing"]
    everything = lesson.funnel_table("all").set_index(["stage", "side"])["count"]
    data = datasets.load("channel_funnel")
    assert everything["leads", "marketing"] == data.loc[data["approach"] == "pull", "leads"].sum()
    assert everything["leads", "sales"] == data.loc[data["approach"] == "push", "leads"].sum()
    assert everything["customers", "sales"] == data["customers"].sum()
    view = lesson.funnel_view()
    view.controls["channel"].value = "cold_calls"
    assert "leads 30 by sales" in view.html.value
    with pytest.raises(ValueError):
        lesson.funnel_table("radio")


def test_blame_quiz_answer_is_sales_and_speaks_only_for_003():
    quiz = lesson.blame_quiz()
    assert isinstance(quiz, Quiz)
    assert not any("002" in why for why in quiz.explanations.values())  # 002 says nothing on leads
    quiz.choice.value = "Sales'"
    assert quiz.feedback.value.startswith("Right")


@pytest.mark.parametrize("key", ["04-credit", "04-lowest", "04-qualified", "04-window", "04-first-positive"])
def test_try_it_answers_come_from_the_lesson_data(key):
    expected = tryit.exercises()[key].expected()
    assert tryit.is_right(key, expected) and not tryit.is_right(key, "something else")


def test_try_it_values():
    assert tryit.is_right("04-credit", 0.921)  # 17,500 of 19,000 euro end with a seller
    assert tryit.is_right("04-lowest", 1.25)  # ratings 1, 1, 1, 2
    assert tryit.is_right("04-window", -4649) and tryit.is_right("04-first-positive", 9)
    assert tryit.is_right(
        "04-qualified",
        {
            "search_ads": 0.5,
            "social_ads": 0.333,
            "blog_articles": 0.6,
            "newsletter": 0.4,
            "trade_fair": 0.6,
            "cold_calls": 0.6,
        },
    )
    assert tryit.is_right("04-clean", ["marketing", "sales", "marketing"])


def test_every_try_it_check_in_the_notebook_is_registered_and_used():
    nb = nbformat.read(
        Path(__file__).resolve().parents[1] / "course" / "04_pull_push_art_science.ipynb", as_version=4
    )
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    used = set(re.findall(r'check\("(04-[a-z-]+)"', code))
    registered = {key for key in tryit.exercises() if key.startswith("04-")}
    assert used == registered and len(used) >= 5
    headings = [c for c in nb.cells if "## Try it" in c.source]
    assert headings and "try-it" in headings[0].metadata.get("tags", [])
