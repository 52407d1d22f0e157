"""What a worker may see is an allow-list: never the project around the package."""

from __future__ import annotations

import sys
from pathlib import Path

from mvs_course.grading.sandbox import isolation

ROOT = Path(__file__).resolve().parents[2]


def _inside(path: str, folder: Path) -> bool:
    return path == str(folder) or path.startswith(f"{folder}/")


def test_allow_list_has_python_the_venv_and_the_package_only():
    allowed = isolation.allowed_paths({"private_roots": [str(ROOT)]})
    assert any(_inside(sys.prefix, Path(p)) for p in allowed)
    package = Path(isolation.__file__).resolve().parents[2]  # src/mvs_course
    assert any(_inside(str(package), Path(p)) for p in allowed)
    for private in ("", "solutions", "tests", ".git", "course"):
        assert str(ROOT / private).rstrip("/") not in allowed, private
        assert not any(_inside(p, ROOT / "solutions") or _inside(p, ROOT / "tests") for p in allowed)


def test_bwrap_command_binds_nothing_writable_and_hides_named_paths(tmp_path):
    hidden = tmp_path / "secret"
    hidden.mkdir()
    cmd = isolation.bwrap_command({"allow_paths": [str(tmp_path)], "hide_dirs": [str(hidden)]}, ["true"])
    binds = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--bind"]
    assert binds == [], "only read-only binds"
    assert ["--tmpfs", str(hidden), "--remount-ro", str(hidden)] == cmd[cmd.index(str(hidden)) - 1 :][:4]
    assert "--remount-ro" in cmd and "--cap-drop" in cmd and "--die-with-parent" in cmd


def test_student_code_never_runs_as_root_at_any_level(monkeypatch):
    monkeypatch.setenv("MVS_SANDBOX_LEVEL", "rlimits")
    monkeypatch.delenv("MVS_SANDBOX_UNSAFE_SAME_USER", raising=False)
    if isolation.os.geteuid() == 0:
        assert isolation.isolation_level() in ("bwrap", "user")  # root always has a fresh uid to give
    else:
        try:
            isolation.isolation_level()
        except isolation.SandboxUnavailable as err:
            assert "--unsafe-same-user" in str(err)
