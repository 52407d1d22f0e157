"""Release-time preprocessors: the cells every exercise gets that the hand-written sources lack.

Listed in ``nbgrader_config.py`` (``GenerateAssignment.preprocessors``), so ``mvs-course build``,
``mvs-course release`` and plain ``nbgrader generate_assignment`` all insert them:

- :class:`InsertSaveWork` puts a "save your work" note and the *Download my work* widget
  after the notebook's first cell;
- :class:`InsertChecks` puts a ``check("<answer id>")`` cell after every autograded answer.

The inserted cells carry no nbgrader metadata (they are not graded, and grading runs them as
ordinary cells where ``check()`` does nothing) and are read-only in JupyterLab.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from mvs_course import nbmeta

from .items import items

GENERATED_TAG = "mvs-generated"
SAVE_NOTE = (
    "**Save your work.** On Binder, a session that sits idle for about ten minutes is deleted, "
    "with your changes. Save often (<kbd>Ctrl</kbd>+<kbd>S</kbd>) and use the button below to "
    "download your work as one zip; the start page shows how to upload it into a new session. "
    "Below each answer cell, a check cell runs the tests of that exercise and says *Right* or "
    "*Not yet*."
)


def generated(cell: NotebookNode) -> bool:
    """A cell inserted at release time (never part of a source notebook)."""
    return GENERATED_TAG in cell.get("metadata", {}).get("tags", [])


def _read_only(cell: NotebookNode) -> NotebookNode:
    cell.metadata.update({"editable": False, "deletable": False, "tags": [GENERATED_TAG]})
    return cell


def check_source(answer_id: str) -> str:
    return f'from mvs_course.checks import check\n\ncheck("{answer_id}")'


class InsertSaveWork(NbGraderPreprocessor):
    """Insert the save-work note and the download widget after the first cell."""

    note = Unicode(SAVE_NOTE, help="Markdown of the note above the download widget.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        assignment = resources.get("nbgrader", {}).get("assignment", "")
        note = _read_only(new_markdown_cell(self.note, id="save-work-note"))
        source = f'from mvs_course.widgets import download_work\n\ndownload_work("{assignment}")'
        widget = _read_only(new_code_cell(source, id="save-work"))
        nb.cells = nb.cells[:1] + [note, widget] + nb.cells[1:]
        return nb, resources


class InsertChecks(NbGraderPreprocessor):
    """Insert ``check("<answer id>")`` after every answer cell that has autograded tests."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        checked = {id(item.answer): item.answer_id for item in items(nb) if item.tests and not item.manual}
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            answer_id = checked.get(id(cell))
            if answer_id and cell.cell_type == "code" and nbmeta.is_answer(cell):
                cells.append(_read_only(new_code_cell(check_source(answer_id), id=f"check-{answer_id}")))
        nb.cells = cells
        return nb, resources
