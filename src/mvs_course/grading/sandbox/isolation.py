"""What isolation this machine allows, and the command that starts a worker inside it.

Levels, strongest first (student code never runs as uid 0 at any of them):
- ``bwrap``: bubblewrap gives the worker new mount, PID, network, IPC and UTS namespaces, no
  capabilities and no-new-privs; it sees an allow-list read-only (the system, Python, the venv,
  this package) and a private /tmp and /dev/shm. As root it also runs as a fresh uid.
- ``user``: root, but no namespaces (bubblewrap missing, or blocked as in a default Docker
  container): a fresh unprivileged uid per worker, to which the private folders are made
  unreadable by an ACL entry for the group ``mvs-sandbox``.
- ``rlimits``: neither: the worker runs as the grader's own user and can read and rewrite
  what it can. Refused unless the instructor allows it (``--unsafe-same-user``).
"""

from __future__ import annotations

import grp
import os
import random
import shutil
import site
import stat
import struct
import subprocess
import sys
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from . import limits

SANDBOX_GROUP = "mvs-sandbox"
LEVELS = ("bwrap", "user", "rlimits")
UID_BASE, UID_SPAN = 1_500_000, 1_000_000  # one fresh uid per worker, no passwd entry needed
UNSAFE_ENV = "MVS_SANDBOX_UNSAFE_SAME_USER"
SYSTEM = ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
ZYGOTE_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_SYS_ADMIN")  # SYS_ADMIN: IPC namespaces
NAMESPACES = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]


class SandboxUnavailable(RuntimeError):
    """Grading would run student code with the grader's own rights, and that was not allowed."""


def bwrap_path() -> str | None:
    """The bubblewrap binary; ``MVS_SANDBOX_BWRAP`` names another (tests: a missing one)."""
    return shutil.which(os.environ.get("MVS_SANDBOX_BWRAP", "bwrap"))


def namespace_flags() -> list[str]:
    """Root makes the namespaces itself (and switches uid later); others need a user namespace."""
    return NAMESPACES if os.geteuid() == 0 else ["--unshare-user", "--disable-userns", *NAMESPACES]


@cache
def _bwrap_works() -> bool:
    exe = bwrap_path()
    if exe is None:
        return False
    probe = [exe, *namespace_flags(), "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc"]
    try:
        done = subprocess.run([*probe, "--", "true"], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@cache
def _best() -> str:
    if _bwrap_works():
        return "bwrap"
    return "user" if os.geteuid() == 0 else "rlimits"


def isolation_level() -> str:
    """The strongest level here (``MVS_SANDBOX_LEVEL`` may lower it, for tests).

    Raises SandboxUnavailable at ``rlimits`` unless ``MVS_SANDBOX_UNSAFE_SAME_USER=1``.
    """
    best, wanted = _best(), os.environ.get("MVS_SANDBOX_LEVEL", "")
    level = wanted if wanted in LEVELS and LEVELS.index(wanted) > LEVELS.index(best) else best
    if level != "bwrap":  # root always has a fresh uid to give; others have only their own
        level = "user" if os.geteuid() == 0 else "rlimits"
    if level == "rlimits" and os.environ.get(UNSAFE_ENV) != "1":
        raise SandboxUnavailable(
            "Refusing to grade: no bubblewrap sandbox and not root, so student code would run as "
            "your user and could read the solutions and rewrite the gradebook. Install bubblewrap "
            "(apt-get install bubblewrap) or grade as root; or pass --unsafe-same-user if every "
            "submission is trusted."
        )
    return level


isolation_level.cache_clear = lambda: (_best.cache_clear(), _bwrap_works.cache_clear())  # type: ignore[attr-defined]


def describe(level: str) -> str:
    """One sentence for the instructor about what ``level`` means, with the limits in force."""
    if os.geteuid() == 0:
        how = (
            "as a fresh unprivileged uid per submission (forked from a warm process), with no "
            "capabilities, no network, an IPC namespace and session keyring of its own, seeing only "
            "the system, Python, the venv and the course package (read-only); it can write only its "
            "own folder, removed afterwards"
        )
    else:
        how = (
            "as your uid inside a user namespace, one bubblewrap per submission, with no "
            "capabilities, no network, private mount/PID/IPC namespaces that show only the system, "
            "Python, the venv and the course package (read-only), a private /tmp and /dev/shm"
        )
    text = {
        "bwrap": f"Student code runs under bubblewrap {how}",
        "user": "NO NAMESPACES (bubblewrap missing or blocked): student code runs as a fresh "
        f"unprivileged uid per submission, the course folder, gradebook and project made unreadable "
        f"to it (ACL entries for group {SANDBOX_GROUP!r}); it CAN use the network and read "
        "world-readable files elsewhere. Install bubblewrap for real isolation",
        "rlimits": "UNSAFE (--unsafe-same-user): student code runs as YOUR user, without namespaces: "
        "it CAN read the solutions, rewrite the gradebook (forging scores) and use the network. "
        "Only for trusted submissions",
    }[level]
    return f"{text}. Limits: {limits.describe()}"


# what the worker may see


def _top_package() -> list[str]:
    """The installed package this sandbox belongs to, with its data (an editable install may
    map subpackages elsewhere: setuptools' finder lists them in its MAPPING)."""
    name = __package__.split(".")[0]
    paths = list(getattr(sys.modules[name], "__path__", []))
    for finder in sys.meta_path:
        mapping = getattr(sys.modules.get(getattr(finder, "__module__", "") or ""), "MAPPING", None)
        if isinstance(mapping, dict):
            paths += [str(p) for n, p in mapping.items() if n == name or str(n).startswith(name + ".")]
    return paths


def _module_dirs(names: list[str]) -> list[str]:
    found = []
    for name in names:
        try:
            spec = find_spec(name.split(".")[0])
        except (ImportError, ValueError):
            continue
        if spec is not None:
            found += list(spec.submodule_search_locations or [])
            if spec.origin and os.path.isabs(spec.origin):
                found.append(os.path.dirname(spec.origin))
    return found


def allowed_paths(spec: dict) -> list[str]:
    """Outermost folders the worker reads (beside the system): Python, the venv, the package."""
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *site.getsitepackages()]
    paths += [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    paths += _top_package() + _module_dirs(list(spec.get("preload", []))) + list(spec.get("allow_paths", []))
    real = sorted({os.path.realpath(p) for p in paths if p and os.path.exists(p)}, key=len)
    system = tuple(f"/{name}/" for name in SYSTEM)
    kept: list[str] = []
    for path in real:
        if path != "/" and not (path + "/").startswith(system) and not any(_inside(path, k) for k in kept):
            kept.append(path)
    return kept


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def hidden_paths(spec: dict) -> list[str]:
    """Private folders and files named by the grader (course folder, gradebook, hide_paths)."""
    named = [*spec.get("private_roots", []), *spec.get("hide_dirs", []), *spec.get("hide_files", [])]
    return sorted({os.path.realpath(p) for p in named if p and os.path.exists(p)})


def bwrap_command(spec: dict, argv: list[str]) -> list[str]:
    """bubblewrap around ``argv``: the allow-list read-only, private /tmp and /dev/shm."""
    cmd = [bwrap_path() or "bwrap", *namespace_flags(), "--die-with-parent", "--new-session"]
    for name in SYSTEM:
        host = f"/{name}"
        if os.path.islink(host):
            cmd += ["--symlink", os.readlink(host), host]
        elif os.path.isdir(host):
            cmd += ["--ro-bind", host, host]
    # root: a zygote forks workers that switch to fresh uids, which cannot write /tmp, only the
    # folder the zygote makes for each (it keeps the capabilities for that, never its workers)
    root = os.geteuid() == 0
    size, mode = str(int(spec.get("tmp_bytes", 64 << 20))), "0755" if root else "1777"
    cmd += ["--dev", "/dev", "--perms", mode, "--size", size, "--tmpfs", "/dev/shm"]
    cmd += ["--proc", "/proc", "--perms", mode, "--size", size, "--tmpfs", "/tmp", "--chdir", "/tmp"]
    made = {"/tmp", "/dev", "/proc"}  # then a project under /tmp is bound inside the new one
    allowed = allowed_paths(spec)
    for path in allowed:
        for parent in reversed(Path(path).parents):
            if str(parent) != "/" and str(parent) not in made:  # reachable even under /root (0700)
                made.add(str(parent))
                cmd += ["--perms", "0755", "--dir", str(parent)]
        cmd += ["--ro-bind", path, path]
    for path in hidden_paths(spec):  # a private path inside an allowed folder stays covered
        if any(_inside(path, a) for a in allowed):
            cmd += ["--tmpfs", path, "--remount-ro", path] if os.path.isdir(path) else []
            cmd += [] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path]
    cmd += ["--remount-ro", "/", "--cap-drop", "ALL"]  # the skeleton around the allow-list too
    if root:
        cmd += [arg for cap in ZYGOTE_CAPS for arg in ("--cap-add", cap)]
    return [*cmd, "--", *argv]


# fresh uids (root only)


def sandbox_gid() -> int:
    """The group every worker uid runs in, created when missing (root)."""
    try:
        return grp.getgrnam(SANDBOX_GROUP).gr_gid
    except KeyError:
        subprocess.run(["groupadd", "-r", SANDBOX_GROUP], capture_output=True, check=False)
    try:
        return grp.getgrnam(SANDBOX_GROUP).gr_gid
    except KeyError:
        return 65534  # nogroup: still not root


def fresh_uid() -> int:
    """A uid no other worker uses: nothing it leaves behind (files, keys, processes) is shared."""
    return UID_BASE + random.SystemRandom().randrange(UID_SPAN)


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` (a worker uid), whatever session or group it moved to."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setuid(uid)
            for _ in range(3):  # again, for what was being forked meanwhile
                os.kill(-1, 9)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def sweep_uid(uid: int) -> None:
    """Remove what ``uid`` left in the machine's shared writable folders."""
    for top in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue"):
        try:
            entries = list(os.scandir(top))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


# level "user": keep private folders from the worker's group with ACLs

ACL_XATTR = "system.posix_acl_access"
_USER_OBJ, _USER, _GROUP_OBJ, _GROUP, _MASK, _OTHER, _UNDEF = 1, 2, 4, 8, 0x10, 0x20, 0xFFFFFFFF


def acl_group(path: str, gid: int, perm: int, tag: int = _GROUP) -> None:
    """Give group ``gid`` (a user with ``tag=2``) exactly ``perm`` (0 = nothing, 1 = traverse)
    on ``path``, through a POSIX ACL entry (nothing else about the path changes)."""
    try:
        data = os.getxattr(path, ACL_XATTR, follow_symlinks=False)
    except OSError:
        data = b""
    if len(data) > 4:
        entries = [struct.unpack_from("<HHI", data, 4 + 8 * i) for i in range((len(data) - 4) // 8)]
    else:
        mode = os.lstat(path).st_mode
        bits = [(_USER_OBJ, mode >> 6 & 7), (_GROUP_OBJ, mode >> 3 & 7), (_OTHER, mode & 7)]
        entries = [(tag, perm_bits, _UNDEF) for tag, perm_bits in bits]
    if (tag, perm, gid) in entries:
        return
    entries = [e for e in entries if not (e[0] == tag and e[2] == gid)] + [(tag, perm, gid)]
    group_class = 0
    for kind, bits, _ in entries:
        group_class |= bits if kind in (_USER, _GROUP_OBJ, _GROUP) else 0
    entries = [e for e in entries if e[0] != _MASK] + [(_MASK, group_class, _UNDEF)]
    entries.sort(key=lambda e: (e[0], e[2]))
    os.setxattr(path, ACL_XATTR, struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries))


def protect(spec: dict, gid: int) -> None:
    """Level ``user``: the private paths unreadable to ``gid``, except on the way to allowed ones;
    folders above an allowed path that others cannot traverse (like /root) traversable by it."""
    allowed = allowed_paths(spec)
    for path in allowed:
        for parent in Path(path).parents:
            mode = os.stat(parent).st_mode
            if not mode & stat.S_IXOTH:
                acl_group(str(parent), gid, 1)

    def deny(path: str) -> None:
        if any(_inside(a, path) for a in allowed):  # holds an allowed path: deny around it
            if os.path.isdir(path) and not any(_inside(path, a) for a in allowed):
                for entry in os.scandir(path):
                    deny(entry.path)
            return
        if not os.path.islink(path):
            acl_group(path, gid, 0)

    for path in hidden_paths(spec):
        deny(path)
