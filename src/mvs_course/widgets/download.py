"""'Download my work': zip the learner's exercise notebooks into <student>__<assignment>.zip."""

from __future__ import annotations

import base64
import html
import time
from pathlib import Path

import ipywidgets as widgets

from ..submission import submission_name
from ..workspace import WorkspaceError, assignments, find_exercises, restore_work, work_notebooks, zip_bytes
from .notepad import load_notes, save_note

STUDENT_KEY = "student-id"


def _ago(path: Path) -> str:
    minutes = int((time.time() - path.stat().st_mtime) // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago"


class DownloadWork(widgets.VBox):
    """Student id box, (optional) assignment menu and a button that offers the zip as a link."""

    def __init__(self, assignment: str | None = None, exercises: Path | None = None) -> None:
        self.exercises = exercises
        try:
            remembered = load_notes().get(STUDENT_KEY, "")
        except RuntimeError:  # no home directory (a grading sandbox): nothing remembered
            remembered = ""
        self.student = widgets.Text(
            value=remembered,
            description="Student id",
            placeholder="e.g. ana.smith",
            tooltip="Your student id; it names the zip file",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        names = [assignment] if assignment else self._assignments()
        self.assignment = widgets.Dropdown(
            options=names,
            value=names[0] if names else None,
            description="Assignment",
            tooltip="Which assignment to download",
            disabled=bool(assignment),
            style={"description_width": "initial"},
        )
        self.button = widgets.Button(
            description="Download my work",
            icon="download",
            button_style="primary",
            tooltip="Zip your saved exercise notebooks and offer them as a download link",
            layout=widgets.Layout(width="auto"),
        )
        self.link = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.link.add_class("mvs-download-link")
        self.button.on_click(self.prepare)
        controls = [self.student] + ([] if assignment else [self.assignment])
        super().__init__([*controls, self.button, self.link])
        self.add_class("mvs-download")

    def _assignments(self) -> list[str]:
        try:
            return assignments(self.exercises or find_exercises())
        except (WorkspaceError, OSError):
            return []

    def prepare(self, _button: widgets.Button | None = None) -> bytes | None:
        """Build the zip now (from the notebooks as saved on disk) and show the link."""
        student, assignment = self.student.value.strip(), self.assignment.value
        try:
            if not student:
                raise WorkspaceError("Type your student id first; it names the zip file.")
            if not assignment:
                raise WorkspaceError("No assignment found to download.")
            name = submission_name(student, assignment)
            exercises = self.exercises or find_exercises()
            data = zip_bytes(exercises, assignment)
        except (WorkspaceError, ValueError, OSError) as error:
            self.link.value = f"<span role='alert'>{html.escape(str(error))}</span>"
            return None
        save_note(STUDENT_KEY, student)
        saved = ", ".join(f"{p.name} (saved {_ago(p)})" for p in work_notebooks(exercises / assignment))
        href = "data:application/zip;base64," + base64.b64encode(data).decode()
        self.link.value = (
            f"<a download='{html.escape(name)}' href='{href}' class='mvs-download-anchor'>"
            f"⬇ Click to save {html.escape(name)}</a><br><small>Holds {html.escape(saved)}. "
            "Unsaved changes are not in it: press Ctrl+S first, then click Download again.</small>"
        )
        return data


def download_work(assignment: str | None = None) -> DownloadWork:
    """The 'download my work' widget; fixed to ``assignment`` in an exercise, a menu on the start page."""
    return DownloadWork(assignment)


class RestoreWork(widgets.VBox):
    """Upload a downloaded zip and put its notebooks back, never overwriting newer work."""

    def __init__(self, exercises: Path | None = None) -> None:
        self.exercises = exercises
        self.upload = widgets.FileUpload(
            accept=".zip",
            multiple=False,
            description="Upload a zip",
            tooltip="Choose a zip you downloaded earlier",
        )
        self.report = widgets.HTML()
        self.upload.observe(self._on_upload, names="value")
        super().__init__([self.upload, self.report])
        self.add_class("mvs-restore")

    def restore(self, data: bytes) -> str:
        """Restore from zip bytes and show what happened."""
        try:
            text = restore_work(data, self.exercises or find_exercises()).summary()
        except (WorkspaceError, OSError, ValueError) as error:
            text = str(error)
        except Exception as error:  # a corrupt zip
            text = f"Could not read that zip ({type(error).__name__}: {error})."
        self.report.value = "<br>".join(html.escape(line) for line in text.splitlines())
        return text

    def _on_upload(self, change: dict) -> None:
        for item in change["new"]:
            self.restore(bytes(item["content"]))


def restore_upload() -> RestoreWork:
    """The start page's 'upload my work again' widget."""
    return RestoreWork()
