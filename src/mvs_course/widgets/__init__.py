"""Small reusable widgets; each lesson module composes them with its own pure model."""

from .download import DownloadWork, RestoreWork, download_work, restore_upload
from .live import LiveView, demo_slider, live_view
from .progress import ProgressView, progress_view
from .quiz import Quiz
from .sorter import Sorter, SortReport, grade_sort, reasons_by_box

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
