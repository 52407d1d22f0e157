"""The learner's own work: find it, zip it for download, and unzip it back into a new session.

A download is ``<student>__<assignment>.zip`` (see :mod:`mvs_course.submission`) holding
``<assignment>/<notebook>.ipynb``: exactly what ``mvs-course collect`` ingests. Restoring
never overwrites newer work: a notebook edited after the zipped copy stays, and the
zipped copy is written beside it as ``<notebook>.from-zip.ipynb``.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

from .submission import parse_submission_name, safe_id, submission_name

ASIDE = ".from-zip.ipynb"
STUB = "raise NotImplementedError()"


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
    """Assignment folders that hold at least one notebook."""
    return sorted(p.name for p in exercises.iterdir() if p.is_dir() and work_notebooks(p))


def work_notebooks(folder: Path) -> list[Path]:
    """The notebooks of one assignment folder, without checkpoints or set-aside copies."""
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.endswith(ASIDE))


def zip_bytes(exercises: Path, assignment: str) -> bytes:
    """The zip of one assignment's notebooks, as ``<assignment>/<notebook>.ipynb`` members."""
    folder = exercises / assignment
    notebooks = work_notebooks(folder) if folder.is_dir() else []
    if not notebooks:
        raise WorkspaceError(f"No notebooks in {folder}: nothing to download.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in notebooks:
            info = zipfile.ZipInfo(f"{assignment}/{path.name}", time.localtime(path.stat().st_mtime)[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def write_zip(student: str, exercises: Path, assignment: str, out_dir: Path) -> Path:
    """Write ``<student>__<assignment>.zip`` into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / submission_name(student, assignment)
    path.write_bytes(zip_bytes(exercises, safe_id(assignment)))
    return path


def _untouched(path: Path) -> bool:
    """True when every answer cell still holds the release stub (nothing of the learner's)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # an unreadable notebook holds nothing worth keeping
        return True
    answers = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    return all(STUB in c.source for c in answers)


@dataclass
class RestoreReport:
    """What :func:`restore_work` did with each notebook in the zip."""

    restored: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # newer local work kept; zip copy set aside
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Restored: {name}" for name in self.restored]
        lines += [f"Kept your newer {name}; the zipped copy is beside it as *{ASIDE}" for name in self.kept]
        lines += [f"Already up to date: {name}" for name in self.unchanged]
        return "\n".join(lines) or "The zip held no notebooks."


def restore_work(zip_file: Path | str | bytes, exercises: Path | None = None) -> RestoreReport:
    """Unzip a downloaded ``<student>__<assignment>.zip`` back into ``exercises/``."""
    exercises = exercises or find_exercises()
    source = io.BytesIO(zip_file) if isinstance(zip_file, bytes) else Path(zip_file)
    if isinstance(source, Path) and parse_submission_name(source.name) is None:
        raise WorkspaceError(f"{source.name} is not named <student>__<assignment>.zip.")
    report = RestoreReport()
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            parts = info.filename.split("/")
            if info.is_dir():
                continue
            if len(parts) != 2 or not parts[1].endswith(".ipynb") or ".." in parts or not all(parts):
                raise WorkspaceError(
                    f"Unexpected file {info.filename!r}: the zip should hold <assignment>/<nb>.ipynb."
                )
            data = archive.read(info)
            target = exercises / parts[0] / parts[1]
            zipped_time = datetime(*info.date_time).timestamp()
            if target.exists() and target.read_bytes() == data:
                report.unchanged.append(info.filename)
            elif target.exists() and not _untouched(target) and target.stat().st_mtime > zipped_time + 2:
                target.with_name(target.name[: -len(".ipynb")] + ASIDE).write_bytes(data)
                report.kept.append(info.filename)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                os.utime(target, (zipped_time, zipped_time))
                report.restored.append(info.filename)
    return report
