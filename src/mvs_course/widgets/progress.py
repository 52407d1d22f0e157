"""Progress on the start page: each assignment and which of its checks passed when last run."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets

from ..checks.core import load_all
from ..checks.progress import load_progress, summary
from ..checks.rerun import rerun_in_subprocess
from ..workspace import WorkspaceError, assignments, find_exercises, work_notebooks


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
    """The progress table with a Refresh button and a button that runs every check again."""

    def __init__(self, exercises: Path | None = None) -> None:
        self.exercises = exercises
        self.table = widgets.HTML(progress_table(exercises))
        self.table.add_class("mvs-progress-view")
        self.button = widgets.Button(
            description="Refresh progress",
            icon="refresh",
            tooltip="Read the latest check results again",
            layout=widgets.Layout(width="auto"),
        )
        self.rerun_button = widgets.Button(
            description="Run my checks now",
            icon="play",
            tooltip="Run every saved exercise notebook in the background and record its checks",
            layout=widgets.Layout(width="auto"),
        )
        self.status = widgets.HTML()
        self.button.on_click(self.refresh)
        self.rerun_button.on_click(self.rerun)
        super().__init__([widgets.HBox([self.button, self.rerun_button]), self.status, self.table])

    def refresh(self, _button: widgets.Button | None = None) -> None:
        self.table.value = progress_table(self.exercises)

    def rerun(self, _button: widgets.Button | None = None) -> str:
        """Run the check cells of every saved exercise notebook, then refresh the table."""
        self.status.value = "<i>Running your saved notebooks (a few seconds each)…</i>"
        try:
            exercises = self.exercises or find_exercises()
        except WorkspaceError as error:
            self.status.value = html.escape(str(error))
            return str(error)
        paths = [p for a in assignments(exercises) for p in work_notebooks(exercises / a)]
        message = rerun_in_subprocess(paths)
        self.status.value = html.escape(message) + " Unsaved changes are not included."
        self.refresh()
        return message


def progress_view() -> ProgressView:
    """Start-page widget: which checks of each assignment passed when you last ran them."""
    return ProgressView()
