"""'Download my work': zip the learner's assignment notebooks into <student>__<assignment>.zip.

Works in both layouts of :mod:`mvs_course.workspace` (``exercises/<assignment>/`` and a copy
fetched with nbgrader). The zip also carries the lesson notebooks whose reflections (or other
cells) the learner changed, under ``course/``; 'upload my work again' puts everything back.
Imports only ipywidgets and the standard library. ``download_work``, which the assignments'
first cell calls, lives in ``work.py`` (it imports this module only when it builds the widget).
"""

from __future__ import annotations

import base64
import html
import time
from pathlib import Path

import ipywidgets as widgets

from ..submission import submission_name
from ..workspace import (
    Work,
    WorkspaceError,
    find_course,
    find_work,
    lesson_notebooks,
    remember_student,
    remembered_student,
    restore_work,
    shown_path,
    work_folder,
    work_notebooks,
    zip_folder,
)


def _ago(path: Path) -> str:
    minutes = int((time.time() - path.stat().st_mtime) // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago"


class DownloadWork(widgets.VBox):
    """Student id box, (optional) menu of assignment copies and a button that offers the zip as a link.

    ``assignment`` fixes the assignment (an exercise notebook's widget: it zips the folder the
    notebook runs in, else the learner's most recent copy); without it, a menu lists every
    copy found. ``exercises``, ``start`` and ``home`` fix where to look (tests; see
    :func:`mvs_course.workspace.find_work`).
    """

    def __init__(
        self,
        assignment: str | None = None,
        exercises: Path | None = None,
        *,
        start: Path | None = None,
        home: Path | None = None,
    ) -> None:
        self.fixed, self.exercises, self.start, self.home = assignment, exercises, start, home
        self.student = widgets.Text(
            value=remembered_student(),
            description="Student id",
            placeholder="e.g. ana.smith",
            tooltip="Your student id; it names the zip file",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.assignment = widgets.Dropdown(
            description="Assignment",
            tooltip="Which assignment to download",
            disabled=bool(assignment),
            style={"description_width": "initial"},
        )
        self._copies: dict[str, Work] = {}
        if assignment:
            self.assignment.options = [assignment]
        else:
            self.refresh_menu()
        self.button = widgets.Button(
            description="Download my work",
            icon="download",
            button_style="primary",
            tooltip="Zip your saved assignment notebooks and offer them as a download link",
            layout=widgets.Layout(width="auto"),
        )
        self.link = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.link.add_class("mvs-download-link")
        self.button.on_click(self.prepare)
        controls = [self.student] + ([] if assignment else [self.assignment])
        super().__init__([*controls, self.button, self.link])
        self.add_class("mvs-download")

    def refresh_menu(self) -> None:
        """List every copy of every assignment; the copy saved last of each comes first."""
        try:
            found = find_work(self.start, self.exercises, self.home)
        except OSError:
            found = {}
        self._copies = {str(w.folder): w for works in found.values() for w in works}
        options = []
        for name, works in found.items():
            for work in works:
                alone = len(works) == 1 and work.layout == "exercises"
                options.append((name if alone else f"{name} ({work.where(self.home)})", str(work.folder)))
        self.assignment.options = options
        self.assignment.value = options[0][1] if options else None

    def target(self) -> tuple[str, Path]:
        """(assignment, folder) the button zips now."""
        if self.fixed:
            if self.exercises is not None:
                return self.fixed, self.exercises / self.fixed
            return self.fixed, work_folder(self.fixed, self.start, home=self.home)
        if self.assignment.value not in self._copies:
            self.refresh_menu()  # fetched since the menu was made, or a folder gone
        work = self._copies.get(self.assignment.value or "")
        if work is None:
            raise WorkspaceError("No assignment found to download.")
        return work.assignment, work.folder

    def prepare(self, _button: widgets.Button | None = None) -> bytes | None:
        """Build the zip now (from the notebooks as saved on disk) and show the link."""
        student = self.student.value.strip()
        try:
            if not student:
                raise WorkspaceError("Type your student id first; it names the zip file.")
            assignment, folder = self.target()
            name = submission_name(student, assignment)
            course = self.course(folder)
            lessons = lesson_notebooks(course)
            data = zip_folder(folder, assignment, lessons)
        except (WorkspaceError, ValueError, OSError) as error:
            self.link.value = f"<span role='alert'>{html.escape(str(error))}</span>"
            return None
        remember_student(student)
        saved = ", ".join(f"{p.name} (saved {_ago(p)})" for p in work_notebooks(folder))
        held = f"{saved} from {shown_path(folder, self.home)}"
        if lessons and course is not None:
            held += f", and your reflections in {', '.join(p.name for p in lessons)} from "
            held += shown_path(course, self.home)
        href = "data:application/zip;base64," + base64.b64encode(data).decode()
        self.link.value = (
            f"<a download='{html.escape(name)}' href='{href}' class='mvs-download-anchor'>"
            f"⬇ Click to save {html.escape(name)}</a><br><small>Holds {html.escape(held)}. "
            "Unsaved changes are not in it: press Ctrl+S first, then click Download again.</small>"
        )
        return data

    def course(self, folder: Path) -> Path | None:
        """The lessons folder whose changed lessons go into the zip with ``folder``'s notebooks."""
        exercises = self.exercises
        if exercises is None and folder.parent.name == "exercises":
            exercises = folder.parent
        return find_course(self.start or folder, exercises, self.home)


class RestoreWork(widgets.VBox):
    """Upload a downloaded zip and put its notebooks back, never overwriting newer work."""

    def __init__(
        self, exercises: Path | None = None, *, start: Path | None = None, home: Path | None = None
    ) -> None:
        self.exercises, self.start, self.home = exercises, start, home
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
            text = restore_work(data, self.exercises, start=self.start, home=self.home).summary()
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
