"""``download_work``, the call in every assignment's first cell, apart from the widget itself.

While nbgrader grades a notebook nobody can click the widget, so this module imports nothing
but ``os`` and builds nothing: a plain nbgrader kernel grading a submission is spared the
ipywidgets import (about 0.15 s of CPU per submission), and the learner still gets the widget.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .download import DownloadWork


def download_work(assignment: str | None = None) -> DownloadWork | None:
    """The 'download my work' widget; fixed to ``assignment`` in an exercise, a menu on the start page.

    While nbgrader grades a notebook (``NBGRADER_EXECUTION`` set) there is nobody to click it:
    nothing is built (nor imported) and the cell shows nothing.
    """
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    from .download import DownloadWork

    return DownloadWork(assignment)
