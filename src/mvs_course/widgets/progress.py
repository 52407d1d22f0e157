"""Progress on the start page: each assignment and which of its checks passed when last run.

Works in both layouts of :mod:`mvs_course.workspace`. The check data, the progress store and
the notebook runner (pandas, nbformat, nbclient) are imported when the view is built or a
button is pressed, not when this module is imported.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets

from ..workspace import Work, find_work


def _saved_after(copies: list[Work], last_check: str | None) -> bool:
    if not copies or last_check is None:
        return False
    stamp = datetime.fromisoformat(last_check).timestamp()
    return copies[0].saved() > stamp + 1


def progress_table(
    exercises: Path | None = None, *, start: Path | None = None, home: Path | None = None
) -> str:
    """The progress view as an HTML table (plain text marks, readable in both themes)."""
    from ..checks.core import load_all
    from ..checks.progress import load_progress, summary

    try:
        work = find_work(start, exercises, home)
    except OSError:
        work = {}
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
        copies = work.get(row["assignment"], [])
        note = ""
        if copies and copies[0].layout == "fetched":
            note = f"<br><small>in {html.escape(copies[0].where(home))}</small>"
        if _saved_after(copies, row["last_check"]):
            note += "<br><small>Changed since the last check: run its check cells again.</small>"
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

    def __init__(
        self, exercises: Path | None = None, *, start: Path | None = None, home: Path | None = None
    ) -> None:
        self.exercises, self.start, self.home = exercises, start, home
        self.table = widgets.HTML(self._table())
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
            tooltip="Run every saved assignment notebook in the background and record its checks",
            layout=widgets.Layout(width="auto"),
        )
        self.status = widgets.HTML()
        self.button.on_click(self.refresh)
        self.rerun_button.on_click(self.rerun)
        super().__init__([widgets.HBox([self.button, self.rerun_button]), self.status, self.table])

    def _table(self) -> str:
        return progress_table(self.exercises, start=self.start, home=self.home)

    def refresh(self, _button: widgets.Button | None = None) -> None:
        self.table.value = self._table()

    def rerun(self, _button: widgets.Button | None = None) -> str:
        """Run the check cells of the saved notebooks of each assignment, then refresh the table."""
        from ..checks.rerun import rerun_in_subprocess

        self.status.value = "<i>Running your saved notebooks (a few seconds each)…</i>"
        try:
            work = find_work(self.start, self.exercises, self.home)
        except OSError as error:
            work, self.status.value = {}, html.escape(str(error))
        paths = [p for copies in work.values() for p in copies[0].notebooks()]
        message = rerun_in_subprocess(paths)
        self.status.value = html.escape(message) + " Unsaved changes are not included."
        self.refresh()
        return message


def progress_view() -> ProgressView:
    """Start-page widget: which checks of each assignment passed when you last ran them."""
    return ProgressView()
