"""The sandbox worker: runs one submission's cells and answers the grader's requests.

``launch.py`` starts it isolated (bubblewrap, or a fresh uid) and limited, imports the preload
modules, then calls ``serve`` on the socket to the grader: run a cell, get a global, call a
function, set a global. Nothing here is trusted by the grader: every reply is only data.
"""

from __future__ import annotations

import ast
import builtins
import io
import socket
import sys
import traceback
from typing import Any

from .codec import CodecError, decode, encode, recv_msg, send_msg

CELL_NAME = "<student cell>"


class CappedWriter(io.TextIOBase):
    """A text stream keeping at most ``cap`` characters and counting the rest."""

    def __init__(self, cap: int) -> None:
        self.cap, self.parts, self.size, self.dropped = cap, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        s = str(s)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(room, len(s))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[output truncated: {self.dropped} more characters]\n"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


class _Shell:
    """A tiny stand-in for ``get_ipython()``: magics are ignored, transformer lists exist."""

    def __init__(self) -> None:
        self.input_transformers_cleanup: list = []
        self.input_transformers_post: list = []
        self.user_ns: dict = {}

    def run_line_magic(self, name: str, line: str) -> None:
        return None

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        return None

    def system(self, cmd: str) -> None:
        raise PermissionError("shell commands are not available while grading")

    getoutput = system


def _transform(shell: _Shell, code: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        code = TransformerManager().transform_cell(code)
    except Exception:  # noqa: BLE001 - plain Python still runs
        pass
    for hook in list(shell.input_transformers_cleanup) + list(shell.input_transformers_post):
        try:
            code = "".join(hook(code.splitlines(keepends=True)))
        except Exception:  # noqa: BLE001
            pass
    return code


class Session:
    """One submission's namespace inside the sandboxed child."""

    def __init__(self, output_cap: int) -> None:
        self.shell = _Shell()
        self.ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.ns["get_ipython"] = lambda: self.shell
        self.ns["display"] = lambda *objs, **kw: [print(repr(o)) for o in objs] and None
        self.shell.user_ns = self.ns
        self.out = CappedWriter(output_cap)
        self.err = CappedWriter(output_cap)

    def _snapshot(self) -> dict[str, int]:
        return {k: id(v) for k, v in list(self.ns.items())}

    def run(self, code: str) -> dict:
        before = self._snapshot()
        error = None
        sys.stdout, sys.stderr = self.out, self.err
        try:
            tree = ast.parse(_transform(self.shell, code), CELL_NAME)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, CELL_NAME, "exec"), self.ns)
            if last is not None:
                value = eval(compile(last, CELL_NAME, "eval"), self.ns)
                if value is not None:
                    self.ns["_"] = value
                    print(repr(value))
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            error = _describe(exc)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        after = self._snapshot()
        changed = sorted(k for k, v in after.items() if before.get(k) != v and not k.startswith("__"))
        return {"stdout": self.out.take(), "stderr": self.err.take(), "error": error, "changed": changed}

    def get(self, name: str) -> dict:
        if name not in self.ns:
            return {"kind": "missing"}
        value = self.ns[name]
        if callable(value) and not _is_data(value):
            return {"kind": "callable"}
        try:
            return {"kind": "value", "value": encode(value)}
        except (CodecError, RecursionError) as err:
            return {"kind": "opaque", "message": str(err)[:300]}

    def call(self, name: str, args: list, kwargs: dict) -> dict:
        func = self.ns.get(name)
        if func is None or not callable(func):
            return {"kind": "raised", "error": {"ename": "NameError", "evalue": f"{name!r} is not callable"}}
        sys.stdout, sys.stderr = self.out, self.err
        try:
            args = [self._arg(a) for a in args]
            kwargs = {str(k): self._arg(v) for k, v in kwargs.items()}
            result = func(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            return {
                "kind": "raised",
                "error": _describe(exc),
                "stdout": self.out.take(),
                "stderr": self.err.take(),
            }
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        printed = {"stdout": self.out.take(), "stderr": self.err.take()}
        try:
            return {"kind": "value", "value": encode(result), **printed}
        except (CodecError, RecursionError) as err:
            return {"kind": "opaque", "message": str(err)[:300], **printed}

    def _arg(self, tree: dict) -> Any:
        if isinstance(tree, dict) and tree.get("t") == "ref":
            return self.ns[str(tree["name"])]
        return decode(tree)

    def set(self, name: str, value: dict) -> dict:
        self.ns[name] = decode(value)
        return {"ok": True}


def _is_data(value: Any) -> bool:
    mod = type(value).__module__ or ""
    return mod.startswith(("pandas", "numpy"))


def _describe(exc: BaseException) -> dict:
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    kept = [ln for ln in lines if "mvs_course/grading/sandbox" not in ln]
    return {
        "ename": type(exc).__name__,
        "evalue": str(exc)[:2000],
        "traceback": "".join(kept)[-8000:],
    }


def serve(sock: socket.socket, output_cap: int) -> None:
    """Answer the grader's requests until it says bye or goes away."""
    session = Session(output_cap)
    while True:
        try:
            request = recv_msg(sock)
        except (EOFError, OSError, CodecError):
            return
        op = request.get("op")
        try:
            if op == "run":
                reply = session.run(str(request["code"]))
            elif op == "get":
                reply = session.get(str(request["name"]))
            elif op == "call":
                reply = session.call(str(request["name"]), request["args"], request["kwargs"])
            elif op == "set":
                reply = session.set(str(request["name"]), request["value"])
            elif op == "bye":
                return
            else:
                reply = {"kind": "raised", "error": {"ename": "ProtocolError", "evalue": str(op)}}
            send_msg(sock, reply)
        except (EOFError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - e.g. an unsendable reply
            try:
                send_msg(sock, {"kind": "raised", "error": _describe(exc)})
            except Exception:  # noqa: BLE001
                return
