"""A worker's first steps: ``python launch.py FD [--zygote] [--preload a,b]``.

Started (under bubblewrap, or directly at the weaker levels) before its submission is known.
It imports the preload modules, then:

- alone (not root): it is the worker. It says it is ready (one byte on the socket FD, from
  which the grader learns its pid) and waits;
- ``--zygote`` (root): for each order from the grader (a fresh uid and a socket), it forks a
  worker that leaves the zygote's IPC namespace, switches to that uid (losing every
  capability), joins a fresh session keyring and says it is ready on its socket; a root
  monitor beside it reports how it ended. Forking keeps the imports warm.

On ``go`` a worker applies the submission's rlimits (the grader has put it in its cgroup by
then) and serves (``session.serve``) until the grader says bye. Run as a file, not ``-m``, so
that nothing of the package around the sandbox is imported (the sandbox folder becomes a
package of its own, ``_mvs_sandbox``).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import json
import os
import platform
import signal
import socket
import sys
import types

_PACKAGE = "_mvs_sandbox"
_KEYCTL = {"x86_64": 250, "aarch64": 219, "arm64": 219}  # syscall numbers
KEYCTL_JOIN_SESSION_KEYRING, PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG = 1, 38, 1
CLONE_NEWIPC = 0x08000000
_libc = ctypes.CDLL(None, use_errno=True)


def _drop(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if 0 in (os.getuid(), os.geteuid(), os.getgid(), os.getegid()):
        raise SystemExit("could not drop root")


def _fresh_process_state() -> None:
    """No setuid program can raise us again; keys the grader or an earlier worker holds stay
    out of reach (a session keyring of our own)."""
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SystemExit("could not set no_new_privs")
    number = _KEYCTL.get(platform.machine())
    if number is not None:
        _libc.syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)


def _serve_submission(sock: socket.socket, home: str) -> None:
    """Say ready, wait for the grader's go, apply the limits, serve."""
    from .codec import recv_msg, send_msg
    from .limits import apply_rlimits
    from .session import serve

    os.chdir(home)
    os.environ.update(HOME=home, TMPDIR=home, MPLCONFIGDIR=home)
    sock.sendall(b"R")  # the grader reads our pid from the kernel's credentials on this
    try:
        go = recv_msg(sock)
    except (EOFError, OSError):
        return
    spec = go.get("go") if isinstance(go, dict) else None
    if not isinstance(spec, dict):
        return
    apply_rlimits(spec, spec.get("nproc"))
    send_msg(sock, {"started": os.getpid()})
    serve(sock, int(spec.get("output_cap", 100_000)))


def _monitor(conn: socket.socket, order: dict) -> None:
    """In a forked child of the zygote: fork the worker, wait, say how it ended. Never returns."""
    from .codec import send_msg

    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        _libc.unshare(CLONE_NEWIPC)  # SysV and POSIX queues of its own (where the kernel allows)
        worker = os.fork()
        if worker == 0:
            try:
                _drop(int(order["uid"]), int(order["gid"]))
                _fresh_process_state()
                _serve_submission(conn, order["home"])
            finally:
                os._exit(0)
        _, status = os.waitpid(worker, 0)
        send_msg(conn, {"worker_exit": os.waitstatus_to_exitcode(status)})
    except BaseException:  # noqa: BLE001
        pass
    os._exit(0)


def zygote(control: socket.socket) -> None:
    """Fork one worker per order until the grader goes away."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # monitors are reaped automatically
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    control.sendall(b"R")
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 1)
        except OSError:
            return
        if not msg or not fds:
            return
        order = json.loads(msg)
        conn = socket.socket(fileno=fds[0])
        os.mkdir(order["home"], 0o700)
        os.chown(order["home"], int(order["uid"]), int(order["gid"]))
        if os.fork() == 0:
            control.close()
            _monitor(conn, order)
        conn.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("fd", type=int)
    parser.add_argument("--zygote", action="store_true")
    parser.add_argument("--preload", default="")
    args = parser.parse_args(argv)
    if not args.zygote:
        if os.getuid() == 0 or os.geteuid() == 0:
            raise SystemExit("the sandbox worker never runs as root")
        _fresh_process_state()
    for name in filter(None, args.preload.split(",")):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the student's import will say what is missing
            pass
    for name in ("codec", "limits", "session"):
        importlib.import_module(f"{__package__}.{name}")
    # the preloaded modules live as long as the process: frozen, no garbage collection in a
    # worker walks them again (nor writes to them, copying the zygote's pages into each worker)
    gc.freeze()
    sock = socket.socket(fileno=args.fd)
    if args.zygote:
        zygote(sock)
    else:
        _serve_submission(sock, os.environ.get("HOME", "/tmp"))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        del sys.path[0]
    package = types.ModuleType(_PACKAGE)
    package.__path__ = [here]
    sys.modules[_PACKAGE] = package
    importlib.import_module(f"{_PACKAGE}.launch").main(sys.argv[1:])
    os._exit(0)
