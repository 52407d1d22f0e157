"""Collect: put submissions, as students really return them, where nbgrader looks for them.

Accepted inputs (files, zips, folders, and zips inside zips):

- a notebook downloaded from JupyterLab/Binder named ``<student>__<assignment>.ipynb``
  (or any name, with ``student=...``);
- the learner download ``<student>__<assignment>.zip`` holding ``<assignment>/<nb>.ipynb``
  (see :mod:`mvs_course.submission`);
- LMS bulk downloads: Canvas ``<name>_[late_]<userid>_<subid>_<file>.ipynb`` and Moodle
  ``<Full Name>_<id>_assignsubmission_file_/<file>.ipynb``.

File names are parsed with nbgrader's ``FileNameCollectorPlugin`` (the zip_collect machinery).
An earlier submission is never overwritten silently: it moves to
``superseded/<student>/<assignment>/<UTC time>/`` and the report says so.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import nbformat
from nbgrader.plugins import FileNameCollectorPlugin

from ..submission import SEPARATOR, parse_submission_name, safe_id
from .course import Course, CourseError

# (kind, regular expression for FileNameCollectorPlugin, applied to the path inside the input)
PATTERNS = [
    (
        "moodle",
        r"(?:.*/)?(?P<student_id>[^/]+?)_(?P<lms_id>\d+)_assignsubmission_file_/(?:.*/)?(?P<file_id>[^/]+)$",
    ),
    ("canvas", r"(?:.*/)?(?P<student_id>[A-Za-z0-9-]+?)(?:_late)?_\d+_\d+_(?P<file_id>[^/]+)$"),
    ("download", rf"(?:.*/)?(?P<student_id>[^/]+?){SEPARATOR}(?P<assignment>[^/]+?)\.ipynb$"),
]
_JUNK = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints)(/|$)|(^|/)\.[^/]*$")
_COPY_SUFFIX = re.compile(r"(-\d+| \(\d+\))$")  # Canvas "-1", browsers " (1)"


@dataclass(frozen=True)
class Placed:
    source: str
    student: str
    dest: Path
    superseded: Path | None = None
    warning: str = ""


@dataclass(frozen=True)
class Unplaced:
    source: str
    reason: str


@dataclass
class CollectReport:
    placed: list[Placed] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    older: list[str] = field(default_factory=list)  # earlier versions in the same upload, skipped


@dataclass(frozen=True)
class _Entry:
    label: str  # where it came from, for the report
    name: str  # path inside the outermost input, POSIX
    data: bytes
    student: str | None  # known from an enclosing learner zip or LMS folder
    zip_assignment: str | None  # assignment named by an enclosing learner zip


def _collector(regexp: str) -> FileNameCollectorPlugin:
    return FileNameCollectorPlugin(named_regexp=regexp, valid_ext=[".ipynb", ".zip"])


def _lms_student(name: str) -> tuple[str | None, str]:
    """(student id, file name) when ``name`` follows an LMS pattern, else (None, basename)."""
    for _kind, regexp in PATTERNS[:2]:
        found = _collector(regexp).collect(name)
        if found:
            return safe_id(found["student_id"]).lower(), found["file_id"]
    return None, PurePosixPath(name).name


def _age(when: tuple, name: str) -> tuple:
    """Sort key putting later versions last: time, then a copy suffix ("-1", " (2)"), then name."""
    suffix = _COPY_SUFFIX.search(PurePosixPath(name).stem)
    number = int(re.sub(r"\D", "", suffix.group(1))) if suffix else 0
    return (when, number, name)


def _entries_of_zip(label: str, data: bytes, student: str | None, assignment: str | None) -> Iterator[_Entry]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = sorted(
            (i for i in zf.infolist() if not i.is_dir()), key=lambda i: _age(i.date_time, i.filename)
        )
        for info in infos:
            yield from _expand(f"{label}:{info.filename}", info.filename, zf.read(info), student, assignment)


def _expand(
    label: str, name: str, data: bytes, student: str | None, assignment: str | None
) -> Iterator[_Entry]:
    """Entries of one file; zips (a learner zip, an LMS bulk zip, or a learner zip inside an LMS
    folder) are opened, and the student or assignment their names give is passed down."""
    if _JUNK.search(name):
        return
    if name.lower().endswith(".zip"):
        lms_student, inner = _lms_student(name)
        parsed = parse_submission_name(inner)
        if parsed:
            student = student or lms_student or safe_id(parsed[0])
            assignment = parsed[1]
        else:
            student = student or lms_student
        try:
            yield from _entries_of_zip(label, data, student, assignment)
        except zipfile.BadZipFile:
            yield _Entry(label, name, b"", student, "<bad zip>")
        return
    yield _Entry(label, name, data, student, assignment)


def _entries(path: Path) -> Iterator[_Entry]:
    if path.is_dir():
        files = sorted(
            (p for p in path.rglob("*") if p.is_file()), key=lambda p: _age((p.stat().st_mtime,), p.name)
        )
        for p in files:
            rel = p.relative_to(path).as_posix()
            yield from _expand(str(p), rel, p.read_bytes(), None, None)
    elif path.is_file():
        yield from _expand(str(path), path.name, path.read_bytes(), None, None)
    else:
        raise CourseError(f"{path} does not exist")


def _notebook_name(file_name: str, notebooks: list[str]) -> str | None:
    stem = PurePosixPath(file_name).stem
    stem = _COPY_SUFFIX.sub("", stem)
    if f"{stem}.ipynb" in notebooks:
        return f"{stem}.ipynb"
    return notebooks[0] if len(notebooks) == 1 else None


def _identify(
    entry: _Entry, assignment: str, notebooks: list[str], student: str | None
) -> tuple[str, str] | str:
    """(student, notebook name) for an entry, or the reason it cannot be placed."""
    if entry.zip_assignment == "<bad zip>":
        return "not a readable zip file"
    if entry.zip_assignment and entry.zip_assignment != assignment:
        return f"the zip is for assignment {entry.zip_assignment!r}, not {assignment!r}"
    if not entry.name.lower().endswith(".ipynb"):
        return "not a notebook (.ipynb)"
    found_student, file_name = _lms_student(entry.name)
    who = student or entry.student or found_student
    download = _collector(PATTERNS[2][1]).collect(PurePosixPath(file_name).name)
    if download:
        if download["assignment"] != assignment:
            return f"the name says assignment {download['assignment']!r}, not {assignment!r}"
        who = who or safe_id(download["student_id"])
        file_name = notebooks[0] if len(notebooks) == 1 else file_name
    if not who:
        return (
            f"no student id in the name: rename it <student>{SEPARATOR}{assignment}.ipynb or pass --student"
        )
    nb_name = _notebook_name(file_name, notebooks)
    if nb_name is None:
        return f"cannot tell which notebook of {assignment} it is (expected one of {', '.join(notebooks)})"
    return who, nb_name


def collect(
    course: Course, assignment: str, inputs: list[Path | str], student: str | None = None
) -> CollectReport:
    """Place every notebook found in ``inputs`` at submitted/<student>/<assignment>/<nb>.ipynb."""
    course.check_assignment(assignment)
    notebooks = sorted(p.name for p in (course.source_dir / assignment).glob("*.ipynb"))
    student = safe_id(student) if student else None
    report = CollectReport()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    latest: dict[tuple[str, str], _Entry] = {}
    for item in inputs:
        for entry in _entries(Path(item)):
            found = _identify(entry, assignment, notebooks, student)
            if isinstance(found, str):
                report.unplaced.append(Unplaced(entry.label, found))
                continue
            if found in latest:
                report.older.append(latest[found].label)
            latest[found] = entry
    for (who, nb_name), entry in latest.items():
        placed = _place(course, assignment, who, nb_name, entry, stamp)
        if placed is None:
            report.unchanged.append(entry.label)
        else:
            report.placed.append(placed)
    return report


def _place(
    course: Course, assignment: str, who: str, nb_name: str, entry: _Entry, stamp: str
) -> Placed | None:
    folder = course.course_dir / "submitted" / who / assignment
    dest = folder / nb_name
    superseded = None
    if dest.exists():
        if dest.read_bytes() == entry.data:
            return None
        old = course.course_dir / "superseded" / who / assignment / stamp
        old.mkdir(parents=True, exist_ok=True)
        superseded = old / nb_name
        shutil.move(dest, superseded)
    folder.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(entry.data)
    warning = ""
    try:
        nbformat.validate(nbformat.reads(entry.data.decode("utf-8"), as_version=4))
    except Exception as err:  # any parse failure means the same to the instructor
        warning = f"not a valid notebook ({type(err).__name__}); grading will score it 0"
    return Placed(entry.label, who, dest, superseded, warning)
