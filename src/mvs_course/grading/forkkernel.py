"""Kernels forked from a warm template: each grading worker starts one Python process that has
imported ipykernel and the assignment's own imports (pandas, ...), and forks it for every
notebook. Each notebook still runs in a fresh kernel process of its own, killed afterwards;
only the interpreter start and the imports are shared, which is most of a kernel's CPU.

Used through :class:`ForkKernelManager` (a jupyter_client ``AsyncKernelManager``); any kernel
command other than ``python -m ipykernel_launcher`` is started the usual way.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty

import nbformat
import psutil
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async
from traitlets import DottedObjectName, List, Type, Unicode

# Runs in the template process: import, then fork one kernel per request line on stdin.
_TEMPLATE = r"""
import json, os, signal, sys
if sys.path and sys.path[0] == "":
    del sys.path[0]
import ipykernel.kernelapp, ipykernel.ipkernel, ipykernel.zmqshell  # noqa: E401
for name in json.loads(sys.argv[1]):
    try:
        __import__(name)
    except Exception:
        pass
# modules that set themselves up for the running IPython at import time must be imported in
# the kernel itself, not here: if a preload pulled one in, refuse (kernels then start normally)
if any(m.split(".")[0] in set(json.loads(sys.argv[2])) for m in sys.modules):
    sys.exit(3)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked kernels are reaped automatically
replies = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        if request["cwd"]:
            os.chdir(request["cwd"])
        sys.argv = ["ipykernel_launcher", *request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        try:
            ipykernel.kernelapp.launch_new_instance()
        finally:
            os._exit(0)
    replies.write(json.dumps({"pid": pid}) + "\n")
    replies.flush()
"""


# Never preloaded: they hook into the running IPython (inline plots, widget comms) when imported.
IPYTHON_AWARE = frozenset(
    {
        "matplotlib",
        "matplotlib_inline",
        "ipywidgets",
        "widgetsnbextension",
        "tqdm",
        "seaborn",
        "plotly",
        "bokeh",
    }
    | {"altair", "IPython", "ipykernel"}
)


def notebook_imports(folder: Path) -> list[str]:
    """Modules imported at the top level of the non-answer code cells of the notebooks in
    ``folder``, except IPython-aware ones (see ``IPYTHON_AWARE``)."""
    names: list[str] = []
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names += [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.append(node.module)  # and the names, in case they are modules
                    names += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return [n for n in dict.fromkeys(names) if n.split(".")[0] not in IPYTHON_AWARE]


class _Template:
    """One warm template process per worker process."""

    def __init__(self, python: str, preload: list[str]):
        self.proc = subprocess.Popen(
            [
                python,
                "-c",
                _TEMPLATE,
                json.dumps(preload),
                json.dumps(sorted(IPYTHON_AWARE - {"IPython", "ipykernel"})),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lock = threading.Lock()
        self.python = python

    def fork(self, args: list[str], cwd: str | None, env: dict[str, str]) -> int:
        with self.lock:
            self.proc.stdin.write(json.dumps({"args": args, "cwd": cwd, "env": dict(env)}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise RuntimeError(f"the kernel template process ended (exit code {self.proc.returncode})")
        return int(json.loads(line)["pid"])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait()


_templates: dict[tuple[str, tuple[str, ...]], _Template] = {}
_refused: set[tuple[str, tuple[str, ...]]] = set()  # templates whose preloads were unsafe


def close_templates() -> None:
    """Stop this process's template processes (workers call this before exiting)."""
    for template in _templates.values():
        template.close()
    _templates.clear()


class _ForkedProcess:
    """The part of ``subprocess.Popen`` that jupyter_client's LocalProvisioner uses, for a kernel
    that is the template's child rather than ours."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                if psutil.Process(self.pid).status() == psutil.STATUS_ZOMBIE:
                    self.returncode = 0
            except psutil.NoSuchProcess:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        try:
            psutil.Process(self.pid).wait(timeout)
        except psutil.NoSuchProcess:
            pass
        self.returncode = 0 if self.returncode is None else self.returncode
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
        try:  # wait the few milliseconds it takes, so the next poll does not sleep 0.1 s
            psutil.wait_procs([psutil.Process(self.pid)], timeout=0.5)
        except psutil.NoSuchProcess:
            pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class QuickReadyClient(AsyncKernelClient):
    """A kernel client whose readiness check ends after 20 ms of IOPub silence instead of 200 ms.

    jupyter_client drains IOPub after kernel_info for 0.2 s; a fresh kernel has nothing more
    to say, and nbclient ignores messages that answer no request of its own anyway.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected? (it answers kernel_info with a status message)
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0.02))
            except Empty:
                break


class ForkKernelManager(AsyncKernelManager):
    """AsyncKernelManager whose IPython kernels are forked from a warm template process."""

    client_class = DottedObjectName("mvs_course.grading.forkkernel.QuickReadyClient")
    client_factory = Type(QuickReadyClient, klass=AsyncKernelClient)

    preload = List(Unicode(), help="Modules the template imports before forking kernels.").tag(config=True)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if kernel_cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        key = (kernel_cmd[0], tuple(self.preload))
        if key in _refused:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        template = _templates.get(key)
        if template is None or not template.alive():
            template = _templates[key] = _Template(kernel_cmd[0], list(self.preload))
        env = kw.get("env") or os.environ
        cwd = kw.get("cwd")
        try:
            pid = template.fork(kernel_cmd[3:], str(cwd) if cwd else None, env)
        except RuntimeError:
            self.log.warning(
                "kernel template unusable (exit %s): starting kernels normally", template.proc.poll()
            )
            _refused.add(key)
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        provisioner = self.provisioner
        provisioner.process = _ForkedProcess(pid)
        provisioner.pid = provisioner.pgid = pid
        provisioner.cwd = cwd or Path.cwd()
        self._reconcile_connection_info(provisioner.connection_info)


if sys.platform == "win32":  # no fork: plain kernels
    ForkKernelManager = AsyncKernelManager  # type: ignore[misc,assignment]  # noqa: F811
