"""Progress on the start page: each assignment and which of its checks passed when last run."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets

from ..checks.core import load_all
from ..checks.progress import load_progress, summary
from ..workspace import WorkspaceError, find_exercises, work_notebooks


def _saved_after(exercises: Path | None, assignment: str, last_check: str | None) -> bool:
    if exercises is None or last_check is None:
        return False
    stamp = datetime.fromisoformat(last_check).timestamp()
    return any(p.stat().st_mtime > stamp + 1 for p in work_notebooks(exercises / assignment))


def progress_table(exercises: Path | None = None) -> str:
    """The progress view as an HTML table (plain text marks, readable in both themes)."""
    try:
        exercises = exercises or find_exercises()
    except WorkspaceError:
        exercises = None
    rows = summary(load_all(), load_progress())
    if not rows:
        return "<p>No checks are installed yet.</p>"
    lines = [
        "<table class='mvs-progress'><caption>Your checks, as last run</caption>",
        "<tr><th scope='col'>Assignment</th><th scope='col'>Passed</th><th scope='col'>Checks</th></tr>",
    ]
    for row in rows:
        marks = []
        for grade_id in row["checks"]:
            mark = (
                "✔ right"
                if grade_id in row["passed"]
                else "✘ not yet"
                if grade_id in row["not_yet"]
                else "– not run"
            )
            marks.append(f"{html.escape(grade_id)}: {mark}")
        note = ""
        if _saved_after(exercises, row["assignment"], row["last_check"]):
            note = "<br><small>Changed since the last check: run its check cells again.</small>"
        when = row["last_check"] or ""
        if when:
            when = datetime.fromisoformat(when).astimezone(UTC).strftime("%H:%M UTC")
            note = f"<br><small>last check {when}</small>{note}"
        lines.append(
            f"<tr><td>{html.escape(row['assignment'])}{note}</td>"
            f"<td>{len(row['passed'])} of {len(row['checks'])}</td><td>{'<br>'.join(marks)}</td></tr>"
        )
    return "\n".join([*lines, "</table>"])


class ProgressView(widgets.VBox):
    """The progress table with a Refresh button."""

    def __init__(self) -> None:
        self.table = widgets.HTML(progress_table())
        self.table.add_class("mvs-progress-view")
        self.button = widgets.Button(
            description="Refresh progress",
            icon="refresh",
            tooltip="Read the latest check results again",
            layout=widgets.Layout(width="auto"),
        )
        self.button.on_click(self.refresh)
        super().__init__([self.button, self.table])

    def refresh(self, _button: widgets.Button | None = None) -> None:
        self.table.value = progress_table()


def progress_view() -> ProgressView:
    """Start-page widget: which checks of each assignment passed when you last ran them."""
    return ProgressView()
