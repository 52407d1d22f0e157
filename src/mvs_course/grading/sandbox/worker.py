"""The sandbox worker: ``python -m mvs_course.grading.sandbox.worker <control-fd>``.

Started once per grading process as a warm *zygote*: it imports pandas, numpy and the course
package, then waits on a control socket. For each submission the grader sends a spawn request
with one end of a fresh socketpair; the zygote forks a child that isolates itself (new session,
namespaces, rlimits, unprivileged user) before it reads any student code, then serves requests
on that socket: run a cell, get a global, call a function, set a global.
Nothing here is trusted by the grader: every reply is only data.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import traceback

from . import isolation
from .codec import send_msg
from .session import serve  # noqa: F401 - the code that runs cells (a submission's IPython shell)


def _child(conn: socket.socket, spec: dict) -> None:
    """In the forked child: isolate, then serve. Never returns."""
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        pid = isolation.enter(spec)  # may fork: returns in the process that goes on
        if pid:  # the intermediate process tells the grader who to kill, then leaves
            send_msg(conn, {"hello": pid})
            os._exit(0)
        if not spec.get("pidns"):
            send_msg(conn, {"hello": os.getpid()})
        worker = os.fork()
        if worker == 0:
            isolation.drop(spec, keep_fds=[conn.fileno()])
            serve(conn, int(spec.get("output_cap", 100_000)))
            os._exit(0)
        _monitor(conn, worker)
    except BaseException:  # noqa: BLE001
        try:
            traceback.print_exc(file=sys.__stderr__)
        except Exception:  # noqa: BLE001
            pass
    os._exit(0)


def _monitor(conn: socket.socket, worker: int) -> None:
    """Reap every orphan (we are PID 1 of the namespace); say how the worker ended."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue
        if pid == worker:
            try:
                send_msg(conn, {"worker_exit": os.waitstatus_to_exitcode(status)})
            except OSError:
                pass
            return


def zygote(control_fd: int) -> None:
    """Warm up, then fork one isolated child per spawn request."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import mvs_course.datasets  # noqa: F401

    try:
        import IPython.core.inputtransformer2  # noqa: F401
    except ImportError:
        pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    # orphaned workers stay our descendants, so killing the grader's process tree reaches them;
    # and we die with the grader
    isolation.prctl(isolation.PR_SET_CHILD_SUBREAPER, 1)
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    control = socket.socket(fileno=control_fd)
    send_msg(control, {"ready": os.getpid()})
    children: list[int] = []
    try:
        while True:
            try:
                msg, fds, _flags, _addr = socket.recv_fds(control, 1 << 20, 1)
            except OSError:
                return
            if not msg or not fds:
                return
            spec = _loads(msg)
            conn = socket.socket(fileno=fds[0])
            child = os.fork()
            if child == 0:
                control.close()
                _child(conn, spec)
            conn.close()
            children = [c for c in children if _alive(c)] + [child]
    finally:
        for child in children:  # each worker's process group (its sandbox lives in it)
            try:
                os.killpg(child, signal.SIGKILL)
            except OSError:
                pass


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except OSError:
        return False


def _loads(data: bytes) -> dict:
    import json

    return json.loads(data)


if __name__ == "__main__":
    zygote(int(sys.argv[1]))
