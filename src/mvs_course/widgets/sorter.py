"""Sorter: put each statement into one of a few boxes, then check the sorting."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets


@dataclass(frozen=True)
class SortReport:
    """Outcome of a sorting: how many were right, which were wrong, which were left open."""

    correct: int
    total: int
    wrong: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.correct == self.total

    def summary(self) -> str:
        text = f"{self.correct} of {self.total} sorted as the lesson would."
        if self.unanswered:
            text += f" {len(self.unanswered)} still to sort."
        return text


def grade_sort(choices: Mapping[str, str | None], key: Mapping[str, str]) -> SortReport:
    """Compare the learner's ``choices`` (item id -> box) with the ``key``."""
    wrong = [i for i in key if choices.get(i) is not None and choices[i] != key[i]]
    unanswered = [i for i in key if choices.get(i) is None]
    correct = sum(1 for i in key if choices.get(i) == key[i])
    return SortReport(correct, len(key), wrong, unanswered)


def reasons_by_box(key: Mapping[str, str], reasons: Mapping[str, str]) -> dict[str, str]:
    """One explanation per item from one explanation per box: ``{item: reasons[key[item]]}``."""
    return {item: reasons[box] for item, box in key.items() if box in reasons}


class Sorter(widgets.VBox):
    """One row of toggle buttons per statement; 'Check' shows a score and explanations.

    ``items`` maps an id to the statement text, ``key`` maps the id to its box and
    ``why`` (optional) maps the id to a one-line explanation shown after checking.
    ``reveal`` (optional) turns the learner's choices into HTML shown under the score once
    every item is sorted: the consequence of the decision (commit first, then reveal).
    """

    def __init__(
        self,
        items: Mapping[str, str],
        boxes: Sequence[str],
        key: Mapping[str, str],
        why: Mapping[str, str] | None = None,
        title: str = "Sort the statements",
        reveal: Callable[[dict[str, str | None]], str] | None = None,
        check_label: str = "Check my sorting",
    ) -> None:
        self.items = dict(items)
        self.key = dict(key)
        self.why = dict(why or {})
        self.reveal = reveal
        self.toggles: dict[str, widgets.ToggleButtons] = {}
        self.labels: dict[str, widgets.HTML] = {}
        rows = []
        for item_id, text in items.items():
            toggle = widgets.ToggleButtons(
                options=list(boxes),
                value=None,
                tooltips=[f"'{text}' belongs to {b}" for b in boxes],
                style={"button_width": "auto"},
                layout=widgets.Layout(margin="0 0 0 1em"),
            )
            toggle.add_class("mvs-sorter-choice")
            self.toggles[item_id] = toggle
            label = widgets.HTML(f"<span>{text}</span>", layout=widgets.Layout(width="45%"))
            self.labels[item_id] = label
            rows.append(widgets.HBox([label, toggle], layout=widgets.Layout(align_items="center")))
        self.check_button = widgets.Button(
            description=check_label,
            button_style="primary",
            tooltip="Compare your sorting with the lesson's",
            icon="check",
            layout=widgets.Layout(width="auto"),
        )
        self.feedback = widgets.HTML(layout=widgets.Layout(min_height="2em"))
        self.feedback.add_class("mvs-feedback")
        self.check_button.on_click(self._on_check)
        super().__init__(
            [widgets.HTML(f"<b>{title}</b>"), *rows, self.check_button, self.feedback],
            layout=widgets.Layout(border="1px solid var(--jp-border-color2)", padding="8px"),
        )
        self.add_class("mvs-sorter")

    @property
    def choices(self) -> dict[str, str | None]:
        return {item_id: toggle.value for item_id, toggle in self.toggles.items()}

    def report(self) -> SortReport:
        return grade_sort(self.choices, self.key)

    def _on_check(self, _button: widgets.Button | None = None) -> None:
        report = self.report()
        lines = [report.summary()]
        for item_id in report.wrong:
            hint = self.why.get(item_id, "")
            lines.append(f"Not yet: '{self.items[item_id]}'. {hint}".rstrip())
        if report.done:
            lines.append("All sorted. Well done!")
        text = "<br>".join(html.escape(line) for line in lines)
        if self.reveal is not None and not report.unanswered:
            text += self.reveal(self.choices)
        self.feedback.value = text
