"""A worker's first steps: ``python launch.py FD [--uid U --gid G] [--preload a,b]``.

Started (under bubblewrap, or directly at the weaker levels) before its submission is known:
it drops to its uid, joins a fresh session keyring, imports the preload modules, says
``ready`` on the socket FD and waits. On ``go`` it applies the submission's rlimits and serves
(``worker.serve``) until the grader says bye. Run as a file, not as ``-m``, so that nothing of
the package around the sandbox is imported here (the sandbox folder becomes a package of its
own, ``_mvs_sandbox``).
"""

from __future__ import annotations

import argparse
import ctypes
import importlib
import os
import platform
import socket
import sys
import types

_PACKAGE = "_mvs_sandbox"
_KEYCTL = {"x86_64": 250, "aarch64": 219, "arm64": 219}  # syscall numbers
KEYCTL_JOIN_SESSION_KEYRING = 1


def _drop(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if 0 in (os.getuid(), os.geteuid(), os.getgid(), os.getegid()):
        raise SystemExit("could not drop root")


def _new_keyring() -> None:
    """A session keyring of our own: keys the grader or an earlier worker holds stay out of reach."""
    number = _KEYCTL.get(platform.machine())
    if number is not None:
        try:
            ctypes.CDLL(None, use_errno=True).syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)
        except (OSError, AttributeError):
            pass


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("fd", type=int)
    parser.add_argument("--uid", type=int)
    parser.add_argument("--gid", type=int)
    parser.add_argument("--preload", default="")
    args = parser.parse_args(argv)
    if args.uid is not None:
        _drop(args.uid, args.gid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("the sandbox worker never runs as root")
    _new_keyring()
    for name in filter(None, args.preload.split(",")):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the student's import will say what is missing
            pass
    from .codec import recv_msg, send_msg
    from .limits import apply_rlimits
    from .worker import serve

    sock = socket.socket(fileno=args.fd)
    send_msg(sock, {"ready": os.getpid()})
    try:
        go = recv_msg(sock)
    except (EOFError, OSError):
        return
    spec = go.get("go") if isinstance(go, dict) else None
    if not isinstance(spec, dict):
        return
    os.makedirs(spec["home"], exist_ok=True)
    os.chdir(spec["home"])
    apply_rlimits(spec, spec.get("nproc"))
    send_msg(sock, {"started": os.getpid()})
    serve(sock, int(spec.get("output_cap", 100_000)))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        del sys.path[0]
    package = types.ModuleType(_PACKAGE)
    package.__path__ = [here]
    sys.modules[_PACKAGE] = package
    importlib.import_module(f"{_PACKAGE}.launch").main(sys.argv[1:])
    os._exit(0)
