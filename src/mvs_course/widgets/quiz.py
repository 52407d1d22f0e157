"""Quiz: one multiple-choice question with an explanation for every option."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets


def quiz_feedback(choice: str | None, answer: str, explanations: Mapping[str, str]) -> str:
    """Feedback line for ``choice``: right or not yet, plus that option's explanation."""
    if choice is None:
        return "Pick an option first."
    verdict = "Right." if choice == answer else "Not yet."
    return f"{verdict} {explanations.get(choice, '')}".strip()


class Quiz(widgets.VBox):
    """A RadioButtons question; feedback appears as soon as an option is chosen.

    ``reveal`` (optional) returns HTML shown under the feedback once an option is chosen,
    whichever it is: what the learner could not see before committing to an answer.
    """

    def __init__(
        self,
        question: str,
        options: Mapping[str, str],
        answer: str,
        title: str = "Quick check",
        reveal: Callable[[str], str] | None = None,
    ) -> None:
        """``options`` maps each option text to its explanation; ``answer`` is one of them."""
        self.answer = answer
        self.explanations = dict(options)
        self.reveal = reveal
        self.choice = widgets.RadioButtons(
            options=list(options), value=None, description="", layout={"width": "max-content"}
        )
        self.feedback = widgets.HTML()
        self.choice.observe(self._on_choice, names="value")
        super().__init__([widgets.HTML(f"<b>{title}:</b> {question}"), self.choice, self.feedback])
        self.add_class("mvs-quiz")

    def _on_choice(self, change: dict) -> None:
        text = quiz_feedback(change["new"], self.answer, self.explanations)
        if self.reveal is not None and change["new"] is not None:
            text += self.reveal(change["new"])
        self.feedback.value = text
