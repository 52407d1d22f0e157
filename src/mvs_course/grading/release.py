"""Release: generate student versions in exercises/ and refuse releases that leak answers."""

from __future__ import annotations

from pathlib import Path

import nbformat

from .course import Course, CourseError

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def leaks(release: Path) -> list[str]:
    """Every place in a released assignment folder where a solution marker survived."""
    found = []
    for path in sorted(release.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            for marker in LEAK_MARKERS:
                if marker in cell.source:
                    found.append(f"{path.name} cell {i}: contains {marker!r}")
    return found


def release(course: Course, assignments: list[str] | None = None) -> dict[str, Path]:
    """Regenerate each assignment's student version; raise CourseError on failure or leak."""
    names = assignments or course.assignments()
    api = course.api()
    done = {}
    for name in names:
        course.check_assignment(name)
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise CourseError(f"nbgrader could not release {name}:\n{result.get('error', '')}")
        out = course.release_dir / name
        problems = leaks(out)
        if problems:
            raise CourseError(f"Release of {name} would leak answers:\n" + "\n".join(problems))
        done[name] = out
    return done
