"""Grader side of the worker protocol: one sandboxed process per submission, the next one
always started (and its imports done) while the current submission is graded."""

from __future__ import annotations

import atexit
import json
import multiprocessing.util
import os
import shutil
import signal
import socket
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
    """The student's worker timed out, died or broke the protocol; it has been killed."""


def _clean_env(home: str) -> dict[str, str]:
    """The worker's environment: nothing secret (student code can read its own environ)."""
    keep = ("LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    threads = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "MPLCONFIGDIR": home, **threads, **env}


class Launch:
    """A worker process started for a submission not yet known: isolated, limited, importing."""

    def __init__(self, spec: dict, level: str) -> None:
        self.level, self.cgroup, self.uid, self.scratch = level, None, None, ""
        root = os.geteuid() == 0
        if limits.mode() != "rlimits":
            self.cgroup = limits.Cgroup(pids=limits.PIDS)
        gid = None
        if root:
            self.uid, gid = isolation.fresh_uid(), isolation.sandbox_gid()
        if level == "bwrap":
            home = "/tmp"
        else:
            self.scratch = home = tempfile.mkdtemp(prefix="mvs-sandbox-")
            if self.uid is not None:
                os.chown(self.scratch, self.uid, gid)
        ours, theirs = socket.socketpair()
        preload = ",".join([*PRELOAD, *spec.get("preload", [])])
        argv = [sys.executable, LAUNCH, str(theirs.fileno()), "--preload", preload]
        if level == "bwrap":
            if self.uid is not None:  # bwrap runs as root; the worker switches uid first thing
                argv += ["--uid", str(self.uid), "--gid", str(gid)]
            argv = isolation.bwrap_command(spec, argv)
        uid, cgroup = (self.uid if level != "bwrap" else None), self.cgroup

        def prepare() -> None:  # in the child, before exec
            if cgroup is not None:
                cgroup.join()
            if uid is not None:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)

        debug = os.environ.get("MVS_SANDBOX_DEBUG")
        self.home = home
        try:
            self.proc = subprocess.Popen(
                argv,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=None if debug else subprocess.DEVNULL,
                start_new_session=True,
                env=_clean_env(home),
                cwd=self.scratch or "/",
                preexec_fn=prepare,
            )
        except BaseException:
            ours.close()
            self.discard()
            raise
        finally:
            theirs.close()
        self.sock, self.pid, self.ready = ours, self.proc.pid, False

    def start(self, spec: dict, timeout: float) -> Worker:
        """Wait until its imports are done, give it the submission's limits, and hand it over."""
        worker = Worker(self)
        try:
            self.sock.settimeout(timeout)
            if "ready" not in recv_msg(self.sock):
                raise CodecError("no ready")
            nproc = None
            if self.cgroup is None:
                nproc = int(spec.get("processes", limits.PIDS))
                if self.uid is None:  # the grader's own uid: its processes count too
                    nproc += limits.count_processes(os.getuid())
            send_msg(self.sock, {"go": {**_limit_values(spec), "home": self.home, "nproc": nproc}})
            if "started" not in recv_msg(self.sock):
                raise CodecError("not started")
        except (OSError, EOFError, CodecError) as err:
            worker.kill(f"the sandbox worker did not start ({err})")
            raise WorkerLost(worker.dead) from None
        self.sock.settimeout(None)
        return worker

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
        if self.uid is not None:
            isolation.kill_uid(self.uid)
        if self.cgroup is not None:
            self.cgroup.remove()
        if proc is not None:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.uid is not None and self.level != "bwrap":
            isolation.sweep_uid(self.uid)
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
        self.owner, self.key, self.next = os.getpid(), "", None
        self.protected: set[str] = set()

    def spawn(self, spec: dict, timeout: float = 120) -> Worker:
        if self.owner != os.getpid():  # forked: the parent's worker is not ours to use
            self.owner, self.key, self.next = os.getpid(), "", None
        level = isolation.isolation_level()
        key = _launch_key(spec, level)
        if level == "user" and key not in self.protected:
            isolation.protect(spec, isolation.sandbox_gid())
            self.protected.add(key)
        launch = self.next if self.key == key and self.next and self.next.proc.poll() is None else None
        if launch is None and self.next is not None:
            self.next.discard()
        self.next = None
        if launch is None:
            launch = Launch(spec, level)
        try:
            self.next, self.key = Launch(spec, level), key  # imports while this one is graded
        except (OSError, subprocess.SubprocessError):
            self.next = None
        return launch.start(spec, timeout)

    def close(self) -> None:
        if self.next is not None and self.owner == os.getpid():
            self.next.discard()
        self.next = None


_POOL = _Pool()
atexit.register(_POOL.close)
multiprocessing.util.Finalize(None, _POOL.close, exitpriority=0)  # forked grading processes


def shutdown() -> None:
    """Stop the worker started ahead (it also dies with this process)."""
    _POOL.close()


def spawn(spec: dict) -> Worker:
    """A fresh isolated worker for one submission."""
    return _POOL.spawn(spec)


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

    def __init__(self, launch: Launch) -> None:
        self.launch, self.sock, self.pid, self.dead = launch, launch.sock, launch.pid, ""

    def request(self, message: dict, timeout: float) -> dict:
        if self.dead:
            raise WorkerLost(self.dead)
        if timeout <= 0:
            self.kill("the submission used up its total time")
            raise WorkerLost(self.dead)
        self.sock.settimeout(timeout)
        start = time.monotonic()
        try:
            send_msg(self.sock, message)
            return recv_msg(self.sock)
        except TimeoutError:
            self.kill(f"stopped after the {timeout:.0f} s wall-clock limit")
        except (EOFError, ConnectionError, BrokenPipeError):
            code = self.launch.exit_code()
            self.kill(_ending(code, time.monotonic() - start))
        except CodecError as err:
            self.kill(f"the worker sent a malformed or oversized reply ({err})")
        except OSError as err:
            self.kill(f"lost the worker ({err})")
        raise WorkerLost(self.dead)

    def kill(self, reason: str = "finished") -> None:
        if not self.dead:
            self.dead = reason
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
