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
