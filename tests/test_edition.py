"""The student edition holds no answers, no grading code, and its lessons run from its own install."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import edition_runs
import nbformat
import pytest

from mvs_course import nbmeta
from mvs_course.grading.course import CourseError
from mvs_course.grading.edition import scan, student_edition
from mvs_course.grading.leaks import DISTINCT_LENGTH, secret_lines

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    return edition_runs.edition(tmp_path_factory).folder


def test_edition_has_the_course_and_nothing_instructor_only(edition):
    assert scan(edition, ROOT) == []
    assert sorted(p.name for p in (edition / "course").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "course").glob("*.ipynb")
    )
    assert {p.name for p in (edition / "exercises").iterdir()} == {
        p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()
    }
    for absent in (
        "solutions",
        "tests",
        "tools",
        "nbgrader_config.py",
        "src/mvs_course/grading",
        "src/mvs_course/authoring",
    ):
        assert not (edition / absent).exists(), absent
    assert not (edition / "src/mvs_course/cli.py").exists()


def test_edition_metadata_is_derived_and_publishable(edition):
    meta = tomllib.loads((edition / "pyproject.toml").read_text())
    main = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["dependencies"] == main["project"]["dependencies"]
    assert "scripts" not in meta["project"] and "optional-dependencies" not in meta["project"]
    assert not any("grading" in p or "authoring" in p for p in meta["tool"]["setuptools"]["packages"])
    assert meta["project"]["requires-python"] == main["project"]["requires-python"]
    readme = (edition / "README.md").read_text()
    assert "mybinder.org/v2/gh/someone/mvs-student/HEAD?urlpath=lab/tree/course/00_start_here.ipynb" in readme
    log = subprocess.run(["git", "log", "--oneline"], cwd=edition, capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 1
    status = subprocess.run(["git", "status", "--short"], cwd=edition, capture_output=True, text=True)
    assert status.stdout == ""


def test_secret_lines_exclude_what_students_are_given():
    secrets = secret_lines(ROOT / "solutions", ROOT / "exercises")
    assert secrets, "solutions should hold lines the release does not"
    released = "\n".join(
        c.source for p in (ROOT / "exercises").rglob("*.ipynb") for c in nbformat.read(p, as_version=4).cells
    )
    assert not [line for line in secrets if line in released.splitlines()]


def _plant(edition: Path, tmp_path: Path, relpath: str, text: str) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(edition, copy, ignore=shutil.ignore_patterns(".git"))
    target = copy / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return copy


def _a_secret(kind: str) -> str:
    for line, where in secret_lines(ROOT / "solutions", ROOT / "exercises").items():
        nb = ROOT / "solutions" / where.split(" cell ")[0]
        cells = {nbmeta.grade_id(c): c for c in nbformat.read(nb, as_version=4).cells}
        cell = cells[where.split(" cell ")[1]]
        if len(line) < DISTINCT_LENGTH:  # a short line alone is not a leak: plant one that is
            continue
        if (kind == "hidden") == nbmeta.is_autograded_test(cell) and line in cell.source:
            return line
    raise AssertionError(f"no {kind} line found")


@pytest.mark.parametrize(
    ("relpath", "text", "expected"),
    [
        ("src/mvs_course/lessons/extra.py", "solution", "carries a line from"),
        ("data/notes.md", "hidden", "carries a line from"),
        ("course/notes.md", "### BEGIN HIDDEN TESTS\n", "marker"),
        ("src/mvs_course/lessons/extra.py", "### END SOLUTION\n", "marker"),
        ("solutions/01/x.ipynb", "{}", "instructor-only"),
        ("src/mvs_course/grading/grade.py", "", "instructor-only code"),
        ("gradebook.db", "", "instructor-only"),
    ],
)
def test_scan_catches_planted_leaks(edition, tmp_path, relpath, text, expected):
    if text in ("solution", "hidden"):
        text = f"# innocent header\n    {_a_secret(text)}\n"
    problems = scan(_plant(edition, tmp_path, relpath, text), ROOT)
    assert any(relpath.split("/")[0] in p and expected in p for p in problems), problems


def test_a_leaking_project_gets_no_edition(tmp_path):
    project = tmp_path / "project"
    for name in ("course", "exercises", "solutions", "data", "src"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "environment.yml", "postBuild"):
        shutil.copy2(ROOT / name, project / name)
    (project / "course" / "cheat.md").write_text(_a_secret("solution") + "\n")
    with pytest.raises(CourseError, match="would leak"):
        student_edition(project, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(CourseError, match="not empty"):
        student_edition(ROOT, tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.slow
def test_edition_runs_from_its_own_install(tmp_path_factory):
    """A fresh interpreter sees only the edition's package; lessons run, exercises only lack answers
    (tests/test_notebooks.py reads the same run for each lesson)."""
    built = edition_runs.edition(tmp_path_factory)
    report = built.report
    assert report["package"].startswith(str(built.site)) and report["grading"] is False
    assert report["kernel"].startswith(str(built.site)) and report["kernel"].strip().endswith("None")
    ran = report["notebooks"]
    assert sum(name.startswith("course/") for name in ran) == len(list((ROOT / "course").glob("*.ipynb")))
    for name, run in ran.items():
        if name.startswith("course/"):
            assert run["errors"] == [], name
        else:
            assert run["errors"] and set(run["errors"]) <= {
                "NotImplementedError",
                "NameError",
                "AssertionError",
            }, name


def test_cli_writes_an_edition_and_explains_refusals(tmp_path, capsys, monkeypatch):
    from mvs_course.cli import main

    monkeypatch.chdir(ROOT)
    assert main(["student-edition", str(tmp_path / "ed"), "--repo", "me/ed"]) == 0
    assert "no leaks found" in capsys.readouterr().out
    assert main(["student-edition", str(tmp_path / "ed")]) == 2
    assert "not empty" in capsys.readouterr().err
