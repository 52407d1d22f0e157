"""One config for both tools: a course directory made by `mvs-course init` loads the course's
nbgrader_config.py; mvs-course reads nbgrader's config files as nbgrader does (Jupyter config
path, then the course directory), so one setting changes both; grading data stays out of the
repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mvs_course.cli import main
from mvs_course.grading.course import (
    Course,
    CourseError,
    init,
    is_course_dir,
    open_course,
    resolve_course_dir,
)
from mvs_course.grading.grade import cell_timeout, engine_config, run_config

ROOT = Path(__file__).resolve().parent.parent
NBGRADER_VIEW = """
import json, sys
from nbgrader.apps.autogradeapp import AutogradeApp
app = AutogradeApp()
app.initialize([])
cfg = app.config
print(json.dumps({
    "source": cfg.CourseDirectory.source_directory,
    "release": cfg.CourseDirectory.release_directory,
    "db_url": app.coursedir.db_url,
    "timeout": cfg.Execute.timeout,
    "hide_paths": cfg.SandboxedExecute.get("hide_paths"),
    "autograde": list(map(str, cfg.Autograde.autograde_preprocessors)),
    "sanitize": list(map(str, cfg.Autograde.sanitize_preprocessors)),
    "feedback": list(map(str, cfg.GenerateFeedback.preprocessors)),
}))
"""


@pytest.fixture
def user_config(tmp_path, monkeypatch) -> Path:
    """An empty user-level Jupyter config folder (the tester's own ~/.jupyter stays out)."""
    folder = tmp_path / "jupyter-config"
    folder.mkdir()
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(folder))
    return folder


def test_init_makes_a_course_dir_that_loads_the_project(tmp_path, user_config):
    path = init(tmp_path / "grading", ROOT)
    assert path == tmp_path / "grading" / "nbgrader_config.py" and is_course_dir(tmp_path / "grading")
    course = Course.open(tmp_path / "grading")
    assert (course.project, course.source_dir, course.release_dir) == (
        ROOT,
        ROOT / "solutions",
        ROOT / "exercises",
    )
    assert course.db_url == f"sqlite:///{tmp_path / 'grading' / 'gradebook.db'}"
    steps = course.config().Autograde.autograde_preprocessors
    assert "mvs_course.grading.sandbox.SandboxedExecute" in steps
    assert not (tmp_path / "grading" / "gradebook.db").exists(), "opening a course makes no gradebook"


def test_plain_nbgrader_and_mvs_course_read_the_same_settings(tmp_path, user_config):
    """nbgrader's own app, run in the course dir, sees what Course sees; a user-level setting
    reaches both, and a course-dir setting wins over the repository's."""
    (user_config / "nbgrader_config.py").write_text(
        'c = get_config()\nc.SandboxedExecute.hide_paths = ["/srv/backup"]\nc.Execute.timeout = 99\n'
    )
    folder = tmp_path / "grading"
    config = init(folder, ROOT)
    with config.open("a") as f:
        f.write(f"c.Execute.timeout = 7\nc.CourseDirectory.db_url = 'sqlite:///{tmp_path}/elsewhere.db'\n")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(user_config)}
    done = subprocess.run(
        [sys.executable, "-c", NBGRADER_VIEW], cwd=folder, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    theirs = json.loads(done.stdout.splitlines()[-1])
    course = Course.open(folder)
    cfg = course.config()
    ours = {
        "source": str(course.source_dir),
        "release": str(course.release_dir),
        "db_url": course.db_url,
        "timeout": cell_timeout(course),
        "hide_paths": cfg.SandboxedExecute.get("hide_paths"),
        "autograde": list(map(str, cfg.Autograde.autograde_preprocessors)),
        "sanitize": list(map(str, cfg.Autograde.sanitize_preprocessors)),
        "feedback": list(map(str, cfg.GenerateFeedback.preprocessors)),
    }
    assert ours == theirs
    assert (ours["timeout"], ours["hide_paths"]) == (7, ["/srv/backup"])
    assert ours["db_url"] == f"sqlite:///{tmp_path}/elsewhere.db"


def test_the_repository_setting_wins_over_the_user_one(tmp_path, user_config):
    (user_config / "nbgrader_config.py").write_text("c = get_config()\nc.Execute.timeout = 99\n")
    course = Course.open(init(tmp_path / "grading", ROOT).parent)
    assert cell_timeout(course) == 30  # nbgrader_config.py of the repository, loaded after
    assert cell_timeout(course, {"Execute": {"timeout": 4}}) == 4


def test_engine_nbgrader_changes_only_the_autograde_steps(tmp_path, user_config):
    course = Course.open(init(tmp_path / "grading", ROOT).parent)
    ours, plain = course.config(), course.config(**engine_config("nbgrader"))
    changed = {
        (section, key)
        for section in ours.keys() | plain.keys()
        for key in ours.get(section, {}).keys() | plain.get(section, {}).keys()
        if ours.get(section, {}).get(key) != plain.get(section, {}).get(key)
    }
    assert changed == {("Autograde", "sanitize_preprocessors"), ("Autograde", "autograde_preprocessors")}
    assert not any("mvs_course" in str(step) for step in plain.Autograde.autograde_preprocessors)


def test_the_sandbox_engine_refuses_a_config_without_the_sandbox(tmp_path, user_config):
    config = init(tmp_path / "grading", ROOT)
    with config.open("a") as f:
        f.write('c.Autograde.autograde_preprocessors = ["nbgrader.preprocessors.Execute"]\n')
    course = Course.open(config.parent)
    with pytest.raises(CourseError, match="does not grade in the sandbox"):
        run_config(course, "sandbox")
    assert run_config(course, "nbgrader")["Autograde"]


def test_init_refuses_the_repository_and_a_foreign_config(tmp_path):
    with pytest.raises(CourseError, match="inside the course repository"):
        init(ROOT / "grading", ROOT)
    assert not (ROOT / "grading").exists()
    foreign = tmp_path / "theirs"
    foreign.mkdir()
    (foreign / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(CourseError, match="not written by `mvs-course init`"):
        init(foreign, ROOT)
    assert (foreign / "nbgrader_config.py").read_text() == "c = get_config()\n"
    again = init(tmp_path / "ours", ROOT)
    assert init(tmp_path / "ours", ROOT) == again  # running it twice is fine


def test_a_course_dir_whose_repository_moved_says_so(tmp_path, user_config):
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", ".git", "course", "tests", "data"))
    folder = init(tmp_path / "grading", project).parent
    assert Course.open(folder).project == project
    project.rename(tmp_path / "moved")
    with pytest.raises(CourseError, match="run `mvs-course init .*grading` again from the repository"):
        Course.open(folder)


def test_the_course_dir_comes_from_the_flag_the_environment_or_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MVS_COURSE_DIR", raising=False)
    flag, env, here = (init(tmp_path / name, ROOT).parent for name in ("flag", "env", "here"))
    assert resolve_course_dir(None, cwd=here) == here
    monkeypatch.setenv("MVS_COURSE_DIR", str(env))
    assert resolve_course_dir(None, cwd=here) == env
    assert resolve_course_dir(str(flag), cwd=here) == flag
    monkeypatch.delenv("MVS_COURSE_DIR")
    with pytest.raises(CourseError, match="Run `mvs-course init ~/mvs-grading` and grade there"):
        resolve_course_dir(None, cwd=tmp_path)
    with pytest.raises(CourseError, match="not a course directory yet"):
        resolve_course_dir(str(tmp_path), cwd=tmp_path)


def test_grading_commands_refuse_the_repository(capsys):
    with pytest.raises(CourseError, match=r"grading data must not live there. Run `mvs-course init"):
        open_course(ROOT)
    assert main(["grade", "01_buyer_vs_seller", "--course-dir", str(ROOT)]) == 2
    captured = capsys.readouterr()
    assert "inside the course repository" in captured.err and captured.out == ""
    assert not (ROOT / "gradebook.db").exists()


def test_cli_init_prints_where_and_what_next(tmp_path, capsys):
    assert main(["init", str(tmp_path / "grading")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"course directory: {tmp_path / 'grading'}\n")
    assert is_course_dir(tmp_path / "grading")


def test_report_piped_into_head_ends_quietly(tmp_path):
    """A closed pipe (`mvs-course status | head -0`) is no traceback and no error."""
    folder = init(tmp_path / "grading", ROOT).parent
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    done = subprocess.run(
        [sys.executable, "-m", "mvs_course.cli", "status", "--course-dir", str(folder)],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write)
    assert (done.returncode, done.stderr) == (0, "")
