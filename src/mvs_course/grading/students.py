"""Who is who at collect time: a roster, the gradebook's students, and the ``submitted/`` folders.

- An LMS submission is keyed by the LMS's numeric user id, never by its display name: two
  students called "Dan Loop" stay two students (``dan-loop`` and ``dan-loop-103``), and the
  id a user got once is kept in the gradebook (``Student.lms_user_id``), so it never moves.
- A roster in ``nbgrader db student import`` format (``id, first_name, last_name, email,
  lms_user_id``) maps LMS user ids to the instructor's own student ids.
- Ids are compared without case: ``Alice`` and ``alice`` are one student (an id already in the
  roster, the gradebook or ``submitted/`` keeps its spelling; a new one is lowercase ASCII,
  see :func:`mvs_course.submission.student_id`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import MissingEntry
from sqlalchemy.exc import SQLAlchemyError

from ..submission import student_id
from .course import Course, CourseError
from .safetext import printable

ROSTER_COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")
_USABLE = re.compile(r"^[\w.-]+$")


def usable_id(student: str) -> bool:
    """An id that is safe as a folder name and to print (any script, no control characters)."""
    return bool(_USABLE.match(student)) and student not in {".", ".."} and printable(student) == student


@dataclass
class Person:
    id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    lms_user_id: str | None = None


def _split_name(display: str) -> tuple[str | None, str | None]:
    parts = display.strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0] or None)


def read_roster(path: Path | str) -> list[Person]:
    """Rows of a roster CSV in ``nbgrader db student import`` format (``id`` required)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise CourseError(f"Cannot read the roster {path}: {printable(err)}") from err
    if rows and "id" not in rows[0]:
        raise CourseError(
            f"The roster {path} has no 'id' column; expected the columns of `nbgrader db student "
            f"import`: {', '.join(ROSTER_COLUMNS)}."
        )
    people, seen_lms = [], {}
    for number, row in enumerate(rows, 2):
        values = {key: (row.get(key) or "").strip() or None for key in ROSTER_COLUMNS}
        if not values["id"]:
            raise CourseError(f"The roster {path}, line {number}: the id is empty.")
        if not usable_id(values["id"]):
            raise CourseError(
                f"The roster {path}, line {number}: the id {printable(values['id'])!r} cannot be a folder "
                "name (use letters, digits, '.', '_' and '-')."
            )
        lms = values["lms_user_id"]
        if lms and lms in seen_lms:
            raise CourseError(
                f"The roster {path}, line {number}: LMS user id {printable(lms)} is also "
                f"{printable(seen_lms[lms])}'s."
            )
        if lms:
            seen_lms[lms] = values["id"]
        people.append(Person(**values))
    return people


def _gradebook_people(course: Course) -> list[Person]:
    """The gradebook's students, without creating a gradebook that does not exist yet."""
    url = course.db_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).is_file():
        return []
    try:
        with course.gradebook() as gb:
            return [
                Person(
                    s.id, s.first_name, s.last_name, s.email, str(s.lms_user_id) if s.lms_user_id else None
                )
                for s in gb.students
            ]
    except SQLAlchemyError as err:
        raise CourseError(f"Cannot read the students in {url}: {printable(err)}") from err


@dataclass
class Students:
    """Ids for LMS users and for names, stable from one collect to the next."""

    people: dict[str, Person] = field(default_factory=dict)  # id -> person
    roster: set[str] | None = None  # ids in the roster, when one was given
    added: dict[str, Person] = field(default_factory=dict)  # learned in this collect

    @classmethod
    def load(cls, course: Course, roster: Path | str | None = None, folders: list[str] = ()) -> Students:
        found = cls()
        for person in _gradebook_people(course):
            if usable_id(person.id):
                found.people[person.id] = person
        for name in folders:
            if usable_id(name):
                found.people.setdefault(name, Person(name))
        if roster is not None:
            listed = read_roster(roster)
            found.roster = {p.id for p in listed}
            for person in listed:
                known = found.people.get(person.id)
                if (
                    known
                    and known.lms_user_id
                    and person.lms_user_id
                    and known.lms_user_id != person.lms_user_id
                ):
                    raise CourseError(
                        f"The roster gives {printable(person.id)} LMS user id "
                        f"{printable(person.lms_user_id)}, the gradebook {printable(known.lms_user_id)}: "
                        "correct one of them."
                    )
                found.people[person.id] = _merge(known, person)
        return found

    def _by_lms(self, lms_user_id: str) -> str | None:
        return next((p.id for p in self.people.values() if p.lms_user_id == lms_user_id), None)

    def canonical(self, candidate: str) -> str:
        """``candidate``, or the spelling of a known id that differs from it only in case."""
        if candidate in self.people:
            return candidate
        folded = [known for known in self.people if known.casefold() == candidate.casefold()]
        return sorted(folded)[0] if folded else candidate

    def lms_user(self, student: str) -> str | None:
        person = self.people.get(student)
        return person.lms_user_id if person else None

    def for_name(self, name: str) -> str:
        """The id of a student named by a file name, a learner zip or ``--student``."""
        return self.canonical(student_id(name))

    def for_lms(self, lms_user_id: str, display: str) -> str:
        """The id of LMS user ``lms_user_id`` (shown as ``display``): the roster's or the
        gradebook's when it has one, else one made from the name, unless that id already
        belongs to another LMS user (then the user id is added to it). Call in the order of
        the user ids, so that the same upload always gives the same ids."""
        known = self._by_lms(lms_user_id)
        if known:
            return known
        try:
            base = self.canonical(student_id(display))
        except ValueError:  # a name with no letters or digits at all
            base = "student"
        chosen = base
        holder = self.people.get(chosen)
        if holder and holder.lms_user_id:  # that name is another LMS user's
            chosen = self.canonical(f"{base}-{lms_user_id}")
            holder = self.people.get(chosen)
            if holder and holder.lms_user_id and holder.lms_user_id != lms_user_id:
                chosen = f"{base}-lms-{lms_user_id}"
        first, last = _split_name(display)
        person = _merge(self.people.get(chosen), Person(chosen, first, last, None, lms_user_id))
        self.people[chosen] = self.added[chosen] = person
        return chosen

    def note_name(self, student: str, display: str) -> None:
        """Remember the name of a new student whose id cannot show it (``张伟`` ->
        ``student-3f2a9c1b``): nbgrader and the formgrader show it beside the id."""
        if student not in self.people and display and not display.isascii():
            first, last = _split_name(display)
            self.people[student] = self.added[student] = Person(student, first, last)

    def not_in_roster(self, student: str) -> bool:
        return self.roster is not None and student not in self.roster

    def record(self, course: Course) -> None:
        """Write the students learned in this collect (LMS user ids, display names) to the
        gradebook, never overwriting what it already holds."""
        if not self.added:
            return
        try:
            with course.gradebook() as gb:
                for person in self.added.values():
                    try:
                        existing = gb.find_student(person.id)
                    except MissingEntry:
                        existing = None
                    fields = {
                        key: getattr(person, key)
                        for key in ("first_name", "last_name", "email", "lms_user_id")
                        if getattr(person, key) and not (existing and getattr(existing, key))
                    }
                    gb.update_or_create_student(person.id, **fields)
        except SQLAlchemyError as err:
            raise CourseError(
                f"Cannot record the students' LMS user ids in {course.db_url} ({printable(err)}); "
                "nothing was placed. Try again when the gradebook is free."
            ) from err


def _merge(known: Person | None, new: Person) -> Person:
    if known is None:
        return new
    return Person(
        known.id,
        known.first_name or new.first_name,
        known.last_name or new.last_name,
        known.email or new.email,
        known.lms_user_id or new.lms_user_id,
    )
