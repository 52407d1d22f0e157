"""Grader side of the worker protocol: a warm zygote per grading process, one worker per submission."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from .codec import CodecError, recv_msg, send_msg


class WorkerLost(RuntimeError):
    """The student's worker timed out, died or broke the protocol; it has been killed."""


class Zygote:
    """A warm parent (pandas already imported) that forks isolated workers on request."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.lock = threading.Lock()
        self.owner = os.getpid()

    def _forget_if_forked(self) -> None:
        """A process forked from the grader (parallel grading) starts its own zygote."""
        if self.owner != os.getpid():
            if self.control is not None:
                self.control.close()  # our copy only; the parent's zygote is untouched
            self.proc, self.control, self.lock, self.owner = None, None, threading.Lock(), os.getpid()

    def _start(self) -> None:
        mine, theirs = socket.socketpair()
        debug = os.environ.get("MVS_SANDBOX_DEBUG")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mvs_course.grading.sandbox.worker", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None if debug else subprocess.DEVNULL,
            start_new_session=True,
            env=_clean_env(),
        )
        theirs.close()
        mine.settimeout(120)
        hello = recv_msg(mine)
        if "ready" not in hello:
            raise RuntimeError("the sandbox zygote did not start")
        mine.settimeout(None)
        self.control = mine

    def spawn(self, spec: dict, timeout: float = 60) -> Worker:
        self._forget_if_forked()
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            ours, theirs = socket.socketpair()
            try:
                socket.send_fds(self.control, [json.dumps(spec).encode()], [theirs.fileno()])
            except OSError:
                self.proc = None
                raise
            finally:
                theirs.close()
        ours.settimeout(timeout)
        try:
            hello = recv_msg(ours)
        except (OSError, EOFError, CodecError) as err:
            ours.close()
            raise WorkerLost(f"the sandbox worker did not start ({err})") from None
        pid = hello.get("hello")
        if not isinstance(pid, int) or pid <= 1:
            ours.close()
            raise WorkerLost("the sandbox worker did not start")
        return Worker(ours, pid)


def _ending(code: object, waited: float) -> str:
    """Plain words for how the worker process ended."""
    signals = {
        -signal.SIGXCPU: "hit the CPU time limit",
        -signal.SIGKILL: "was killed (CPU hard limit or out of memory)",
        -signal.SIGSEGV: "crashed (segmentation fault)",
        -signal.SIGXFSZ: "hit the file size limit",
        -signal.SIGABRT: "aborted",
    }
    if isinstance(code, int) and code in signals:
        what = signals[code]
    elif isinstance(code, int) and code < 0:
        what = f"was killed by signal {-code}"
    else:
        what = f"exited (code {code}: os._exit, or a crash)"
    return f"student code {what} after {waited:.1f} s"


def _clean_env() -> dict[str, str]:
    """The zygote's environment: nothing secret (student code can read its own /proc/self/environ)."""
    keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "MVS_SANDBOX_DEBUG")
    return {k: os.environ[k] for k in keep if k in os.environ}


_ZYGOTE = Zygote()


def spawn(spec: dict) -> Worker:
    """A fresh isolated worker for one submission."""
    return _ZYGOTE.spawn(spec)


class Worker:
    """One submission's sandboxed process; every reply is untrusted data."""

    def __init__(self, sock: socket.socket, pid: int) -> None:
        self.sock, self.pid, self.dead = sock, pid, ""

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
            reply = recv_msg(self.sock)
            if "worker_exit" in reply:
                self.kill(_ending(reply["worker_exit"], time.monotonic() - start))
                raise WorkerLost(self.dead)
            return reply
        except TimeoutError:
            self.kill(f"stopped after the {timeout:.0f} s wall-clock limit")
        except (EOFError, ConnectionError, BrokenPipeError):
            waited = time.monotonic() - start
            self.kill(
                f"student code ended the worker after {waited:.1f} s (exit, crash, or the CPU, "
                "memory or process limit)"
            )
        except CodecError as err:
            self.kill(f"the worker sent a malformed or oversized reply ({err})")
        except OSError as err:
            self.kill(f"lost the worker ({err})")
        raise WorkerLost(self.dead)

    def kill(self, reason: str = "finished") -> None:
        if not self.dead:
            self.dead = reason
        for sender in (os.killpg, os.kill):
            try:
                sender(self.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.sock.close()
        except OSError:
            pass

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
