"""Quiz: one multiple-choice question with an explanation for every option."""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets


def quiz_feedback(choice: str | None, answer: str, explanations: Mapping[str, str]) -> str:
    """Feedback line for ``choice``: right or not yet, plus that option's explanation."""
    if choice is None:
        return "Pick an option first."
    verdict = "Right." if choice == answer else "Not yet."
    return f"{verdict} {explanations.get(choice, '')}".strip()


class Quiz(widgets.VBox):
    """A RadioButtons question; feedback appears as soon as an option is chosen."""

    def __init__(
        self, question: str, options: Mapping[str, str], answer: str, title: str = "Quick check"
    ) -> None:
        """``options`` maps each option text to its explanation; ``answer`` is one of them."""
        self.answer = answer
        self.explanations = dict(options)
        self.choice = widgets.RadioButtons(
            options=list(options), value=None, description="", layout={"width": "max-content"}
        )
        self.feedback = widgets.HTML()
        self.choice.observe(self._on_choice, names="value")
        super().__init__([widgets.HTML(f"<b>{title}:</b> {question}"), self.choice, self.feedback])
        self.add_class("mvs-quiz")

    def _on_choice(self, change: dict) -> None:
        self.feedback.value = quiz_feedback(change["new"], self.answer, self.explanations)
