"""A grading process starts its first sandbox worker before the first submission arrives
(``client.prepare``), and the first submission gets that worker, not a second one; a worker
started for other settings is dropped. The pool is driven with stand-ins for the processes."""

from __future__ import annotations

import pytest

from mvs_course.grading.sandbox import client

SPEC = {"level": "bwrap", "hide_dirs": ["/course/submitted"], "hide_files": [], "private_roots": ["/course"]}


class Started:
    """Stands in for a started worker process (a zygote's child or a launched worker)."""

    def __init__(self, number: int, log: list) -> None:
        self.number, self.log = number, log

    def start(self, spec: dict, timeout: float) -> int:
        self.log.append(("handed over", self.number))
        return self.number

    def discard(self) -> None:
        self.log.append(("discarded", self.number))


@pytest.fixture
def pool(monkeypatch):
    pool, log = client._Pool(), []
    monkeypatch.setattr(client.isolation, "isolation_level", lambda: "bwrap")

    def ahead(spec, level):
        log.append(("started", len([e for e in log if e[0] == "started"])))
        return Started(log[-1][1], log)

    monkeypatch.setattr(pool, "_ahead", ahead)
    pool.log = log
    return pool


def test_the_prepared_worker_serves_the_first_submission(pool):
    pool.prepare(SPEC)
    pool.prepare(SPEC)  # already started: nothing more
    assert pool.log == [("started", 0)]
    assert pool.spawn(SPEC) == 0
    assert pool.spawn(SPEC) == 1  # the one started ahead while the first was graded
    assert ("discarded", 0) not in pool.log


def test_a_worker_prepared_for_other_settings_is_dropped(pool):
    pool.prepare(SPEC)
    other = {**SPEC, "hide_dirs": ["/another/submitted"]}
    assert pool.spawn(other) == 1
    assert ("discarded", 0) in pool.log and ("handed over", 0) not in pool.log


def test_without_prepare_spawn_starts_its_own(pool):
    assert pool.spawn(SPEC) == 0
    assert pool.log[:2] == [("started", 0), ("started", 1)]


class Ahead:
    """Stands in for a zygote the grading parent started before forking (client.start_ahead)."""

    def __init__(self, spec: dict, running: bool = True) -> None:
        self.key, self.running, self.closed = client._launch_key(spec, spec["level"]), running, False

    def alive(self) -> bool:
        return self.running

    def close(self) -> None:
        self.closed = True


def test_a_zygote_started_ahead_is_taken_as_this_process_own(pool):
    ahead = Ahead(SPEC)
    pool.prepare(SPEC, ahead)
    assert pool.zygote is ahead and not ahead.closed
    assert pool.spawn(SPEC) == 0 and pool.zygote is ahead


@pytest.mark.parametrize(
    "ahead",
    [Ahead({**SPEC, "hide_dirs": ["/other/submitted"]}), Ahead(SPEC, running=False)],
    ids=["started for other settings", "no longer running"],
)
def test_a_zygote_started_ahead_that_does_not_fit_is_closed(pool, ahead):
    pool.prepare(SPEC, ahead)
    assert pool.zygote is not ahead and ahead.closed


def test_the_head_start_spec_is_the_one_sandboxed_execute_uses(tmp_path):
    """``grade`` starts the warm parents from the settings alone (before nbgrader is imported);
    they are used only if the step's own spec matches, so the two must agree."""
    from traitlets.config import Config

    from mvs_course.grading.sandbox import SandboxedExecute
    from mvs_course.grading.sandbox.spec import configured_spec

    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    config.CourseDirectory.source_directory = str(tmp_path / "project" / "solutions")
    config.Exchange.root = str(tmp_path / "exchange")
    config.SandboxedExecute.limits = {"cpu_seconds": 5}
    config.SandboxedExecute.hide_paths = [str(tmp_path)]
    config.SandboxedExecute.preload = ["json"]
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    theirs = SandboxedExecute(config=config).spec(url, "bwrap")
    assert configured_spec(config, url, "bwrap") == theirs
    assert theirs["cpu_seconds"] == 5 and theirs["preload"] == ["json"]
    assert str(tmp_path / "elsewhere.db") in theirs["hide_files"]


def test_reading_the_settings_and_the_spec_imports_no_nbgrader(tmp_path):
    """The head start is real only if nothing before it imports nbgrader (1-2 s)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys\n"
        "from mvs_course.grading.course import Course\n"
        "from mvs_course.grading.sandbox import client, isolation\n"
        "from mvs_course.grading.sandbox.spec import configured_spec\n"
        f"course = Course.open({str(tmp_path / 'course')!r}, project={str(root)!r})\n"
        "configured_spec(course.config(), course.db_url, 'bwrap')\n"
        "assert course.config().Autograde.autograde_preprocessors, 'settings read'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'nbgrader'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
