"""Collect: put submissions, as students really return them, where nbgrader looks for them.

Accepted inputs (files, zips, folders, and zips inside zips):

- a notebook downloaded from JupyterLab/Binder named ``<student>__<assignment>.ipynb``
  (or any name, with ``student=...``);
- the learner download ``<student>__<assignment>.zip`` holding ``<assignment>/<nb>.ipynb``
  (see :mod:`mvs_course.submission`);
- LMS bulk downloads: Canvas ``<name>_[late_]<userid>_<subid>_<file>`` and Moodle
  ``<Full Name>_<userid>_assignsubmission_file_/<file>`` (or the same without the folder).

Rules that keep every student's work:

- Inputs are read by :mod:`~mvs_course.grading.unpack` (no symbolic links, zips streamed with
  limits); what cannot be placed is reported NOT PLACED with a reason, and the rest is placed.
- Who a file belongs to: ``student=`` (the instructor says so) before the LMS user id (the LMS
  checked who uploaded it) before a name (anyone can name a file anything). LMS submissions are
  keyed by the LMS's numeric user id (see :mod:`~mvs_course.grading.students`).
- A file never replaces another student's submission: a name alone never places work for a
  student the LMS knows, nor for one whose LMS submission came in the same upload; a named file
  dated in the future is not believed; a file older than the submission already placed does
  not replace it. An earlier submission that is replaced moves to
  ``superseded/<student>/<assignment>/<UTC time>/``, never overwritten silently.
- Each placed submission gets nbgrader's ``timestamp.txt`` (the LMS's or zip's time, else the
  file's), so ``AssignLatePenalties`` works; a late submission is flagged in the report.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from ..submission import SEPARATOR, parse_submission_name
from .course import Course
from .precheck import read_problem
from .safetext import printable
from .students import Students
from .unpack import COPY_SUFFIX, Item, Limits, Unpacker, age_key

MOODLE = re.compile(
    r"^(?P<name>[^/]+?)_(?P<lms_id>\d+)_assignsubmission_(?:file|onlinetext)_(?:/(?P<inner>.*)|(?P<file>.+))$",
    re.S,
)
CANVAS = re.compile(r"^(?P<name>[^/_]+?)_(?P<late>late_)?(?P<lms_id>\d+)_\d+_(?P<file>[^/]+)$", re.I | re.S)
DOWNLOAD = re.compile(rf"^(?P<student>.+?){SEPARATOR}(?P<assignment>.+?)\.ipynb$", re.S)
TIMESTAMP_FILE = "timestamp.txt"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's exchange format, in UTC
FUTURE_SLACK = {"file": timedelta(minutes=10), "zip": timedelta(days=1)}  # zip times are local
RANK = {"instructor": 3, "lms": 2, "name": 1}
DEFAULT_LIMITS = Limits()
WHO = {"instructor": "--student", "lms": "the LMS", "name": "a file name"}


@dataclass(frozen=True)
class Placed:
    source: str
    student: str
    dest: Path
    superseded: Path | None = None
    warning: str = ""  # everything the instructor should look at, late flag included
    display_name: str = ""
    submitted_at: datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class Unplaced:
    source: str
    reason: str


@dataclass
class CollectReport:
    """What collect did; every string in it is printable (no control characters)."""

    placed: list[Placed] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    older: list[str] = field(default_factory=list)  # earlier versions in the same upload, skipped
    skipped: list[str] = field(default_factory=list)  # not submissions (lessons in a learner zip)

    def lines(self, course_dir: Path | None = None) -> list[str]:
        """The report as lines to print."""

        def rel(path: Path) -> str:
            return printable(path.relative_to(course_dir) if course_dir else path)

        out = []
        for p in self.placed:
            who = f"{p.student} ({p.display_name})" if p.display_name else p.student
            out.append(f"placed    {who}: {p.source} -> {rel(p.dest)}")
            if p.superseded:
                out.append(f"          earlier submission kept at {rel(p.superseded)}")
            if p.warning:
                out.append(f"          WARNING: {p.warning}")
        out += [f"unchanged {label} (identical to what is already in submitted/)" for label in self.unchanged]
        out += [
            f"older     {label} (a later version of the same notebook was in this upload)"
            for label in self.older
        ]
        out += [f"skipped   {label}" for label in self.skipped]
        out += [f"NOT PLACED {u.source}: {u.reason}" for u in self.unplaced]
        late = sum(p.late for p in self.placed)
        out.append(
            f"{len(self.placed)} placed ({late} late), {len(self.unchanged)} unchanged, "
            f"{len(self.unplaced)} not placed"
        )
        return out


@dataclass
class _Claim:
    """One notebook and who it says it belongs to."""

    item: Item
    notebook: str
    kind: str  # "instructor", "lms" or "name"
    name: str  # the student's name as given (display name, file name part, --student)
    lms_user_id: str | None = None
    lms_late: bool = False
    student: str = ""

    @property
    def label(self) -> str:
        return self.item.label


def _segments(item: Item) -> list[str]:
    return [part for name in item.chain for part in name.split("/") if part]


def _lms(item: Item) -> tuple[str, str, bool, str] | None:
    """(display name, LMS user id, marked late, file name) from the outermost LMS-shaped name."""
    parts = _segments(item)
    for index, part in enumerate(parts):
        rest = "/".join(parts[index:])
        found = MOODLE.match(rest)
        if found:
            return found["name"], found["lms_id"], False, PurePosixPath(found["file"] or rest).name
        found = CANVAS.match(part)
        if found:
            return found["name"], found["lms_id"], bool(found["late"]), found["file"]
    return None


def _notebook_name(file_name: str, notebooks: list[str]) -> str | None:
    stem = COPY_SUFFIX.sub("", PurePosixPath(file_name).stem)
    if f"{stem}.ipynb" in notebooks:
        return f"{stem}.ipynb"
    return notebooks[0] if len(notebooks) == 1 else None


class _Skip(str):
    """A file that is not a submission at all (a lesson notebook in a learner's zip): not an error."""


def _identify(item: Item, assignment: str, notebooks: list[str], student: str | None) -> _Claim | str:
    """Who ``item`` belongs to and which notebook it is, or the reason it cannot be placed."""
    if not item.name.lower().endswith(".ipynb"):
        return "not a notebook (.ipynb)"
    lms = _lms(item)
    file_name = lms[3] if lms else PurePosixPath(item.name).name
    named = None
    for index, zip_name in enumerate(item.chain[:-1]):  # a learner zip <student>__<assignment>.zip
        base = PurePosixPath(zip_name).name
        found = CANVAS.match(base)
        parsed = parse_submission_name(found["file"] if found else base)
        if parsed:
            if parsed[1] != assignment:
                return f"the zip is for assignment {printable(parsed[1])!r}, not {assignment!r}"
            inside = PurePosixPath(item.chain[index + 1]).parent.as_posix()
            if inside != assignment:  # the learner's lesson notebooks (reflections) travel along
                return _Skip(f"{item.label} (outside the zip's {assignment}/ folder: not a submission)")
            named = parsed[0]
    download = DOWNLOAD.match(PurePosixPath(file_name).name)
    if download:
        if download["assignment"] != assignment:
            return f"the name says assignment {printable(download['assignment'])!r}, not {assignment!r}"
        named = named or download["student"]
        if len(notebooks) == 1:
            file_name = notebooks[0]
    notebook = _notebook_name(file_name, notebooks)
    if notebook is None:
        return f"cannot tell which notebook of {assignment} it is (expected one of {', '.join(notebooks)})"
    if student:
        return _Claim(item, notebook, "instructor", student)
    if lms:
        return _Claim(item, notebook, "lms", lms[0], lms_user_id=lms[1], lms_late=lms[2])
    if named:
        return _Claim(item, notebook, "name", named)
    return f"no student id in the name: rename it <student>{SEPARATOR}{assignment}.ipynb or pass --student"


def _resolve(claims: list[_Claim], students: Students, unplaced: list[Unplaced]) -> list[_Claim]:
    """Give each claim a student id (LMS users in the order of their ids, so ids are stable)."""
    resolved = []
    lms_first = sorted(claims, key=lambda c: (c.kind != "lms", int(c.lms_user_id or 0)))
    for claim in lms_first:
        try:
            if claim.kind == "lms":
                claim.student = students.for_lms(claim.lms_user_id, claim.name)
            else:
                claim.student = students.for_name(claim.name)
                students.note_name(claim.student, claim.name)
        except ValueError as err:
            unplaced.append(Unplaced(claim.label, f"cannot make a student id: {printable(err)}"))
            continue
        resolved.append(claim)
    return resolved


def _choose(claims: list[_Claim], students: Students, report: CollectReport, now: datetime) -> list[_Claim]:
    """One claim per (student, notebook): the strongest kind of claim, then the latest."""
    groups: dict[tuple[str, str], list[_Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.student, claim.notebook), []).append(claim)
    chosen = []
    for (who, notebook), group in groups.items():
        top = max(RANK[c.kind] for c in group)
        candidates = []
        for claim in group:
            if RANK[claim.kind] < top:
                strongest = next(c for c in group if RANK[c.kind] == top)
                report.unplaced.append(
                    Unplaced(
                        claim.label,
                        f"{who}'s {notebook} also came through {WHO[strongest.kind]} ({strongest.label}); "
                        f"{WHO[claim.kind]} does not prove who sent this one: collect it with --student "
                        "if it is theirs",
                    )
                )
            elif claim.kind == "name" and students.lms_user(who):
                report.unplaced.append(
                    Unplaced(
                        claim.label,
                        f"{who} hands in through the LMS (user id {printable(students.lms_user(who))}); "
                        "a file name does not prove who sent this one: collect it with --student "
                        "if it is theirs",
                    )
                )
            elif (
                claim.kind == "name"
                and claim.item.time
                and claim.item.time > now + FUTURE_SLACK[claim.item.time_from]
            ):
                report.unplaced.append(
                    Unplaced(
                        claim.label,
                        f"dated in the future ({claim.item.time:%Y-%m-%d %H:%M} UTC): not trusted to replace "
                        "anything; check it and collect it with --student if it is genuine",
                    )
                )
            else:
                candidates.append(claim)
        candidates.sort(key=lambda c: age_key(c.item.time, PurePosixPath(c.item.name).name))
        report.older += [c.label for c in candidates[:-1]]
        chosen += candidates[-1:]
    return chosen


def _read_timestamp(folder: Path) -> datetime | None:
    from nbgrader.utils import parse_utc

    try:
        text = (folder / TIMESTAMP_FILE).read_text(encoding="utf-8").strip()
        return parse_utc(text).replace(tzinfo=UTC) if text else None
    except (OSError, ValueError, OverflowError):
        return None


def _due_date(course: Course, assignment: str) -> datetime | None:
    url = course.db_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).is_file():
        return None
    from nbgrader.api import MissingEntry
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with course.gradebook() as gb:
            due = gb.find_assignment(assignment).duedate
    except (MissingEntry, SQLAlchemyError):
        return None
    return due.replace(tzinfo=UTC) if due else None


def _same_bytes(path: Path, item: Item) -> bool:
    if path.is_symlink() or not path.is_file() or path.stat().st_size != item.file.stat().st_size:
        return False
    return path.read_bytes() == item.file.read_bytes()


def _place(
    course: Course,
    assignment: str,
    claim: _Claim,
    stamp: str,
    students: Students,
    due: datetime | None,
) -> Placed | Unplaced | None:
    """Put one chosen claim in submitted/ (None: identical to what is there)."""
    folder = course.course_dir / "submitted" / claim.student / assignment
    dest = folder / claim.notebook
    when = claim.item.time
    superseded = None
    if dest.exists() or dest.is_symlink():
        if _same_bytes(dest, claim.item):
            return None
        placed_at = _read_timestamp(folder)
        if claim.kind != "instructor" and placed_at and when and when < placed_at:
            return Unplaced(
                claim.label,
                f"older than {claim.student}'s submission already in submitted/ ({placed_at:%Y-%m-%d %H:%M} "
                "UTC): kept that one; collect this with --student to replace it",
            )
        old = course.course_dir / "superseded" / claim.student / assignment / stamp
        old.mkdir(parents=True, exist_ok=True)
        superseded = old / claim.notebook
        os.replace(dest, superseded)
        if (folder / TIMESTAMP_FILE).exists() and not (old / TIMESTAMP_FILE).exists():
            shutil.copy2(folder / TIMESTAMP_FILE, old / TIMESTAMP_FILE)
    folder.mkdir(parents=True, exist_ok=True)
    os.replace(claim.item.file, dest)
    if when is not None:
        (folder / TIMESTAMP_FILE).write_text(when.strftime(TIMESTAMP_FORMAT) + "\n", encoding="utf-8")
    notes = []
    problem, _readable = read_problem(claim.notebook, dest.read_bytes())
    if problem:
        notes.append(printable(problem))
    late = claim.lms_late or bool(due and when and when > due)
    if claim.lms_late:
        notes.append("LATE: the LMS marked it late")
    elif late:
        notes.append(f"LATE: handed in {when:%Y-%m-%d %H:%M} UTC, due {due:%Y-%m-%d %H:%M} UTC")
    if students.not_in_roster(claim.student):
        notes.append(f"{claim.student} is not in the roster")
    display = printable(claim.name) if claim.kind != "instructor" and claim.name != claim.student else ""
    return Placed(claim.label, claim.student, dest, superseded, "; ".join(notes), display, when, late)


def collect(
    course: Course,
    assignment: str,
    inputs: list[Path | str],
    student: str | None = None,
    *,
    roster: Path | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> CollectReport:
    """Place every notebook found in ``inputs`` at submitted/<student>/<assignment>/<nb>.ipynb.

    ``student`` names the student of every input (the instructor vouches for it); ``roster``
    is a CSV in ``nbgrader db student import`` format mapping LMS user ids to student ids.
    """
    course.check_assignment(assignment)
    notebooks = sorted(p.name for p in (course.source_dir / assignment).glob("*.ipynb"))
    submitted = course.course_dir / "submitted"
    folders = sorted(p.name for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []
    students = Students.load(course, roster, folders)
    report = CollectReport()
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    due = _due_date(course, assignment)
    with tempfile.TemporaryDirectory(dir=course.course_dir, prefix=".collect-") as work:
        unpacker = Unpacker(Path(work), limits)
        claims = []
        for path in map(Path, inputs):
            try:
                for item in unpacker.items(path):
                    if item.problem:
                        report.unplaced.append(Unplaced(item.label, item.problem))
                        continue
                    found = _identify(item, assignment, notebooks, student)
                    if isinstance(found, _Skip):
                        report.skipped.append(str(found))
                    elif isinstance(found, str):
                        report.unplaced.append(Unplaced(item.label, found))
                    else:
                        claims.append(found)
            except Exception as err:  # never let one input stop the others
                report.unplaced.append(Unplaced(printable(path), f"stopped reading: {_describe(err)}"))
        chosen = _choose(_resolve(claims, students, report.unplaced), students, report, now)
        students.record(course)  # before placing: ids must be the same next time
        for claim in sorted(chosen, key=lambda c: (c.student, c.notebook)):
            try:
                outcome = _place(course, assignment, claim, stamp, students, due)
            except Exception as err:
                outcome = Unplaced(claim.label, f"could not be placed: {_describe(err)}")
            if outcome is None:
                report.unchanged.append(claim.label)
            elif isinstance(outcome, Unplaced):
                report.unplaced.append(outcome)
            else:
                report.placed.append(outcome)
    return report


def _describe(err: BaseException) -> str:
    return printable(f"{type(err).__name__}: {err}")[:300]
