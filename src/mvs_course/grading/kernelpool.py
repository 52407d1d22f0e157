"""nbgrader's Execute with a spare kernel: while one notebook runs, the next kernel boots.

Each notebook still gets a fresh kernel that is used once and killed after; only the start
moves earlier. The spare starts in a neutral folder, so before the notebook runs it moves to
the notebook's folder with a silent request (no execution count, no history), exactly where
nbgrader would have started it. Grading with it gives the same scores as plain nbgrader
(benchmarks/grading.py checks that on a whole class).
"""

from __future__ import annotations

import atexit

from jupyter_client.manager import KernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbgrader.preprocessors import Execute

from .forkkernel import ForkKernelManager, close_templates

_spare: KernelManager | None = None


def shutdown_spare() -> None:
    """Kill the spare kernel of this process, if any (workers call this before exiting)."""
    global _spare
    spare, _spare = _spare, None
    if spare is not None and spare.has_kernel:
        run_sync(spare.shutdown_kernel)(now=True)
    close_templates()


atexit.register(shutdown_spare)


def prestart(kernel_name: str, config) -> None:
    """Start this process's spare kernel now (a worker does this before its first notebook)."""
    global _spare
    if _spare is None:
        ep = PooledExecute(config=config)
        km = ep.kernel_manager_class(kernel_name=kernel_name, config=config)
        run_sync(km.start_kernel)(extra_arguments=ep._kernel_args())
        _spare = km


class PooledExecute(Execute):
    """Execute that takes a pre-started kernel and starts the next one in its place."""

    _move_to: str | None = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", ForkKernelManager)
        super().__init__(*args, **kwargs)

    def _kernel_args(self) -> list[str]:
        args = list(self.extra_arguments)
        if self.ipython_hist_file and not any(a.startswith("--HistoryManager.hist_file") for a in args):
            args.append(f"--HistoryManager.hist_file={self.ipython_hist_file}")
        return args

    async def _async_start_pooled(self, **kwargs) -> None:
        global _spare
        spare, _spare = _spare, None
        cwd = kwargs.get("cwd") or self.resources.get("metadata", {}).get("path") or None
        self._move_to = None
        if (
            spare is not None
            and spare.kernel_name == self.km.kernel_name
            and await ensure_async(spare.is_alive())
        ):
            self.km = spare
            self._move_to = cwd
        else:
            if spare is not None and spare.has_kernel:
                await ensure_async(spare.shutdown_kernel(now=True))
            await self.async_start_new_kernel(**kwargs)
        nxt = self.kernel_manager_class(kernel_name=self.km.kernel_name, config=self.config)
        await ensure_async(nxt.start_kernel(extra_arguments=self._kernel_args()))
        _spare = nxt

    def start_new_kernel(self, **kwargs) -> None:
        run_sync(self._async_start_pooled)(**kwargs)

    def start_new_kernel_client(self):
        kc = super().start_new_kernel_client()
        if self._move_to:
            # move to the notebook's folder, in sys.path[0] too, as if started there; no names left
            code = (
                "(lambda os, sys, new, old: (sys.path.__setitem__(slice(None), "
                "[new if p == old else p for p in sys.path]), os.chdir(new)))"
                f"(__import__('os'), __import__('sys'), {self._move_to!r}, __import__('os').getcwd())"
            )
            msg_id = kc.execute(code, silent=True, store_history=False)
            reply = self.wait_for_reply(msg_id)
            if not reply or reply["content"]["status"] != "ok":
                raise RuntimeError(f"the pre-started kernel could not move to {self._move_to}")
        return kc
