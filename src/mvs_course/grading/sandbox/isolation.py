"""What isolation this machine allows, and the steps that put a worker child into it.

Levels, strongest first:
- ``user+namespaces``: root here; the child gets new mount, network and PID namespaces, hides
  the course's private folders behind empty mounts, gets a private /tmp, then becomes the
  unprivileged ``mvs-sandbox`` user with rlimits.
- ``namespaces``: not root, but unprivileged user namespaces work: the same namespaces and
  hidden folders, the instructor's own uid (no user switch).
- ``rlimits``: no way to drop privileges or unshare; only resource limits and a scratch dir.
  Student code can read what the instructor can read. Said loudly, never silently.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import subprocess
import sys
from functools import cache
from pathlib import Path

SANDBOX_USER = "mvs-sandbox"
LEVELS = ("user+namespaces", "namespaces", "rlimits")

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


class IsolationError(RuntimeError):
    """A step of isolation failed in the child: the worker must not run student code."""


_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise IsolationError(f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = [None if x is None else x.encode() for x in (source, target, fstype, data)]
    _check(_libc.mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]), f"mount {target}")


def prctl(option: int, value: int) -> bool:
    """prctl(2) with one argument; False when the kernel refuses."""
    try:
        return _libc.prctl(ctypes.c_int(option), ctypes.c_ulong(value), 0, 0, 0) == 0
    except AttributeError:  # not Linux
        return False


def sandbox_ids(create: bool = True) -> tuple[int, int] | None:
    """(uid, gid) of the sandbox user, creating it when root and missing; None if impossible."""
    import pwd

    try:
        entry = pwd.getpwnam(SANDBOX_USER)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        pass
    if os.geteuid() != 0 or not create:
        return None
    subprocess.run(
        ["useradd", "-M", "-r", "-s", "/usr/sbin/nologin", "-d", "/nonexistent", SANDBOX_USER],
        check=False,
        capture_output=True,
    )
    try:
        entry = pwd.getpwnam(SANDBOX_USER)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return None


def _probe(flags: int, userns: bool) -> bool:
    """Whether a forked child can unshare ``flags`` (and mount a tmpfs) here."""
    pid = os.fork()
    if pid == 0:
        try:
            uid, gid = os.getuid(), os.getgid()
            unshare(flags | (CLONE_NEWUSER if userns else 0))
            if userns:
                _map_ids(uid, gid)
            mount(None, "/", None, MS_REC | MS_PRIVATE)
            mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


@cache
def isolation_level() -> str:
    """The strongest level available to this process (env MVS_SANDBOX_LEVEL may lower it)."""
    wanted = os.environ.get("MVS_SANDBOX_LEVEL", "")
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID
    best = "rlimits"
    if os.geteuid() == 0 and sandbox_ids() is not None and _probe(flags, userns=False):
        best = "user+namespaces"
    elif _probe(flags, userns=True):
        best = "namespaces"
    if wanted in LEVELS and LEVELS.index(wanted) > LEVELS.index(best):
        return wanted
    return best


def describe(level: str) -> str:
    """One sentence for the instructor about what ``level`` means."""
    return {
        "user+namespaces": f"Student code runs as user {SANDBOX_USER!r}, without network, in private "
        "mount/PID namespaces that hide the gradebook, submissions and solutions, with CPU, memory, "
        "process, file-size, output and wall-time limits",
        "namespaces": "NOT ROOT: student code runs as your own user, but without network and in private "
        "mount/PID namespaces that hide the gradebook, submissions and solutions, with resource limits",
        "rlimits": "WARNING: no user switch and no namespaces are possible here; student code runs as "
        "your user with only CPU, memory, process, file-size, output and wall-time limits: it CAN "
        "read files you can read (solutions, gradebook) and use the network. Grade on a Linux box "
        "as root (or with user namespaces) for real isolation",
    }[level]


def _map_ids(uid: int, gid: int) -> None:
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def _traversable(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & 0o001)
    except OSError:
        return False


_SYSTEM = {
    "/usr",
    "/etc",
    "/lib",
    "/lib64",
    "/lib32",
    "/bin",
    "/sbin",
    "/dev",
    "/proc",
    "/sys",
    "/var",
    "/opt",
}


def _needed_paths() -> set[str]:
    """Folders the worker must still read: the interpreter, the venv, the course package and data."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *sys.path[1:]}
    paths.update(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
    for name in ("mvs_course", "mvs_course.data"):
        try:
            module = __import__(name, fromlist=["_"])
            paths.update(getattr(module, "__path__", []))
        except ImportError:
            pass
    return {os.path.realpath(p) for p in paths if p and os.path.isdir(p)}


def _plan(private: list[str]) -> dict[str, list[str]]:
    """{folder to cover with an empty tmpfs: [paths inside it to bind back]}.

    Covered: each private root (course folder, project with solutions) and each folder
    others may not traverse (like /root) above something Python needs.
    """
    roots = {os.path.realpath(p) for p in private if os.path.isdir(p)}
    roots = {r for r in roots if r not in _SYSTEM and len(Path(r).parts) > 2}
    plan: dict[str, list[str]] = {}
    for path in sorted(_needed_paths()):
        above = [str(a) for a in reversed(Path(path).parents) if str(a) != "/"]
        blocked = [a for a in above if a in roots or not _traversable(Path(a))]
        if path in roots:
            continue  # a needed folder is never hidden as a whole
        if blocked:
            plan.setdefault(blocked[0], []).append(path)
    for root in roots:
        if not any(root == top or root.startswith(top + "/") for top in plan):
            plan.setdefault(root, [])
    for top, kept in plan.items():
        kept.sort(key=len)
        plan[top] = [k for i, k in enumerate(kept) if not any(k.startswith(o + "/") for o in kept[:i])]
    return plan


def _bind_back(paths: list[str]) -> list[tuple[str, int]]:
    """Handles on ``paths`` (outermost only) to bind back after a tmpfs covers them."""
    paths = sorted(paths, key=len)
    outer = [p for i, p in enumerate(paths) if not any(p.startswith(o + "/") for o in paths[:i])]
    return [(p, os.open(p, os.O_PATH)) for p in outer if os.path.isdir(p)]


def _rebind(handles: list[tuple[str, int]]) -> None:
    for path, fd in handles:
        os.makedirs(path, exist_ok=True)
        mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)


def _setup_mounts(spec: dict) -> None:
    needed = sorted(_needed_paths())
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    # cover private folders with empty ones, binding back only what Python needs inside them
    for top, kept in sorted(_plan(spec.get("private_roots", [])).items(), key=lambda kv: len(kv[0])):
        if not os.path.isdir(top):
            continue
        handles = _bind_back(kept)
        mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        _rebind(handles)
    for folder in spec.get("hide_dirs", []):
        if os.path.isdir(folder):
            mount("tmpfs", folder, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=000")
    for file in spec.get("hide_files", []):
        if os.path.isfile(file):
            mount("/dev/null", file, None, MS_BIND)
    size = int(spec.get("tmp_bytes", 64 << 20))
    for tmp in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(tmp):
            # a project checked out under /tmp keeps its venv, package and data readable
            handles = _bind_back([p for p in needed if p.startswith(os.path.realpath(tmp) + "/")])
            mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
            _rebind(handles)
    try:  # everything else read-only, even for world-writable corners
        mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    except IsolationError:
        pass
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def enter(spec: dict) -> int:
    """Enter the namespaces of ``spec['level']``. Returns a child pid to the intermediate
    process (which must report it and exit) and 0 in the process that goes on."""
    level = spec["level"]
    if level == "rlimits":
        return 0
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    uid, gid = os.getuid(), os.getgid()
    if level == "namespaces":
        unshare(flags | CLONE_NEWUSER)
        _map_ids(uid, gid)
    else:
        unshare(flags)
    pid = os.fork()
    if pid:
        return pid
    _setup_mounts(spec)  # pid 1 of the new PID namespace: killing it kills everything inside
    return 0


def _count_processes(uid: int) -> int:
    count = 0
    entries = os.listdir("/proc") if os.path.isdir("/proc") else []
    for entry in entries:
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                pass
    return count


def _vm_size() -> int:
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.is_file() else []:
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def drop(spec: dict, keep_fds: list[int]) -> None:
    """Scratch dir, limits, closed fds, minimal env, then the unprivileged user. Call last."""
    level = spec["level"]
    uid, gid = os.getuid(), os.getgid()
    if level == "user+namespaces":
        uid, gid = int(spec["uid"]), int(spec["gid"])
    scratch = "/tmp/work" if level != "rlimits" else spec["scratch"]
    os.makedirs(scratch, exist_ok=True)
    os.chown(scratch, uid, gid)
    os.chmod(scratch, 0o700)
    os.chdir(scratch)

    def limit(which: int, soft: int, hard: int | None = None) -> None:
        try:
            resource.setrlimit(which, (soft, soft if hard is None else hard))
        except (ValueError, OSError):
            if sys.platform.startswith("linux"):
                raise  # never run student code without the limits we promise
            # other systems refuse some limits (macOS: address space); the rest still apply

    limit(resource.RLIMIT_CPU, int(spec["cpu_seconds"]), int(spec["cpu_seconds"]) + 1)
    if spec.get("memory_bytes"):
        limit(resource.RLIMIT_AS, _vm_size() + int(spec["memory_bytes"]))
    limit(resource.RLIMIT_FSIZE, int(spec["file_bytes"]))
    limit(resource.RLIMIT_CORE, 0)
    limit(resource.RLIMIT_NOFILE, 256)
    nproc = int(spec["processes"])
    if level != "user+namespaces":  # NPROC counts every process of the uid: leave the instructor's
        nproc += _count_processes(uid)
    limit(resource.RLIMIT_NPROC, nproc)

    devnull = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    for fd in range(3, 1024):
        if fd not in keep_fds:
            try:
                os.close(fd)
            except OSError:
                pass
    os.environ.clear()
    os.environ.update(
        {
            "PATH": "/usr/bin:/bin",
            "HOME": scratch,
            "TMPDIR": scratch,
            "MPLCONFIGDIR": scratch,
            "LANG": "C.UTF-8",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        }
    )
    if level == "user+namespaces":
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        if os.getuid() == 0 or os.geteuid() == 0:
            raise IsolationError("could not drop root")
    if not prctl(PR_SET_NO_NEW_PRIVS, 1) and sys.platform.startswith("linux"):
        raise IsolationError("could not set no_new_privs")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large file is an OSError, not a kill
