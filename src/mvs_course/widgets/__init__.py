"""Small reusable widgets; each lesson module composes them with its own pure model.

Names are imported on first use (PEP 562), so ``from mvs_course.widgets import demo_slider``
loads the live-view module only, not the download widget's zip and notebook machinery: the
start page's first widget appears seconds sooner.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers and editors see
    from .download import DownloadWork, RestoreWork, restore_upload
    from .live import LiveView, demo_slider, live_view
    from .progress import ProgressView, progress_view
    from .quiz import Quiz
    from .sorter import Sorter, SortReport, grade_sort, reasons_by_box
    from .work import download_work

__all__ = [
    "DownloadWork",
    "LiveView",
    "ProgressView",
    "RestoreWork",
    "demo_slider",
    "download_work",
    "Quiz",
    "Sorter",
    "SortReport",
    "grade_sort",
    "live_view",
    "progress_view",
    "reasons_by_box",
    "restore_upload",
]

# public name -> submodule that defines it (imported on first use)
_LAZY = {
    "DownloadWork": "download",
    "RestoreWork": "download",
    "download_work": "work",  # imports no ipywidgets while nbgrader grades
    "restore_upload": "download",
    "LiveView": "live",
    "demo_slider": "live",
    "live_view": "live",
    "ProgressView": "progress",
    "progress_view": "progress",
    "Quiz": "quiz",
    "Sorter": "sorter",
    "SortReport": "sorter",
    "grade_sort": "sorter",
    "reasons_by_box": "sorter",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
