"""Grader side of the worker protocol: one sandboxed worker per submission, the next one
always ready while the current submission is graded.

As root, a warm zygote per grading process (inside bubblewrap when it works) forks each
worker, which switches to a fresh uid; the grader puts it in a cgroup of its own before it
runs student code. Not root, each worker is its own bubblewrap (or, allowed explicitly, a
plain process), started and importing while the previous submission is graded."""

from __future__ import annotations

import atexit
import json
import multiprocessing.util
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import isolation, limits
from .codec import CodecError, recv_msg, send_msg

LAUNCH = str(Path(__file__).with_name("launch.py"))
PRELOAD = ("numpy", "pandas", "IPython.core.inputtransformer2")


class WorkerLost(RuntimeError):
    """The student's worker timed out, died or broke the protocol; it has been killed.

    ``kind`` says which, as data: "timeout" (wall clock or total time), "cpu" (the CPU time
    limit), "ended" (the process ended or was killed), "protocol" (a bad reply)."""

    def __init__(self, reason: str, kind: str = "ended") -> None:
        super().__init__(reason)
        self.kind = kind


def _clean_env(home: str) -> dict[str, str]:
    """The worker's environment: nothing secret (student code can read its own environ)."""
    keep = ("LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    threads = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "MPLCONFIGDIR": home, **threads, **env}


def _ready_pid(sock: socket.socket, timeout: float) -> int:
    """Wait for a worker's one-byte ready; its pid (in our PID namespace) comes from the kernel."""
    sock.settimeout(timeout)
    data, ancillary, _flags, _addr = sock.recvmsg(1, socket.CMSG_SPACE(12))
    if data != b"R":
        raise CodecError("the worker did not say it was ready")
    for level, kind, creds in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            return struct.unpack("3i", creds[:12])[0]
    raise CodecError("no credentials from the worker")


def _socketpair() -> tuple[socket.socket, socket.socket]:
    ours, theirs = socket.socketpair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    return ours, theirs


def preload_modules(configured: list[str]) -> list[str]:
    """What a worker's warm parent imports: the sandbox's own list, then the course's."""
    return [*PRELOAD, *configured]


def _start(
    spec: dict, level: str, sock: socket.socket, flags: list[str], home: str, cwd: str
) -> subprocess.Popen:
    """launch.py in a new session (under bubblewrap at level ``bwrap``), talking on ``sock``,
    with the preload modules imported and a clean environment whose home is ``home``."""
    preload = ",".join(preload_modules(spec.get("preload", [])))
    argv = [sys.executable, LAUNCH, str(sock.fileno()), *flags, "--preload", preload]
    if level == "bwrap":
        argv = isolation.bwrap_command(spec, argv)
    return subprocess.Popen(
        argv,
        pass_fds=[sock.fileno()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("MVS_SANDBOX_DEBUG") else subprocess.DEVNULL,
        start_new_session=True,
        env=_clean_env(home),
        cwd=cwd,
    )


class Zygote:
    """Root: one warm process per grading process (under bubblewrap at level ``bwrap``) that
    forks each submission's worker; every worker gets a fresh uid and a cgroup of its own."""

    def __init__(self, spec: dict, level: str) -> None:
        self.level, self.gid = level, isolation.sandbox_gid()
        ours, theirs = _socketpair()
        try:
            self.proc = _start(spec, level, theirs, ["--zygote"], home="/tmp", cwd="/")
        finally:
            theirs.close()
        self.control, self.pid = ours, 0
        self.owner, self.key = os.getpid(), _launch_key(spec, level)

    def alive(self) -> bool:
        if self.owner == os.getpid():
            return self.proc.poll() is None
        return _running(self.proc.pid)  # started by the process this one was forked from

    def let_go(self) -> None:
        """This process will not use it: close its copy of the control socket, so that the
        zygote ends when the process that does use it closes its own (or dies)."""
        self.control.close()

    def order(self, spec: dict) -> Child:
        """A worker for a submission to come: forked now, waiting for its go."""
        uid = isolation.fresh_uid()
        ours, theirs = _socketpair()
        order = {"uid": uid, "gid": self.gid, "home": f"/tmp/mvs-worker-{uid}"}
        try:
            socket.send_fds(self.control, [json.dumps(order).encode()], [theirs.fileno()])
        finally:
            theirs.close()
        return Child(self, ours, uid, order["home"])

    def close(self) -> None:
        for sender in (os.killpg, os.kill):
            try:
                sender(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        self.control.close()
        self.proc.wait()


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (not a zombie), for a process that is not our child to wait for."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def start_ahead(spec: dict, count: int) -> list[Zygote]:
    """Root: ``count`` warm parents for ``spec``, started before the grading processes that
    will use them are forked, so that they import while the grader itself still does. Each
    grading process takes one with ``prepare(spec, ahead=...)`` and calls ``let_go`` on the
    others; the starting process lets go of all once it has forked them, and ``close``s them
    (reaping) at the end. Not root: none (a worker started ahead is not handed over)."""
    if os.geteuid() != 0:
        return []
    started: list[Zygote] = []
    try:
        for _ in range(count):
            started.append(Zygote(spec, spec["level"]))
    except BaseException:
        for zygote in started:  # none left running when a later one could not start
            zygote.close()
        raise
    return started


def _hand_over(launch: Child | Launch, spec: dict, ready: Any) -> Worker:
    """``ready()`` waits for the worker and returns its process limit (None: its cgroup's);
    then the worker gets the submission's limits, says it started, and is handed over."""
    worker = Worker(launch)
    try:
        nproc = ready()
        send_msg(launch.sock, {"go": {**_limit_values(spec), "nproc": nproc}})
        if "started" not in recv_msg(launch.sock):
            raise CodecError("not started")
    except (OSError, EOFError, CodecError) as err:
        worker.kill(f"the sandbox worker did not start ({err})")
        raise WorkerLost(worker.dead) from None
    launch.sock.settimeout(None)
    return worker


class Child:
    """One forked worker: a fresh uid, its folder inside the zygote's /tmp, a cgroup."""

    def __init__(self, zygote: Zygote, sock: socket.socket, uid: int, home: str) -> None:
        self.zygote, self.sock, self.uid, self.home = zygote, sock, uid, home
        self.cgroup: limits.Cgroup | None = None
        self.pid = 0

    def start(self, spec: dict, timeout: float) -> Worker:
        return _hand_over(self, spec, lambda: self._ready(spec, timeout))

    def _ready(self, spec: dict, timeout: float) -> int | None:
        """Wait for the forked worker, put it in its cgroup; its own process limit if none."""
        if not self.zygote.pid:
            self.zygote.pid = _ready_pid(self.zygote.control, timeout)
        self.pid = _ready_pid(self.sock, timeout)
        if limits.mode() != "rlimits":
            self.cgroup = limits.Cgroup()
            self.cgroup.join(self.pid)
        return None if self.cgroup else int(spec.get("processes", limits.PIDS))

    def exit_code(self, wait: float = 2.0) -> int | None:
        return None  # the monitor reports it as a message

    def discard(self) -> None:
        if self.cgroup is not None:
            self.cgroup.remove()  # kills every process in it: nothing leaves a cgroup unprivileged
        if self.cgroup is None or self.cgroup.folders:
            isolation.kill_uid(self.uid)
            if self.cgroup is not None:
                self.cgroup.remove()
        if self.zygote.pid:  # the folder as the zygote sees it, whatever its mount namespace
            shutil.rmtree(f"/proc/{self.zygote.pid}/root{self.home}", ignore_errors=True)
        if self.zygote.level != "bwrap":
            isolation.sweep_uid(self.uid)
        self.sock.close()


class Launch:
    """Not root: a worker process started (and importing) for a submission not yet known."""

    def __init__(self, spec: dict, level: str) -> None:
        self.level, self.scratch = level, ""
        if level == "bwrap":
            home = "/tmp"
        else:
            self.scratch = home = tempfile.mkdtemp(prefix="mvs-sandbox-")
        ours, theirs = _socketpair()
        try:
            self.proc = _start(spec, level, theirs, [], home=home, cwd=self.scratch or "/")
        except BaseException:
            ours.close()
            self.discard()
            raise
        finally:
            theirs.close()
        self.sock = ours

    def start(self, spec: dict, timeout: float) -> Worker:
        """Wait until its imports are done, give it the submission's limits, and hand it over."""
        return _hand_over(self, spec, lambda: self._ready(spec, timeout))

    def _ready(self, spec: dict, timeout: float) -> int:
        """Wait for the worker; its process limit counts what this uid already runs."""
        _ready_pid(self.sock, timeout)
        return int(spec.get("processes", limits.PIDS)) + limits.count_processes(os.getuid())

    def exit_code(self, wait: float = 2.0) -> int | None:
        try:
            code = self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None
        if self.level == "bwrap" and code > 128:  # bubblewrap reports a signal as 128 + signal
            code = -(code - 128)
        return code

    def discard(self) -> None:
        """Kill everything the worker started and remove what it left."""
        proc = getattr(self, "proc", None)
        if proc is not None:
            for sender in (os.killpg, os.kill):
                try:
                    sender(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        sock = getattr(self, "sock", None)
        if sock is not None:
            sock.close()


def _limit_values(spec: dict) -> dict:
    keys = ("cpu_seconds", "memory_bytes", "file_bytes", "output_cap", "output_bytes")
    return {k: spec[k] for k in keys if k in spec}


def _launch_key(spec: dict, level: str) -> str:
    keys = ("preload", "allow_paths", "private_roots", "hide_dirs", "hide_files", "tmp_bytes")
    return json.dumps([level, {k: spec.get(k) for k in keys}], sort_keys=True, default=str)


class _Pool:
    """The next worker, started ahead; one per grading process (forked graders start their own)."""

    def __init__(self) -> None:
        self.owner, self.key = os.getpid(), ""
        self.zygote: Zygote | None = None
        self.next: Child | Launch | None = None
        self.protected: set[str] = set()
        self.finalized = 0

    def _ahead(self, spec: dict, level: str) -> Child | Launch:
        if os.geteuid() != 0:
            return Launch(spec, level)
        if self.zygote is None or not self.zygote.alive():
            self.zygote = Zygote(spec, level)
        return self.zygote.order(spec)

    def _level_and_key(self, spec: dict) -> tuple[str, str]:
        """This process's isolation level and the key of ``spec``'s workers (a worker started
        for another key is closed); a forked process drops what its parent started."""
        if self.owner != os.getpid():  # forked: the parent's workers are not ours to use
            self.owner, self.key, self.next, self.zygote = os.getpid(), "", None, None
        if self.finalized != os.getpid():  # a multiprocessing child skips atexit, runs these
            multiprocessing.util.Finalize(self, self.close, exitpriority=0)
            self.finalized = os.getpid()
        level = isolation.isolation_level()
        key = _launch_key(spec, level)
        if level == "user" and key not in self.protected:
            isolation.protect(spec, isolation.sandbox_gid())
            self.protected.add(key)
        if self.key != key:
            self.close()
        return level, key

    def prepare(self, spec: dict, ahead: Zygote | None = None) -> None:
        """Start the next worker for ``spec`` now, if none is started yet; from ``ahead`` (a
        zygote from :func:`start_ahead`) if it was started for the same key and still runs."""
        level, key = self._level_and_key(spec)
        if ahead is not None:
            if self.zygote is None and ahead.key == key and ahead.alive():
                self.zygote = ahead
            else:
                ahead.close()
        if self.next is None:
            self.next, self.key = self._ahead(spec, level), key

    def spawn(self, spec: dict, timeout: float = 120) -> Worker:
        level, key = self._level_and_key(spec)
        launch, self.next, self.key = self.next, None, key
        if launch is None or (isinstance(launch, Launch) and launch.proc.poll() is not None):
            launch = self._ahead(spec, level)
        try:
            self.next = self._ahead(spec, level)  # forks or imports while this one is graded
        except (OSError, subprocess.SubprocessError):
            self.next = None
        return launch.start(spec, timeout)

    def close(self) -> None:
        if self.owner == os.getpid():
            if self.next is not None:
                self.next.discard()
            if self.zygote is not None:
                self.zygote.close()
        self.next = self.zygote = None


_POOL = _Pool()
atexit.register(_POOL.close)


def shutdown() -> None:
    """Stop the worker started ahead (it also dies with this process)."""
    _POOL.close()


def spawn(spec: dict) -> Worker:
    """A fresh isolated worker for one submission."""
    return _POOL.spawn(spec)


def prepare(spec: dict, ahead: Zygote | None = None) -> None:
    """Start the first worker for ``spec`` ahead of :func:`spawn` (it imports meanwhile),
    forked by ``ahead`` when it suits (see :func:`start_ahead`)."""
    _POOL.prepare(spec, ahead)


def _kind(code: object) -> str:
    """A time limit or another ending, from the worker's exit code."""
    return "cpu" if code == -signal.SIGXCPU else "ended"


def _ending(code: object, waited: float) -> str:
    """Plain words for how the worker process ended."""
    signals = {
        -signal.SIGXCPU: "hit the CPU time limit",
        -signal.SIGKILL: "was killed (CPU hard limit, out of memory, or the process limit)",
        -signal.SIGSEGV: "crashed (segmentation fault)",
        -signal.SIGXFSZ: "hit the file size limit",
        -signal.SIGABRT: "aborted",
    }
    if isinstance(code, int) and code in signals:
        what = signals[code]
    elif isinstance(code, int) and code < 0:
        what = f"was killed by signal {-code}"
    elif code is None:
        what = "ended the worker (exit, crash, or the CPU, memory or process limit)"
    else:
        what = f"exited (code {code}: os._exit, or a crash)"
    return f"student code {what} after {waited:.1f} s"


class Worker:
    """One submission's sandboxed process; every reply is untrusted data."""

    def __init__(self, launch: Child | Launch) -> None:
        self.launch, self.sock, self.dead, self.kind = launch, launch.sock, "", "ended"

    def request(self, message: dict, timeout: float) -> dict:
        if self.dead:
            raise WorkerLost(self.dead, self.kind)
        if timeout <= 0:
            self.kill("the submission used up its total time", "timeout")
            raise WorkerLost(self.dead, self.kind)
        self.sock.settimeout(timeout)
        start = time.monotonic()
        try:
            send_msg(self.sock, message)
            reply = recv_msg(self.sock)
            if isinstance(reply, dict) and "worker_exit" in reply:  # from the root monitor
                code = reply["worker_exit"]
                self.kill(_ending(code, time.monotonic() - start), _kind(code))
                raise WorkerLost(self.dead, self.kind)
            return reply
        except TimeoutError:
            self.kill(f"stopped after the {timeout:.0f} s wall-clock limit", "timeout")
        except (EOFError, ConnectionError, BrokenPipeError):
            code = self.launch.exit_code()
            self.kill(_ending(code, time.monotonic() - start), _kind(code))
        except CodecError as err:
            self.kill(f"the worker sent a malformed or oversized reply ({err})", "protocol")
        except OSError as err:
            self.kill(f"lost the worker ({err})")
        raise WorkerLost(self.dead, self.kind)

    def kill(self, reason: str = "finished", kind: str = "ended") -> None:
        if not self.dead:
            self.dead, self.kind = reason, kind
        self.launch.discard()

    def close(self) -> None:
        if not self.dead:
            try:
                self.sock.settimeout(1)
                send_msg(self.sock, {"op": "bye"})
            except OSError:
                pass
        self.kill()


def reply_value(reply: Any) -> Any:
    """Validate the shape of a reply (it comes from untrusted code)."""
    if not isinstance(reply, dict):
        raise WorkerLost("malformed reply")
    return reply
