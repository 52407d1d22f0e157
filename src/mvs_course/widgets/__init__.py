"""Small reusable widgets; each lesson module composes them with its own pure model."""

from .live import LiveView, demo_slider, live_view
from .notepad import notepad
from .quiz import Quiz
from .sorter import Sorter, SortReport, grade_sort, reasons_by_box

__all__ = [
    "LiveView",
    "demo_slider",
    "Quiz",
    "Sorter",
    "SortReport",
    "grade_sort",
    "live_view",
    "notepad",
    "reasons_by_box",
]
