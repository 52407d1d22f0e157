"""Limits per submission: a cgroup (memory and processes of the whole submission) when the
grader can create one, else rlimits per process (and a fresh uid per worker, when root).

cgroup v2 is used where its ``memory`` and ``pids`` controllers are enabled for us, else the v1
``memory`` and ``pids`` hierarchies (each under the grader's own cgroup).
"""

from __future__ import annotations

import os
import resource
import signal
import time
import uuid
from functools import cache
from pathlib import Path

MEMORY = 1 << 30  # bytes, the whole submission
PIDS = 64  # processes and threads, the whole submission
ROOT = Path("/sys/fs/cgroup")


def _own(line_controller: str) -> str:
    """The grader's cgroup path in a hierarchy ('' = v2)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return "/"
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if line_controller in controllers.split(","):
            return path
    return "/"


def _v2_root() -> Path | None:
    for mount in (ROOT, ROOT / "unified"):
        controllers = mount / "cgroup.controllers"
        if controllers.is_file():
            parent = mount / _own("").lstrip("/")
            wanted = {"memory", "pids"}
            try:
                if wanted <= set((parent / "cgroup.controllers").read_text().split()):
                    return parent
            except OSError:
                pass
    return None


def _try_make(folders: list[Path]) -> bool:
    made = []
    try:
        for folder in folders:
            folder.mkdir()
            made.append(folder)
        return True
    except OSError:
        return False
    finally:
        for folder in made:
            folder.rmdir()


@cache
def mode() -> str:
    """'v2', 'v1' or 'rlimits': how submissions are limited here (cgroups only as root)."""
    if os.geteuid() != 0:
        return "rlimits"
    probe = f"mvs-probe-{os.getpid()}"
    v2 = _v2_root()
    if v2 is not None and _try_make([v2 / probe]):
        return "v2"
    v1 = [ROOT / c / _own(c).lstrip("/") / probe for c in ("memory", "pids")]
    if all(p.parent.is_dir() for p in v1) and _try_make(v1):
        return "v1"
    return "rlimits"


def describe() -> str:
    if mode() == "rlimits":
        return (
            "no cgroup can be created here, so rlimits per process: 1 GiB address space, CPU seconds, "
            "file size, and a process count per uid"
        )
    return (
        f"cgroup {mode()} per submission: {MEMORY >> 20} MiB memory and {PIDS} processes in total, "
        "plus CPU and file-size rlimits"
    )


class Cgroup:
    """One submission's cgroup (a folder per hierarchy); ``None`` folders when cgroups are off."""

    def __init__(self, memory: int = MEMORY, pids: int = PIDS) -> None:
        name = f"mvs-sandbox-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.folders: list[Path] = []
        if mode() == "v2":
            _remove_stale(_v2_root())
            folder = _v2_root() / name
            folder.mkdir()
            (folder / "memory.max").write_text(str(memory))
            (folder / "memory.swap.max").exists() and (folder / "memory.swap.max").write_text("0")
            (folder / "pids.max").write_text(str(pids))
            self.folders = [folder]
        elif mode() == "v1":
            mem = ROOT / "memory" / _own("memory").lstrip("/") / name
            pid = ROOT / "pids" / _own("pids").lstrip("/") / name
            _remove_stale(mem.parent)
            _remove_stale(pid.parent)
            mem.mkdir()
            pid.mkdir()
            self.folders = [mem, pid]
            (mem / "memory.limit_in_bytes").write_text(str(memory))
            swap = mem / "memory.memsw.limit_in_bytes"
            if swap.exists():
                try:
                    swap.write_text(str(memory))
                except OSError:
                    pass
            (pid / "pids.max").write_text(str(pids))

    def join(self, pid: int = 0) -> None:
        """Put process ``pid`` in (default: the caller; call before it runs student code)."""
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid or os.getpid()))

    def pids(self) -> set[int]:
        found: set[int] = set()
        for folder in self.folders:
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return found

    def remove(self, wait: float = 5.0) -> None:
        """Kill what is left inside, then remove the folders (a killed process leaves its cgroup
        within a millisecond or two: waits start short, so grading goes on sooner)."""
        deadline, pause = time.monotonic() + wait, 0.001
        while self.folders:
            for pid in self.pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            for folder in list(self.folders):
                try:
                    folder.rmdir()
                    self.folders.remove(folder)
                except FileNotFoundError:
                    self.folders.remove(folder)
                except OSError:
                    pass
            if time.monotonic() > deadline:
                return
            if self.folders:
                time.sleep(pause)
                pause = min(pause * 2, 0.05)


def _remove_stale(parent: Path) -> None:
    """Remove the cgroups of graders that are gone (killed before they could clean up)."""
    for folder in parent.glob("mvs-sandbox-*-*"):
        owner = folder.name.split("-")[2]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            stale = Cgroup.__new__(Cgroup)
            stale.folders = [folder]
            stale.remove(wait=1.0)


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def count_processes(uid: int) -> int:
    """Processes of ``uid`` on this machine (RLIMIT_NPROC counts them all)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.stat(f"/proc/{entry}").st_uid == uid
            except OSError:
                pass
    return count


def apply_rlimits(spec: dict, nproc: int | None) -> None:
    """In the worker, just before it serves: CPU, address space, file size, open files, and
    ``nproc`` processes of its uid (None when a cgroup counts them)."""
    cpu = int(resource.getrusage(resource.RUSAGE_SELF).ru_utime) + int(spec.get("cpu_seconds", 60))

    def limit(which: int, soft: int, hard: int | None = None) -> None:
        resource.setrlimit(which, (soft, soft if hard is None else hard))

    limit(resource.RLIMIT_CPU, cpu, cpu + 1)
    limit(resource.RLIMIT_AS, _vm_size() + int(spec.get("memory_bytes", MEMORY)))
    limit(resource.RLIMIT_FSIZE, int(spec.get("file_bytes", 16 << 20)))
    limit(resource.RLIMIT_CORE, 0)
    limit(resource.RLIMIT_NOFILE, 256)
    if nproc is not None:
        limit(resource.RLIMIT_NPROC, nproc)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large file is an OSError, not a kill
