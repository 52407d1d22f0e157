"""A gradebook that ``mvs-course`` creates is the one nbgrader would create: the same tables and
the same alembic revision (nbgrader asks ``alembic heads`` in a subprocess; we ask alembic's API),
so plain nbgrader opens it as its own and ``nbgrader db upgrade`` has nothing to do."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from fixtures.command import command
from nbgrader.api import Gradebook

from mvs_course.grading.course import ensure_gradebook, ensure_venv_on_path


def _schema(path: Path) -> tuple[list, list]:
    with sqlite3.connect(path) as db:
        tables = sorted(db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
        version = db.execute("SELECT version_num FROM alembic_version").fetchall()
    return tables, version


@pytest.mark.slow  # nbgrader's way starts `alembic` (3 s)
def test_a_new_gradebook_equals_nbgraders_own(tmp_path):
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    ensure_gradebook(f"sqlite:///{ours}")
    ensure_venv_on_path()
    with Gradebook(f"sqlite:///{theirs}"):  # nbgrader's way (runs `alembic heads`)
        pass
    assert _schema(ours) == _schema(theirs)
    assert len(_schema(ours)[1]) == 1


def test_an_existing_gradebook_is_left_as_it_is(tmp_path):
    path = tmp_path / "gradebook.db"
    ensure_gradebook(f"sqlite:///{path}")
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.add_student("ana")
    ensure_gradebook(f"sqlite:///{path}")
    with Gradebook(f"sqlite:///{path}") as gb:
        assert [s.id for s in gb.students] == ["ana"]


@pytest.mark.slow  # a plain `nbgrader` command
def test_nbgrader_finds_nothing_to_upgrade(tmp_path):
    path = tmp_path / "gradebook.db"
    ensure_gradebook(f"sqlite:///{path}")
    before = _schema(path)
    done = subprocess.run(
        command("nbgrader", "db", "upgrade", f"--CourseDirectory.db_url=sqlite:///{path}"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _schema(path) == before
