"""Notepad: a text box saved to ~/.mvs_course/notes.json. On its way out.

Lessons keep reflections in markdown cells tagged ``reflection`` (saved with the notebook),
not in this widget: a note here is lost with a Binder session and missing from downloads.
``notepad()`` stays only until the last lessons are converted, and ``load_notes`` /
``save_note`` until the download widget stops keeping the student id here; then this module
goes.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import ipywidgets as widgets


def notes_file() -> Path:
    """Where notes live: $MVS_NOTES_FILE, else ~/.mvs_course/notes.json."""
    return Path(os.environ.get("MVS_NOTES_FILE", Path.home() / ".mvs_course" / "notes.json"))


def load_notes(path: Path | None = None) -> dict[str, str]:
    """All saved notes; an unreadable file gives an empty notebook, never an error."""
    path = path or notes_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_note(key: str, text: str, path: Path | None = None) -> None:
    """Store one note atomically (write a temporary file, then rename it)."""
    path = path or notes_file()
    notes = load_notes(path)
    notes[key] = text
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(notes, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def notepad(title: str, key: str, compare_with: str | None = None) -> widgets.VBox:
    """A labelled Textarea saved under ``key``; ``compare_with`` shows an earlier note above it."""
    area = widgets.Textarea(
        value=load_notes().get(key, ""),
        placeholder="Marketing is ... Sales is ...",
        description="",
        layout=widgets.Layout(width="95%", height="5em"),
        continuous_update=False,
    )
    status = widgets.HTML()

    def _save(change: dict) -> None:
        try:
            save_note(key, change["new"])
        except OSError as err:
            status.value = f"<i>Could not save this note ({err.strerror}); copy it somewhere safe.</i>"
        else:
            status.value = "<i>Saved.</i>"

    area.observe(_save, names="value")
    parts = [widgets.HTML(f"<b>{title}</b> (saved automatically on this computer)")]
    if compare_with is not None:
        earlier = load_notes().get(compare_with, "") or "(you left it empty)"
        parts.append(widgets.HTML(f"<blockquote>Before: {html.escape(earlier)}</blockquote>"))
    box = widgets.VBox([*parts, area, status])
    box.add_class("mvs-notepad")
    return box
