"""The classroom flow on nbgrader's own exchange: release, fetch, submit, collect, grade.

Two students share one exchange, as on JupyterHub. Their identity comes the way Zero to
JupyterHub gives it: every user's server runs as the Unix user ``jovyan`` and nbgrader then
takes the student id from ``JUPYTERHUB_USER``. The student commands run in their own
processes and home folders, so nothing is shared but the exchange. The instructor's course
directory is made by ``mvs-course init``, and the instructor's side uses plain ``nbgrader``
commands there (release_assignment, collect, db student list) on the gradebook that
``mvs-course grade`` fills.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from fixtures import synthetic
from fixtures.command import command

from mvs_course.cli import main
from mvs_course.grading.course import Course
from mvs_course.grading.grade import grade
from mvs_course.grading.release import release
from mvs_course.grading.scores import totals

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "01_buyer_vs_seller"
COURSE_ID = "marketing-vs-sales"

# A student's JupyterHub server: the OS user is jovyan, the hub names the student (and, as
# tests/conftest.py does, no rfc3987_syntax grammar is compiled for a format nbgrader never uses).
AS_HUB_USER = (
    "import atexit, gc, sys; sys.modules.setdefault('rfc3987_syntax', None); "
    "atexit.register(gc.freeze); "  # as tests/fixtures/command.py: the exit skips a final collection
    "import nbgrader.utils as u; u.get_osusername = lambda: 'jovyan'; "
    "from nbgrader.apps.nbgraderapp import main; sys.argv[0] = 'nbgrader'; main()"
)


def student(home: Path, name: str, exchange: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JUPYTERHUB_USER": name, "HOME": str(home)}
    cmd = [sys.executable, "-c", AS_HUB_USER, *args, f"--Exchange.root={exchange}"]
    cmd.append(f"--CourseDirectory.course_id={COURSE_ID}")
    out = subprocess.run(cmd, cwd=home, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def instructor(course_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """A plain `nbgrader` command in the course directory (its nbgrader_config.py applies)."""
    out = subprocess.run(command("nbgrader", *args), cwd=course_dir, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


@pytest.mark.slow
def test_release_fetch_submit_collect_grade(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    folder = tmp_path / "instructor"
    assert main(["init", str(folder)]) == 0
    # the class's own settings go at the end of the course dir's config, as the README says;
    # the release goes to a scratch folder so the committed exercises/ stay untouched
    with (folder / "nbgrader_config.py").open("a") as config:
        config.write(f"c.Exchange.root = {str(exchange)!r}\n")
        config.write(f"c.CourseDirectory.release_directory = {str(tmp_path / 'release')!r}\n")
    course = Course.open(folder)
    assert (course.project, course.release_dir) == (ROOT, tmp_path / "release")
    release(course, [ASSIGNMENT])  # the instructor's `mvs-course release`

    instructor(folder, "release_assignment", ASSIGNMENT)

    source = next((ROOT / "solutions" / ASSIGNMENT).glob("*.ipynb"))
    answers = {"ana": synthetic.solution_answers(source), "bo": {}}
    for name, filled in answers.items():
        home = tmp_path / name
        home.mkdir()
        listed = student(home, name, exchange, "list")
        assert ASSIGNMENT in listed.stdout + listed.stderr
        student(home, name, exchange, "fetch_assignment", ASSIGNMENT)
        notebook = home / ASSIGNMENT / source.name
        assert notebook.is_file(), f"{name} did not get the assignment"
        nbformat.write(synthetic.fill(notebook, filled), notebook)
        student(home, name, exchange, "submit", ASSIGNMENT)

    instructor(folder, "collect", ASSIGNMENT)
    assert course.submissions(ASSIGNMENT) == ["ana", "bo"]

    results = grade(course, ASSIGNMENT)
    assert all(r.ok for r in results)
    scores = totals(course, ASSIGNMENT)
    full = sum(synthetic.graded_items(source).values())
    assert scores == {"ana": full, "bo": 0}
    listed = instructor(folder, "db", "student", "list").stdout
    assert "There are 2 students in the database" in listed, listed
