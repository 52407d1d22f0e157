"""One source of truth for the environment: pyproject, environment.yml, postBuild, Binder."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#]+)")


def _pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        match = PIN.match(line.strip().strip('",'))
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def pyproject_pins() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return _pins(data["project"]["dependencies"])


def environment_pins() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1].splitlines()
    return _pins(line for line in pip_section if line.strip().startswith("-"))


def test_every_dependency_is_pinned():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    unpinned = [d for d in deps if "==" not in d]
    assert not unpinned, f"pin these with ==: {unpinned}"


def test_binder_and_pyproject_pins_agree():
    assert pyproject_pins(), "no pins found in pyproject.toml"
    assert environment_pins() == pyproject_pins()


def test_python_311_or_newer_and_binder_on_311():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["requires-python"] == ">=3.11"
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.11\s*$", text, re.MULTILINE)


def test_postbuild_is_strict_and_installs_the_package():
    text = (ROOT / "postBuild").read_text()
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert re.search(r"pip install --no-deps \.\s*$", text, re.MULTILINE)
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_nbgrader_config_points_at_solutions_and_exercises():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "exercises"


def test_grading_workspace_is_ignored():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in (
        "submitted/",
        "autograded/",
        "feedback/",
        "superseded/",
        ".mvs-course/",
        "gradebook.db",
        ".nbgrader.log",
    ):
        assert entry in ignored


def test_make_clean_never_deletes_grading_data():
    """`make clean` removes only what a build makes, never a gradebook or submissions."""
    text = (ROOT / "Makefile").read_text()
    recipe = text.split("\nclean:", 1)[1].split("\n\n", 1)[0]
    for data in ("gradebook", "submitted", "autograded", "feedback", "superseded"):
        assert data not in recipe, recipe


def test_repo2docker_builds_from_environment_yml_and_postbuild(tmp_path):
    repo2docker = Path(sys.executable).parent / "repo2docker"
    if not repo2docker.exists():
        repo2docker = shutil.which("repo2docker")
    assert repo2docker, "repo2docker is a test dependency; run make test"
    proc = subprocess.run(
        [str(repo2docker), "--no-build", "--debug", "--no-run", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-2000:]
    assert "Building conda environment for python=3.11" in out
    assert re.search(r"COPY .*environment\.yml \$\{REPO_DIR\}/environment\.yml", out)
    assert '--file "environment.yml"' in out
    assert "RUN ./postBuild" in out
    assert "requirements.txt" not in out
