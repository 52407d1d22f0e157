"""The learner's own work: find it, zip it for download, and unzip it back into a new session.

A learner's notebooks for one assignment live in one of two layouts:

- **course layout**: ``exercises/<assignment>/<notebook>.ipynb`` in the course folder (the
  repository or the student edition; Binder and laptops);
- **fetched layout**: nbgrader's *Fetch* (the Assignment List, ``nbgrader fetch_assignment``)
  copies a release to ``<root>/<assignment>/``, or ``<root>/<course id>/<assignment>/`` with
  ``Exchange.path_includes_course``, where ``<root>`` is the folder the server started in
  (the home folder on JupyterHub).

:func:`find_work` finds every copy in both layouts; :func:`work_folder` picks the one a
widget acts on (the folder the notebook runs in, else the most recently saved copy).

A download is ``<student>__<assignment>.zip`` (see :mod:`mvs_course.submission`) holding
``<assignment>/<notebook>.ipynb``: exactly what ``mvs-course collect`` ingests. Beside it,
under ``course/<lesson>.ipynb``, it holds the learner's lesson notebooks whose reflections
(markdown cells tagged ``reflection``) or other cells they changed, as last saved; a lesson
still as the course ships it is left out (:func:`lesson_notebooks`). Restoring never
overwrites newer work: a notebook the learner changed after the zipped copy stays, and the
zipped copy is written beside it as ``<notebook>.from-zip.ipynb``; assignment notebooks go
back where the learner works on them (either layout), lessons into their course folder
(:func:`find_course`).

This module imports only the standard library, so the start page's widgets load fast;
notebooks are read as plain JSON.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import io
import json
import os
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .submission import parse_submission_name, safe_id, submission_name

ASIDE = ".from-zip.ipynb"
STUB = "raise NotImplementedError()"
COURSE = "course"  # the lessons' folder, and the zip folder their notebooks travel in
LESSON_PATTERN = "[0-9][0-9]*_*.ipynb"  # lessons, primers and the start page (which has no reflections)
REFLECTION_TAG = "reflection"
SHIPPED_KEY = "shipped_sources"  # in the notebook metadata's "mvs_course": digest of the cells as shipped
STUDENT_KEY = "student-id"
# Folders of an nbgrader course directory or of this repository that hold instructor copies
# (sources with solutions, releases, submissions): never a learner's own work.
INSTRUCTOR_FOLDERS = frozenset(
    {"source", "solutions", "release", "submitted", "autograded", "feedback", "superseded"}
)


class WorkspaceError(RuntimeError):
    """A learner-side problem with a message that says what to do."""


def find_exercises(start: Path | None = None) -> Path:
    """The learner's exercises folder: $MVS_EXERCISES, else the nearest exercises/ up from ``start``."""
    if os.environ.get("MVS_EXERCISES"):
        return Path(os.environ["MVS_EXERCISES"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if folder.name == "exercises" and folder.is_dir():
            return folder
        if (folder / "exercises").is_dir():
            return folder / "exercises"
    raise WorkspaceError(
        f"Cannot find an exercises/ folder above {here}. Open the course from its top folder."
    )


def assignments(exercises: Path) -> list[str]:
    """Assignment folders of an exercises/ folder that hold at least one notebook."""
    return sorted(p.name for p in exercises.iterdir() if p.is_dir() and work_notebooks(p))


def work_notebooks(folder: Path) -> list[Path]:
    """The notebooks of one assignment folder, without checkpoints or set-aside copies."""
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.endswith(ASIDE))


def known_assignments() -> set[str]:
    """Assignment names the course ships learner checks for (read without importing the checks)."""
    spec = importlib.util.find_spec("mvs_course.checks")
    names: set[str] = set()
    for location in (spec.submodule_search_locations or []) if spec else []:
        names |= {p.stem for p in Path(location, "data").glob("*.json")}
    return names


@dataclass(frozen=True)
class Work:
    """One copy of an assignment's notebooks: ``folder`` in the ``layout`` "exercises" or "fetched"."""

    assignment: str
    folder: Path
    layout: str

    def notebooks(self) -> list[Path]:
        return work_notebooks(self.folder)

    def saved(self) -> float:
        """When a notebook of this copy was last saved (0 when none is left)."""
        return max((p.stat().st_mtime for p in self.notebooks()), default=0.0)

    def where(self, home: Path | None = None) -> str:
        return shown_path(self.folder, home)


def _home() -> Path:
    """The home folder; the current folder where there is none (a grading sandbox)."""
    try:
        return Path.home()
    except RuntimeError:
        return Path.cwd()


def shown_path(folder: Path, home: Path | None = None) -> str:
    """A folder as a learner recognises it: ``~/01_x`` under the home folder, else in full."""
    try:
        return "~/" + folder.resolve().relative_to((home or _home()).resolve()).as_posix()
    except ValueError:
        return str(folder)


def _is_learner_folder(folder: Path) -> bool:
    """Not an instructor's copy (under source/, release/, submitted/<student>/, ...) nor hidden."""
    if any(part.startswith(".") for part in folder.parts[-2:]):
        return False
    return not any(part in INSTRUCTOR_FOLDERS for part in folder.parts[-3:-1])


def _roots(start: Path, home: Path) -> list[Path]:
    """Folders a fetch may have written into: the start folder's ancestors up to the home folder
    (or two levels when outside it), and the home folder. Never other users' home folders."""
    chain = [start, *start.parents]
    if home in chain:
        chain = chain[: chain.index(home)]
    else:
        chain = chain[:2]
    return [*dict.fromkeys([*chain, home])]


def find_work(
    start: Path | None = None, exercises: Path | None = None, home: Path | None = None
) -> dict[str, list[Work]]:
    """Every copy of every assignment in both layouts, ``{assignment: [copies]}``.

    The copy the learner most likely means comes first: the folder ``start`` itself when it
    is one, then the most recently saved. ``exercises`` fixes the course layout's folder
    (default: :func:`find_exercises`); ``home`` the home folder (default: ``Path.home()``).
    """
    start = (start or Path.cwd()).resolve()
    home = (home or _home()).resolve()
    found: dict[Path, Work] = {}
    if exercises is None:
        try:
            exercises = find_exercises(start)
        except WorkspaceError:
            exercises = None
    if exercises is not None and exercises.is_dir():
        for name in assignments(exercises):
            folder = (exercises / name).resolve()
            found[folder] = Work(name, folder, "exercises")
    names = known_assignments() | {w.assignment for w in found.values()}
    for root in _roots(start, home):
        candidates = [root / n for n in names]
        try:
            candidates += [sub / n for sub in root.iterdir() if sub.is_dir() for n in names]
        except OSError:  # an unreadable folder holds nothing of ours
            pass
        for folder in candidates:
            if not folder.is_dir() or not _is_learner_folder(folder) or not work_notebooks(folder):
                continue
            if folder.parent.name == "exercises":  # another course folder's exercises/: not this one
                continue
            resolved = folder.resolve()
            found.setdefault(resolved, Work(folder.name, resolved, "fetched"))
    copies: dict[str, list[Work]] = {}
    for work in found.values():
        copies.setdefault(work.assignment, []).append(work)
    for works in copies.values():
        works.sort(key=lambda w: (w.folder != start, -w.saved()))
    return dict(sorted(copies.items()))


def work_folder(
    assignment: str, start: Path | None = None, exercises: Path | None = None, home: Path | None = None
) -> Path:
    """The folder of ``assignment`` a learner's widget acts on (see :func:`find_work`)."""
    copies = find_work(start, exercises, home).get(assignment)
    if not copies:
        raise WorkspaceError(
            f"Cannot find your notebooks of {assignment}: neither exercises/{assignment}/ in the "
            f"course folder nor a fetched {assignment}/ folder. Open the course from its top "
            "folder, or fetch the assignment first."
        )
    return copies[0].folder


def is_work_folder(folder: Path, assignment: str) -> bool:
    """True when ``folder`` is a learner's copy of ``assignment`` in either layout (used by the
    check cells to decide whether to record progress; an instructor's copy never counts)."""
    folder = folder.resolve()
    return folder.name == assignment and _is_learner_folder(folder)


def _read_notebook(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        return None
    return data


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def sources_digest(cells: list) -> str:
    """A fingerprint of a notebook's cell types and sources (not outputs, not metadata).

    The course stamps every lesson with it (``metadata.mvs_course.shipped_sources``, written by
    ``mvs-course build``), so a learner's copy whose digest still matches holds nothing of theirs.
    """
    text = json.dumps([[c.get("cell_type", ""), _source(c)] for c in cells], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _field(mapping: object, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


def _has_reflection(notebook: dict) -> bool:
    for cell in notebook["cells"]:
        tags = _field(cell.get("metadata"), "tags")
        if isinstance(tags, list) and REFLECTION_TAG in tags:
            return True
    return False


def _as_shipped(notebook: dict) -> bool:
    """True when the notebook's cells are exactly what the course shipped (outputs aside)."""
    shipped = _field(_field(notebook.get("metadata"), "mvs_course"), SHIPPED_KEY)
    return bool(shipped) and shipped == sources_digest(notebook["cells"])


def lesson_notebooks(course: Path | None) -> list[Path]:
    """The lesson notebooks of ``course`` worth keeping: those with reflection cells whose cells
    the learner changed (a lesson still as shipped holds nothing of theirs)."""
    if course is None or not course.is_dir():
        return []
    found = []
    for path in sorted(course.glob(LESSON_PATTERN)):
        notebook = _read_notebook(path)
        if path.name.endswith(ASIDE) or notebook is None or not _has_reflection(notebook):
            continue
        if not _as_shipped(notebook):
            found.append(path)
    return found


def _lesson_folder(folder: Path) -> bool:
    """A course folder: it holds at least one lesson notebook with reflection cells."""
    for path in sorted(folder.glob(LESSON_PATTERN)) if folder.is_dir() else []:
        notebook = _read_notebook(path)
        if notebook is not None and _has_reflection(notebook):
            return True
    return False


def find_course(
    start: Path | None = None, exercises: Path | None = None, home: Path | None = None
) -> Path | None:
    """The learner's lessons folder (``course/``), or None when there is none.

    Only the one beside ``exercises`` when that is given; else ``start`` or a folder above it
    (up to the home folder) that is a ``course/`` folder or holds one; else ``course/`` beside
    the exercises/ found from ``start``; else one in the home folder or one level below it (the
    student edition cloned on a hub), the one saved last first. A course folder holds lesson
    notebooks with reflection cells.
    """
    if exercises is not None:
        fixed = exercises.parent / COURSE
        return fixed.resolve() if _lesson_folder(fixed) else None
    start = (start or Path.cwd()).resolve()
    home = (home or _home()).resolve()
    candidates = []
    for folder in _roots(start, home):
        candidates += [folder, folder / COURSE] if folder.name == COURSE else [folder / COURSE]
    try:
        candidates.append(find_exercises(start).parent / COURSE)
    except WorkspaceError:
        pass
    nearby = [c for c in candidates if _lesson_folder(c)]
    if nearby:
        return nearby[0].resolve()
    try:
        below = [sub / COURSE for sub in home.iterdir() if sub.is_dir() and not sub.name.startswith(".")]
    except OSError:
        below = []
    mine = [c for c in [home / COURSE, *below] if _lesson_folder(c) and _is_learner_folder(c)]
    if not mine:
        return None
    return max(mine, key=lambda c: max(p.stat().st_mtime for p in c.glob(LESSON_PATTERN))).resolve()


def _add(archive: zipfile.ZipFile, member: str, path: Path) -> None:
    info = zipfile.ZipInfo(member, time.localtime(path.stat().st_mtime)[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, path.read_bytes())


def zip_folder(folder: Path, assignment: str | None = None, lessons: list[Path] | None = None) -> bytes:
    """The zip of one assignment folder's notebooks, as ``<assignment>/<notebook>.ipynb`` members,
    and of ``lessons`` (see :func:`lesson_notebooks`) as ``course/<lesson>.ipynb`` members."""
    assignment = assignment or folder.name
    notebooks = work_notebooks(folder) if folder.is_dir() else []
    if not notebooks:
        raise WorkspaceError(f"No notebooks in {folder}: nothing to download.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in notebooks:
            _add(archive, f"{assignment}/{path.name}", path)
        for path in lessons or []:
            _add(archive, f"{COURSE}/{path.name}", path)
    return buffer.getvalue()


def zip_bytes(exercises: Path, assignment: str, course: Path | None = None) -> bytes:
    """The zip of ``exercises/<assignment>/`` (course layout; see :func:`zip_folder`) with the
    changed lessons of ``course`` (default: the ``course/`` folder beside ``exercises``)."""
    course = exercises.parent / COURSE if course is None else course
    return zip_folder(exercises / assignment, assignment, lesson_notebooks(course))


def write_zip(student: str, exercises: Path, assignment: str, out_dir: Path) -> Path:
    """Write ``<student>__<assignment>.zip`` of ``exercises/<assignment>/`` (and the changed
    lessons beside it) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / submission_name(student, assignment)
    path.write_bytes(zip_bytes(exercises, safe_id(assignment)))
    return path


def _untouched(path: Path, lesson: bool = False) -> bool:
    """True when the notebook holds nothing of the learner's: every answer cell of an exercise
    still holds the release stub, or a ``lesson``'s cells are exactly as the course shipped them."""
    notebook = _read_notebook(path)
    if notebook is None:
        return True  # an unreadable notebook holds nothing worth keeping
    try:
        if lesson:
            return _as_shipped(notebook)
        cells = notebook["cells"]
        answers = [c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
        return all(STUB in _source(c) for c in answers)
    except (KeyError, TypeError, AttributeError):
        return True


@dataclass
class RestoreReport:
    """What :func:`restore_work` did with each notebook in the zip, and where it put them."""

    restored: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # newer local work kept; zip copy set aside
    unchanged: list[str] = field(default_factory=list)
    folders: dict[str, Path] = field(default_factory=dict)  # assignment -> folder written to

    def summary(self) -> str:
        lines = [f"Restored: {name}" for name in self.restored]
        lines += [f"Kept your newer {name}; the zipped copy is beside it as *{ASIDE}" for name in self.kept]
        lines += [f"Already up to date: {name}" for name in self.unchanged]
        lines += [
            f"Your lessons are in {folder}" if name == COURSE else f"{name} is in {folder}"
            for name, folder in sorted(self.folders.items())
        ]
        return "\n".join(lines) or "The zip held no notebooks."


def _restore_folder(assignment: str, exercises: Path | None, start: Path | None, home: Path | None) -> Path:
    """Where a zipped assignment goes back: the given exercises/ folder, else the learner's
    existing copy (either layout), else exercises/ in the course folder, else the home folder.
    Zipped lessons (``course/``) go back into the learner's lessons folder (:func:`find_course`),
    else a ``course/`` beside exercises/, else one in the home folder."""
    if assignment == COURSE:
        found = find_course(start, exercises, home)
        if found is not None:
            return found
    elif exercises is not None:
        return exercises / assignment
    else:
        copies = find_work(start, home=home).get(assignment)
        if copies:
            return copies[0].folder
    try:
        folder = exercises if exercises is not None else find_exercises(start)
    except WorkspaceError:
        return (home or _home()) / assignment
    return folder.parent / COURSE if assignment == COURSE else folder / assignment


def restore_work(
    zip_file: Path | str | bytes,
    exercises: Path | None = None,
    *,
    start: Path | None = None,
    home: Path | None = None,
) -> RestoreReport:
    """Unzip a downloaded ``<student>__<assignment>.zip`` back where the learner works on it:
    the assignment's notebooks into its folder, the lessons under ``course/`` into the
    learner's lessons folder."""
    source = io.BytesIO(zip_file) if isinstance(zip_file, bytes) else Path(zip_file)
    if isinstance(source, Path) and parse_submission_name(source.name) is None:
        raise WorkspaceError(f"{source.name} is not named <student>__<assignment>.zip.")
    report = RestoreReport()
    with zipfile.ZipFile(source) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        for info in members:
            parts = info.filename.split("/")
            shape = len(parts) == 2 and all(parts) and ".." not in parts and parts[1].endswith(".ipynb")
            if not shape or (parts[0] == COURSE and not fnmatch.fnmatch(parts[1], LESSON_PATTERN)):
                raise WorkspaceError(
                    f"Unexpected file {info.filename!r}: the zip should hold <assignment>/<nb>.ipynb "
                    f"(and {COURSE}/<lesson>.ipynb)."
                )
        for info in members:
            assignment, name = info.filename.split("/")
            if assignment not in report.folders:
                report.folders[assignment] = _restore_folder(assignment, exercises, start, home)
            data = archive.read(info)
            target = report.folders[assignment] / name
            zipped_time = datetime(*info.date_time).timestamp()
            if target.exists() and target.read_bytes() == data:
                report.unchanged.append(info.filename)
            elif (
                target.exists()
                and not _untouched(target, lesson=assignment == COURSE)
                and target.stat().st_mtime > zipped_time + 2
            ):
                target.with_name(target.name[: -len(".ipynb")] + ASIDE).write_bytes(data)
                report.kept.append(info.filename)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                os.utime(target, (zipped_time, zipped_time))
                report.restored.append(info.filename)
    return report


def _notes_file() -> Path:
    """The learner's small store (the student id typed last): $MVS_NOTES_FILE, else
    ~/.mvs_course/notes.json."""
    return Path(os.environ.get("MVS_NOTES_FILE", Path.home() / ".mvs_course" / "notes.json"))


def remembered_student() -> str:
    """The student id typed last time ("" when none, or no home folder, as in a grading sandbox)."""
    try:
        data = json.loads(_notes_file().read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError):
        return ""
    return str(data.get(STUDENT_KEY, "")) if isinstance(data, dict) else ""


def remember_student(student: str) -> None:
    """Store the student id for the next widget; a store that cannot be written is skipped."""
    try:
        path = _notes_file()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        data = data if isinstance(data, dict) else {}
        data[STUDENT_KEY] = student
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except (OSError, RuntimeError):
        pass
