"""Release: generate student versions in exercises/ and refuse releases that leak answers;
record an assignment in a course's gradebook (what nbgrader's generate_assignment does)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from .. import nbmeta
from .course import Course, CourseError, _inside

STAMPS = ".mvs-course"  # in the course dir: which version of each source the gradebook holds


def leaks(release: Path) -> list[str]:
    """Every place in a released assignment folder where a solution marker survived."""
    import nbformat

    found = []
    for path in sorted(release.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            for marker in nbmeta.leak_markers_in(cell.source):
                found.append(f"{path.name} cell {i}: contains {marker!r}")
    return found


def _last_error(outcome: dict) -> str:
    lines = [line for line in str(outcome.get("error") or outcome.get("log") or "").splitlines() if line]
    return "\n".join(lines[-3:]) or "generate_assignment failed"


def source_fingerprint(course: Course, assignment: str) -> str:
    """Of the assignment's source files: the gradebook is re-recorded when it changes."""
    digest = hashlib.sha256()
    folder = course.source_dir / assignment
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp(course: Course, assignment: str) -> Path:
    return course.course_dir / STAMPS / f"{assignment}.source-sha256"


def _generate(api, course: Course, assignment: str, records: bool) -> None:
    outcome = api.generate_assignment(assignment, force=True, create=True)
    if not outcome["success"]:
        raise CourseError(f"nbgrader could not generate {assignment}:\n{_last_error(outcome)}")
    if records:
        stamp = _stamp(course, assignment)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(source_fingerprint(course, assignment))


def prepare_gradebook(course: Course, assignment: str) -> None:
    """Record the assignment's notebooks and cells in the course's gradebook, once per version
    of its source, before grading (workers racing to create tables would collide). Writes the
    release into a throwaway folder, so exercises/ stay untouched."""
    from nbgrader.api import MissingEntry

    stamp = _stamp(course, assignment)
    if stamp.is_file() and stamp.read_text().strip() == source_fingerprint(course, assignment):
        with course.gradebook() as gb:
            try:
                if gb.find_assignment(assignment).notebooks:
                    return
            except MissingEntry:
                pass
    with tempfile.TemporaryDirectory(prefix="mvs-record-") as scratch:
        api = course.api(CourseDirectory={"release_directory": scratch})
        _generate(api, course, assignment, records=True)


def release(course: Course, assignments: list[str] | None = None) -> dict[str, Path]:
    """Regenerate each assignment's student version with nbgrader's generate_assignment;
    raise CourseError on failure or leak.

    The course's gradebook records the assignment (as ``nbgrader generate_assignment`` does),
    except when the course dir is the project itself: grading data never lands in the
    repository, so a throwaway gradebook is used (``grade`` records it where it grades).
    """
    names = assignments or course.assignments()
    for name in names:
        course.check_assignment(name)
    records = not _inside(course.course_dir, course.project)
    with tempfile.TemporaryDirectory(prefix="mvs-release-") as scratch:
        extra = {} if records else {"CourseDirectory": {"db_url": f"sqlite:///{Path(scratch) / 'gb.db'}"}}
        api = course.api(**extra)
        done = {}
        for name in names:
            _generate(api, course, name, records)
            out = course.release_dir / name
            problems = leaks(out)
            if problems:
                raise CourseError(f"Release of {name} would leak answers:\n" + "\n".join(problems))
            done[name] = out
    return done
