"""Lesson 4 model functions, the widgets built on them, and the freshness of the simulated series."""

from __future__ import annotations

import make_campaign_series
import matplotlib
import pandas as pd
import pytest

from mvs_course import datasets
from mvs_course.lessons import pull_push as lesson
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


def test_time_split():
    assert lesson.time_split(40, 0.9) == (36.0, 4.0)
    assert lesson.time_split(40, 0) == (0, 40)
    with pytest.raises(ValueError):
        lesson.time_split(40, 90)


def test_week_view_redraws():
    view = lesson.week_view()
    view.controls["unhappy_pct"].value = 50
    labels = [t.get_text() for t in view.result.axes[0].texts]
    assert "20 h unhappy / 20 h happy" in labels


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
    view.controls["reveal"].value = "article 003"
    assert "article 003" in [t.get_text() for t in view.result.axes[0].get_legend().get_texts()]


def test_channel_metrics_from_the_data():
    metrics = lesson.channel_metrics()
    data = datasets.load("channel_funnel").set_index("channel")
    assert (
        metrics.loc["social_ads", "cost_per_lead"]
        == data.loc["social_ads", "spend"] / data.loc["social_ads", "leads"]
    )
    assert metrics["conversion_rate"].idxmax() == "cold_calls"
    toy = pd.DataFrame(
        {
            "channel": ["a"],
            "approach": ["pull"],
            "spend": [100],
            "leads": [4],
            "customers": [1],
            "revenue": [300],
        }
    )
    assert lesson.channel_metrics(toy).loc["a"].tolist() == ["pull", 25.0, 0.25, 3.0]


def test_call_feedback():
    cue, move = next(iter(lesson.CUES.items()))
    assert "Good read" in lesson.cue_feedback(cue, move)
    other = next(m for m in lesson.CUES.values() if m != move)
    assert "something else" in lesson.cue_feedback(cue, other)


def test_activity_scales_linearly():
    assert lesson.expected_deals(200, 0.25, 0.4, 0.25) == 5.0
    assert lesson.expected_deals(400, 0.25, 0.4, 0.25) == 10.0
    assert "about <b>2.5 deals</b>" in lesson.activity_view().html.value


def test_campaign_starts_behind_and_catches_up():
    totals = lesson.cumulative()
    assert totals.loc[4, "calls"] > totals.loc[4, "campaign"]
    assert totals.loc[26, "campaign"] > totals.loc[26, "calls"]
    week = lesson.crossover_week()
    assert totals.loc[week, "campaign"] >= totals.loc[week, "calls"]
    assert totals.loc[week - 1, "campaign"] < totals.loc[week - 1, "calls"]
    flat = pd.DataFrame({"week": [1, 2], "calls_net": [5, 5], "campaign_net": [1, 1]})
    assert lesson.crossover_week(flat) is None


def test_horizon_view_names_the_leader():
    view = lesson.horizon_view()
    assert "the calls are ahead" in view.result.axes[0].get_title()
    view.controls["horizon"].value = 26
    assert "the campaign is ahead" in view.result.axes[0].get_title()


def test_funnel_owner_follows_the_article():
    assert lesson.STAGE_OWNER == {"leads": "marketing", "qualified": "sales", "customers": "sales"}
    view = lesson.funnel_view()
    view.controls["channel"].value = "newsletter"
    assert "newsletter" in view.result.axes[0].get_title()


def test_blame_quiz_answer_is_sales():
    quiz = lesson.blame_quiz()
    assert isinstance(quiz, Quiz)
    quiz.choice.value = "Sales'"
    assert quiz.feedback.value.startswith("Right")
