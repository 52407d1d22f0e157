"""``mvs-course build``: everything generated from the hand-written sources, in one command.

1. navigation of the lessons and the start page (:mod:`mvs_course.authoring.nav`);
2. the learner-check data of every assignment (:mod:`mvs_course.authoring.checks`), written to
   ``src/mvs_course/checks/data/<assignment>.json``; the salt of an existing file is kept, so
   an unchanged solution gives an unchanged file;
3. the releases in ``exercises/`` (``mvs_course.grading.release.release``), with the check and
   save-work cells inserted by the release preprocessors named in ``nbgrader_config.py``.

Releases are made through a scratch course directory, so no gradebook is touched: a grading
course directory picks up the new version when it grades. ``check=True`` writes nothing and
names what is out of date.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

import nbformat

from mvs_course.grading.course import CourseError

from . import checks

UP_TO_DATE = "Everything is up to date."  # the only line build(check=True) returns when nothing is stale


def assignments(project: Path) -> list[str]:
    folder = project / "solutions"
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def _rel(project: Path, path: Path) -> str:
    return str(path.relative_to(project)) if path.is_relative_to(project) else str(path)


def navigation(project: Path, check: bool) -> list[str]:
    """Lesson navigation through lessons-a's ``authoring.nav`` (or the older tools/course_nav.py)."""
    try:
        from . import nav  # type: ignore[attr-defined]
    except ImportError:
        nav = None
    if nav is not None:  # one line per notebook changed or stale, then lesson-format problems
        return nav.update(project, check)
    script = project / "tools" / "course_nav.py"
    if not script.is_file():
        return []
    spec = importlib.util.spec_from_file_location("_mvs_course_nav", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    if Path(module.ROOT).resolve() != project.resolve():
        return []
    lines = []
    for path, text in module.render().items():
        if path.read_text(encoding="utf-8") == text:
            continue
        if check:
            lines.append(f"{_rel(project, path)} is out of date")
        else:
            path.write_text(text, encoding="utf-8")
            lines.append(f"{_rel(project, path)} updated")
    return lines


def check_data(project: Path, names: list[str], check: bool) -> list[str]:
    lines = []
    for name in names:
        try:
            text = checks.render(checks.check_data(project, name, salt=checks.current_salt(project, name)))
        except checks.CheckDataError as error:
            raise CourseError(f"Cannot build the checks of {name}: {error}") from None
        path = checks.data_path(project, name)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        if check:
            lines.append(f"{_rel(project, path)} is out of date")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            lines.append(f"{_rel(project, path)} updated")
    return lines


def notebook_form(path: Path) -> str:
    """A notebook as compared for freshness: cells and their metadata, no outputs."""
    nb = nbformat.read(path, as_version=4)
    cells = [
        {"id": c.get("id"), "type": c.cell_type, "source": c.source, "metadata": c.get("metadata", {})}
        for c in nb.cells
    ]
    return json.dumps(cells, sort_keys=True)


def _release(project: Path, names: list[str], release_dir: Path) -> None:
    from mvs_course.grading.course import Course
    from mvs_course.grading.release import release

    with tempfile.TemporaryDirectory(prefix="mvs-build-") as scratch:
        course = Course.open(Path(scratch) / "course", project=project, release_dir=release_dir)
        release(course, names)


def releases(project: Path, names: list[str], check: bool) -> list[str]:
    target = project / "exercises"
    with tempfile.TemporaryDirectory(prefix="mvs-release-") as fresh_dir:
        fresh = Path(fresh_dir)
        _release(project, names, fresh)
        lines = []
        for name in names:
            new = {p.name: p for p in (fresh / name).glob("*.ipynb")}
            old = {p.name: p for p in (target / name).glob("*.ipynb")} if (target / name).is_dir() else {}
            stale = sorted(set(old) - set(new))
            changed = sorted(n for n in new if n not in old or notebook_form(new[n]) != notebook_form(old[n]))
            for nb_name in stale + changed:
                where = _rel(project, target / name / nb_name)
                if check:
                    lines.append(f"{where} is out of date")
                    continue
                if nb_name in new:
                    (target / name).mkdir(parents=True, exist_ok=True)
                    (target / name / nb_name).write_bytes(new[nb_name].read_bytes())
                    lines.append(f"{where} updated")
                else:
                    (target / name / nb_name).unlink()
                    lines.append(f"{where} removed")
    return lines


def build(project: Path, *, check: bool = False) -> list[str]:
    """Regenerate navigation, check data and releases; ``check=True`` only reports what is stale.

    Returns lines to print. Raises CourseError (plain message) when a source cannot be built.
    """
    project = Path(project).resolve()
    if not (project / "solutions").is_dir():
        raise CourseError(f"{project} has no solutions/ folder: is it the course project?")
    names = assignments(project)
    lines = navigation(project, check)
    lines += check_data(project, names, check)
    lines += releases(project, names, check)
    if not lines:
        lines.append(UP_TO_DATE if check else "Nothing to change: all was up to date.")
    return lines
