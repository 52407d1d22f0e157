"""What runs student code inside the sandboxed worker: a real IPython shell, as a kernel has.

Student cells go through ``InteractiveShell.run_cell``: magics (``%time``, ``%%capture``),
``!`` shell lines, ``display()``, rich results (a DataFrame's HTML table, matplotlib figures
through the inline backend, a widget's mime bundle) all behave as in Jupyter, and come back
to the grader as nbformat outputs in the order they were made. The grader calls the
student's functions here (``call``) and reads values (``get``); what a call prints or
displays comes back with its result.

Nothing in a reply is trusted by the grader: it re-checks shapes and sizes, and caps output.
The caps here only keep messages small.
"""

from __future__ import annotations

import builtins
import functools
import io
import os
import socket
import subprocess
import sys
import traceback
from typing import Any

import IPython.core.interactiveshell  # noqa: F401 - imported where the worker is warmed up

from .codec import CodecError, decode, encode, recv_msg, send_msg

# what nbgrader sets in its kernels' environment while autograding; and matplotlib's inline
# backend, as ipykernel uses (figures become image/png display data at the end of a cell)
ENVIRONMENT = {
    "NBGRADER_EXECUTION": "autograde",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}
MAX_OUTPUTS = 1000  # outputs of one cell or call sent back (more are counted, not sent)
_SKIP_FRAMES = ("mvs_course/grading/sandbox", "IPython/core/interactiveshell.py")


class Outputs:
    """nbformat outputs of one cell or call, in order, with at most ``cap`` characters kept."""

    def __init__(self, cap: int) -> None:
        self.cap, self.items, self.size, self.dropped = cap, [], 0, 0

    def _room(self, n: int) -> int:
        room = max(0, self.cap - self.size)
        if n > room or len(self.items) >= MAX_OUTPUTS:
            self.dropped += n if len(self.items) >= MAX_OUTPUTS else n - room
            return room if len(self.items) < MAX_OUTPUTS else 0
        return n

    def stream(self, name: str, text: str) -> None:
        keep = self._room(len(text))
        if keep <= 0:
            return
        text, self.size = text[:keep], self.size + keep
        last = self.items[-1] if self.items else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.items.append({"output_type": "stream", "name": name, "text": text})

    def rich(self, kind: str, data: dict, metadata: dict | None) -> None:
        try:
            size = len(repr(data))
        except Exception:  # noqa: BLE001 - odd objects in a bundle
            return
        if self._room(size) < size:
            return
        self.size += size
        output = {"output_type": kind, "data": dict(data), "metadata": dict(metadata or {})}
        self.items.append(output)

    def clear(self) -> None:
        self.items, self.size = [], 0

    def take(self) -> list[dict]:
        items = self.items
        if self.dropped:
            note = f"\n[output truncated: {self.dropped} more characters]\n"
            items.append({"output_type": "stream", "name": "stdout", "text": note})
        self.items, self.size, self.dropped = [], 0, 0
        return _sendable(items)


def _sendable(items: list[dict]) -> list[dict]:
    """Outputs the codec can send (mime data that is not JSON-safe is dropped)."""
    import json

    kept = []
    for item in items:
        try:
            json.dumps(item, allow_nan=False)
        except (TypeError, ValueError, RecursionError):
            if "data" in item:
                item = {**item, "data": {"text/plain": str(item["data"].get("text/plain", ""))}}
            else:
                continue
        kept.append(item)
    return kept


class _Stream(io.TextIOBase):
    """sys.stdout / sys.stderr of the worker: text goes to the current outputs."""

    def __init__(self, session: Session, name: str) -> None:
        self.session, self.name = session, name

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return False

    def write(self, s: Any) -> int:
        s = str(s)
        if s:
            self.session.outputs.stream(self.name, s)
        return len(s)


@functools.cache
def _shell_class():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            self.shell.session.outputs.rich("display_data", data, metadata)

        def clear_output(self, wait=False):
            self.shell.session.outputs.clear()

    class Hook(DisplayHook):
        def start_displayhook(self):
            pass

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.session.outputs.rich("execute_result", format_dict, md_dict)

        def finish_displayhook(self):
            pass

    class SandboxShell(InteractiveShell):
        """InteractiveShell whose outputs, results and errors become nbformat outputs."""

        displayhook_class = Type(Hook)
        display_pub_class = Type(Publisher)
        session: Session

        def init_io(self):
            pass  # sys.stdout and sys.stderr are the session's streams while a cell runs

        def _showtraceback(self, etype, evalue, stb):
            self.session.error = _describe_parts(etype, evalue, stb)

        def system(self, cmd):
            """``!cmd``: run by /bin/sh in the sandbox; what it prints shows in the cell."""
            cmd = self.var_expand(cmd, depth=1)
            sys.stdout.flush()
            try:
                done = subprocess.run(cmd, shell=True, stdin=subprocess.DEVNULL, capture_output=True)
            except OSError as err:
                print(f"{cmd}: {err}", file=sys.stderr)
                self.user_ns["_exit_code"] = 127
                return
            sys.stdout.write(done.stdout.decode("utf-8", "replace"))
            sys.stderr.write(done.stderr.decode("utf-8", "replace"))
            self.user_ns["_exit_code"] = done.returncode

        system_raw = system_piped = system

    return SandboxShell


def _describe_parts(etype: Any, evalue: Any, stb: Any) -> dict:
    lines = [str(line) for line in stb] if isinstance(stb, list) else []
    return {
        "ename": getattr(etype, "__name__", "Error"),
        "evalue": str(evalue)[:2000],
        "traceback": lines[-100:],
        "bases": _builtin_bases(etype),
    }


def _builtin_bases(etype: Any) -> list[str]:
    """Names of the built-in exception classes ``etype`` derives from, nearest first."""
    try:
        mro = etype.__mro__
    except AttributeError:
        return []
    return [c.__name__ for c in mro if c is not object and getattr(builtins, c.__name__, None) is c][:20]


def _describe(exc: BaseException) -> dict:
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    kept = [ln for ln in lines if not any(part in ln for part in _SKIP_FRAMES)]
    described = {
        "ename": type(exc).__name__,
        "evalue": str(exc)[:2000],
        "traceback": "".join(kept)[-8000:].splitlines(),
        "bases": _builtin_bases(type(exc)),
    }
    try:
        described["args"] = encode(list(exc.args))
    except (CodecError, RecursionError):
        pass
    return described


class Session:
    """One submission's IPython shell inside the sandboxed child."""

    def __init__(self, output_cap: int) -> None:
        os.environ.update(ENVIRONMENT)
        self.outputs = Outputs(output_cap)
        self.error: dict | None = None
        self.stdout, self.stderr = _Stream(self, "stdout"), _Stream(self, "stderr")
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.autocall = 0
        config.InteractiveShell.colors = "nocolor"
        shell_class = _shell_class()
        shell_class.clear_instance()
        self.shell = shell_class.instance(config=config)
        self.shell.session = self
        self.ns = self.shell.user_ns
        self.ns["__name__"] = "__main__"
        if "matplotlib" in sys.modules:  # preloaded before the environment named the backend
            try:
                self.shell.enable_matplotlib("inline")  # what %matplotlib inline does
            except Exception:  # noqa: BLE001 - figures then stay unshown, as without a backend
                pass
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:  # figures of the process we were forked from are not the student's
            pyplot.close("all")

    def _snapshot(self) -> dict[str, int]:
        return {k: id(v) for k, v in list(self.ns.items())}

    def _redirected(self):
        return _Redirect(self)

    def run(self, code: str) -> dict:
        before = self._snapshot()
        self.error = None
        with self._redirected():
            try:
                result = self.shell.run_cell(code, store_history=True)
                if result.error_in_exec is not None and self.error is None:
                    self.error = _describe(result.error_in_exec)
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything
                self.error = _describe(exc)
        after = self._snapshot()
        changed = [k for k, v in after.items() if before.get(k) != v and not k.startswith("__")]
        changed += [k for k in before if k not in after]
        return {"outputs": self.outputs.take(), "error": self.error, "changed": sorted(changed)[:10_000]}

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
        with self._redirected():
            try:
                args = [self._arg(a) for a in args]
                kwargs = {str(k): self._arg(v) for k, v in kwargs.items()}
                result = func(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001
                return {"kind": "raised", "error": _describe(exc), "outputs": self.outputs.take()}
        outputs = self.outputs.take()
        try:
            return {"kind": "value", "value": encode(result), "outputs": outputs}
        except (CodecError, RecursionError) as err:
            return {"kind": "opaque", "message": str(err)[:300], "outputs": outputs}

    def _arg(self, tree: dict) -> Any:
        if isinstance(tree, dict) and tree.get("t") == "ref":
            return self.ns[str(tree["name"])]
        return decode(tree)

    def set(self, name: str, value: dict) -> dict:
        self.ns[name] = decode(value)
        return {"ok": True}


class _Redirect:
    """sys.stdout/sys.stderr to the session's outputs while student code runs; figures shown."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> None:
        self.saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.session.stdout, self.session.stderr

    def __exit__(self, *exc: Any) -> None:
        sys.stdout, sys.stderr = self.saved


def _is_data(value: Any) -> bool:
    mod = type(value).__module__ or ""
    return mod.startswith(("pandas", "numpy"))


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
