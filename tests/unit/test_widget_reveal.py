"""The shared widgets' decide-then-reveal hooks and chart text alternatives, without a browser."""

from __future__ import annotations

import html

import ipywidgets as widgets

from mvs_course.widgets.live import LiveView
from mvs_course.widgets.quiz import Quiz
from mvs_course.widgets.sorter import Sorter


def test_sorter_reveals_the_consequence_only_when_every_item_is_sorted():
    seen = []
    sorter = Sorter(
        {"a": "first", "b": "second"},
        ["x", "y"],
        {"a": "x", "b": "y"},
        reveal=lambda choices: seen.append(dict(choices)) or "<p>REVEALED</p>",
        check_label="Decide",
    )
    assert sorter.check_button.description == "Decide"
    sorter.toggles["a"].value = "y"
    sorter.check_button.click()
    assert "REVEALED" not in sorter.feedback.value and "1 still to sort" in sorter.feedback.value
    sorter.toggles["b"].value = "y"
    sorter.check_button.click()
    assert sorter.feedback.value.endswith("<p>REVEALED</p>")  # revealed even when wrong
    assert "1 of 2" in html.unescape(sorter.feedback.value) and seen == [{"a": "y", "b": "y"}]
    assert sorter.labels["a"].value == "<span>first</span>"


def test_quiz_reveal_follows_any_committed_choice():
    quiz = Quiz(
        "Q?", {"yes": "because", "no": "not so"}, answer="yes", reveal=lambda c: f"<p>you said {c}</p>"
    )
    assert quiz.feedback.value == ""
    quiz.choice.value = "no"
    assert quiz.feedback.value.startswith("Not yet. not so") and quiz.feedback.value.endswith(
        "you said no</p>"
    )
    quiz.choice.value = "yes"
    assert quiz.feedback.value.startswith("Right.")


class FakeFigure:
    """Stands in for a chart: anything IPython can display."""

    def __repr__(self) -> str:
        return "chart"


def test_live_view_shows_a_chart_with_its_text_alternative():
    slider = widgets.IntSlider(value=1, description="n")
    view = LiveView(lambda n: (f"<p>{n} in words</p>", FakeFigure()), {"n": slider})
    assert view.html.value == "<p>1 in words</p>" and isinstance(view.result[1], FakeFigure)
    slider.value = 2
    assert view.html.value == "<p>2 in words</p>"


def test_live_view_text_only_and_chart_only_results():
    box = widgets.Dropdown(options=["a", "b"], description="x")
    view = LiveView(lambda x: f"<p>{x}</p>" if x == "a" else FakeFigure(), {"x": box})
    assert view.html.value == "<p>a</p>"
    box.value = "b"
    assert view.html.value == "" and isinstance(view.result, FakeFigure)
