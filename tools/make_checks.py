#!/usr/bin/env python3
"""Generate the learner checks from the solution notebooks.

    python tools/make_checks.py           rewrite check cells and check data in place
    python tools/make_checks.py --check   exit 1 and name what is out of date

For every solutions/<assignment>/<notebook>.ipynb this tool
0. keeps the start page's Binder cells (download, upload, progress; ids binder-*, progress*)
   in place before its contents table;
1. inserts generated cells (never edit them by hand): a "save your work" note and download
   widget after the first cell (ids save-work-note, save-work), and after every answer cell
   (nbgrader solution=true) a check cell ``check("<grade_id>")`` (id check-<grade_id>);
2. executes the solution notebook, evaluates each answer cell's ``mvs.probes`` expressions
   right after that cell, and writes their salted hashes, with a hint naming the lesson
   section and claims the cell is tagged with, to src/mvs_course/checks/data/<assignment>.json.
Then run ``mvs-course release <assignment>`` so exercises/ gets the new cells.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell

from mvs_course import claims
from mvs_course.checks.canonical import digest
from mvs_course.checks.core import MARKER

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
COURSE = ROOT / "course"
DATA = ROOT / "src" / "mvs_course" / "checks" / "data"
GENERATED_IDS = ("save-work-note", "save-work")
SAVE_NOTE = (
    "**Save your work.** On Binder, a session that sits idle for about ten minutes is deleted, "
    "with your changes. Save often (<kbd>Ctrl</kbd>+<kbd>S</kbd>) and use the button below to "
    "download your work as one zip; the start page shows how to upload it into a new session. "
    "Below each answer cell, a check cell tells you whether your answer is right yet."
)


START = COURSE / "00_start_here.ipynb"
START_CELLS = [
    (
        "binder-md",
        "markdown",
        """## On Binder: save, download, upload

**Binder deletes a session after about ten minutes without activity**, and every change in it.
Before a break, or every half hour:

1. Save the notebook you are working in (<kbd>Ctrl</kbd>+<kbd>S</kbd>).
2. Type your student id below, pick the assignment and press **Download my work**, then
   click the link that appears. You get `<student id>__<assignment>.zip`; this is also the
   file your instructor collects. Every exercise notebook has the same button at the top.""",
    ),
    (
        "binder-download",
        "code",
        "from mvs_course.widgets import download_work, progress_view, restore_upload\n\ndownload_work()",
    ),
    (
        "binder-upload-md",
        "markdown",
        """**To continue in a new session**, open the course on Binder again, run the cell below and
upload your zip with its button. Alternatively, drag the zip from your computer into the
file browser on the left, then run
`from mvs_course.workspace import restore_work; restore_work("<your zip>.zip")`.
Either way your notebooks go back into `exercises/`; a notebook you already changed in this
session is kept, and the zipped copy is put beside it as `<name>.from-zip.ipynb`.""",
    ),
    ("binder-upload", "code", "restore_upload()"),
    (
        "progress-md",
        "markdown",
        """## Your progress

Each assignment and which of its checks passed the last time you ran them (the check
cells in the exercises record their results on this computer). Press **Refresh progress**
after working on an exercise. This is feedback, not your grade.""",
    ),
    ("progress", "code", "progress_view()"),
]


class ProbeError(RuntimeError):
    """A solution notebook's probes are missing or could not be evaluated."""


def _nbgrader(grade_id: str) -> dict:
    return {
        "grade": False,
        "grade_id": grade_id,
        "locked": True,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }


def _is_answer(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("solution"))


def _is_generated(cell: nbformat.NotebookNode) -> bool:
    cell_id = cell.get("id", "")
    return cell_id.startswith("check-") or cell_id in GENERATED_IDS


def check_source(grade_id: str) -> str:
    return f'from mvs_course.checks import check\n\ncheck("{grade_id}")'


def with_generated_cells(nb: nbformat.NotebookNode, assignment: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose generated cells are freshly placed (answers without probes get none)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = [c for c in nb.cells if not _is_generated(c)]
    out = []
    for i, cell in enumerate(cells):
        out.append(cell)
        if i == 0:
            note = new_markdown_cell(SAVE_NOTE, id="save-work-note")
            note.metadata["nbgrader"] = _nbgrader("save-work-note")
            widget = new_code_cell(
                f'from mvs_course.widgets import download_work\n\ndownload_work("{assignment}")',
                id="save-work",
            )
            widget.metadata["nbgrader"] = _nbgrader("save-work")
            out += [note, widget]
        if _is_answer(cell) and cell.metadata.get("mvs", {}).get("probes"):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            checker = new_code_cell(check_source(grade_id), id=f"check-{grade_id}")
            checker.metadata["nbgrader"] = _nbgrader(f"check-{grade_id}")
            out.append(checker)
    nb.cells = out
    return nb


def start_page_text() -> str | None:
    """The start page with its Binder and progress cells (ids above) in place, before the contents."""
    if not START.exists():
        return None
    nb = nbformat.read(START, as_version=4)
    ids = {cell_id for cell_id, _, _ in START_CELLS}
    cells = [c for c in nb.cells if c.get("id") not in ids]
    at = next((i for i, c in enumerate(cells) if c.get("id") == "nav-contents"), len(cells))
    new = [
        new_markdown_cell(src, id=cell_id) if kind == "markdown" else new_code_cell(src, id=cell_id)
        for cell_id, kind, src in START_CELLS
    ]
    nb.cells = cells[:at] + new + cells[at:]
    return nbformat.writes(nb) + "\n"


def claim_texts() -> dict[str, str]:
    return {row["claim"]: row["statement"] for row in claims.rows()}


def _heading(source: str) -> str | None:
    for line in source.splitlines():
        if line.startswith("#"):
            return re.sub(r"\s*\(\d+(\.\d+)? points?\)\s*$", "", line.lstrip("#").strip())
    return None


def where(assignment: str, claims: list[str]) -> str:
    """'Lesson N (file), section "..."' for the lesson sections tagged with ``claims``."""
    lessons = sorted(COURSE.glob(f"{assignment[:2]}_*.ipynb"))
    if not lessons:
        return ""
    lesson = lessons[0]
    nb = nbformat.read(lesson, as_version=4)
    sections = []
    for cell in nb.cells:
        tags = {t[6:] for t in cell.metadata.get("tags", []) if t.startswith("claim:")}
        heading = _heading(cell.source) if cell.cell_type == "markdown" else None
        if tags & set(claims) and heading and heading not in sections:
            sections.append(heading)
    text = f"lesson {int(assignment[:2])} (course/{lesson.name})"
    if sections:
        quoted = " and ".join(f"'{s}'" for s in sections)
        text += f", section{'s' if len(sections) > 1 else ''} {quoted}"
    return text


def _probe_run(nb: nbformat.NotebookNode, folder: Path) -> dict[str, list]:
    """Execute a solution notebook; the canonical probe results after each answer cell."""
    run = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells, order = [], []
    for cell in run.cells:
        if _is_generated(cell):
            continue
        cells.append(cell)
        probes = cell.metadata.get("mvs", {}).get("probes") if _is_answer(cell) else None
        if probes:
            src = "from mvs_course.checks.core import emit as _mvs_emit\n"
            src += f"_mvs_emit({json.dumps(probes)}, globals())"
            cells.append(new_code_cell(src))
            order.append(cell.metadata["nbgrader"]["grade_id"])
    run.cells = cells
    client = NotebookClient(
        run, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    found = []
    for cell in run.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(MARKER):
                    found.append(json.loads(line[len(MARKER) :]))
    if len(found) != len(order):
        raise ProbeError(f"expected {len(order)} probe results, got {len(found)}")
    return dict(zip(order, found, strict=True))


def build(assignment: str) -> tuple[dict[Path, str], str, list[str]]:
    """(notebook texts, check data text, problems) wanted for one assignment."""
    folder = SOLUTIONS / assignment
    data_path = DATA / f"{assignment}.json"
    salt = secrets.token_hex(16)
    if data_path.exists():
        salt = json.loads(data_path.read_text(encoding="utf-8")).get("salt", salt)
    texts, checks, problems = {}, {}, []
    claim_text = claim_texts()
    for path in sorted(folder.glob("*.ipynb")):
        nb = with_generated_cells(nbformat.read(path, as_version=4), assignment)
        texts[path] = nbformat.writes(nb) + "\n"
        forms = _probe_run(nb, folder)
        task = None
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                task = _heading(cell.source) or task
            if not _is_answer(cell):
                continue
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            probes = cell.metadata.get("mvs", {}).get("probes")
            if not probes:
                problems.append(f"{path.relative_to(ROOT)}: answer cell {grade_id!r} has no mvs.probes")
                continue
            for expr, form in zip(probes, forms[grade_id], strict=True):
                if form[0] == "raises" and form[1] in ("NameError", "NotImplementedError"):
                    problems.append(
                        f"{path.relative_to(ROOT)}: probe {expr!r} of {grade_id!r} raised {form[1]}"
                    )
            claims = [t[6:] for t in cell.metadata.get("tags", []) if t.startswith("claim:")]
            checks[grade_id] = {
                "notebook": path.name,
                "probes": [
                    {"expr": e, "hash": digest(salt, f)} for e, f in zip(probes, forms[grade_id], strict=True)
                ],
                "hint": {
                    "task": task or grade_id,
                    "where": where(assignment, claims),
                    "claims": [claim_text[c] for c in claims if c in claim_text],
                },
            }
    data = {"assignment": assignment, "salt": salt, "checks": checks}
    return texts, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", problems


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def assignments() -> list[str]:
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    parser.add_argument("assignments", nargs="*", help="default: every assignment in solutions/")
    args = parser.parse_args(argv)
    stale, all_problems = [], []
    for assignment in args.assignments or assignments():
        try:
            texts, data, problems = build(assignment)
        except Exception as error:  # a solution notebook that does not run
            all_problems.append(f"{assignment}: {type(error).__name__}: {str(error)[-500:]}")
            continue
        all_problems += problems
        data_path = DATA / f"{assignment}.json"
        wanted = {**texts, data_path: data}
        for path, text in wanted.items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current == text:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"updated {_show(path)}")
    start = start_page_text()
    if start is not None and START.read_text(encoding="utf-8") != start:
        stale.append(START)
        if not args.check:
            START.write_text(start, encoding="utf-8")
            print(f"updated {_show(START)}")
    for problem in all_problems:
        print(f"problem: {problem}", file=sys.stderr)
    if args.check:
        for path in stale:
            print(f"{_show(path)} is out of date: run python tools/make_checks.py")
        return 1 if stale or all_problems else 0
    if stale:
        print("now run: .venv/bin/mvs-course release  (then rm -f gradebook.db)")
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main())
