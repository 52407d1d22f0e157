"""Run the check cells of saved exercise notebooks again, in a separate process.

    python -m mvs_course.checks.rerun exercises/01_x/x.ipynb [...]

Each notebook is executed top to bottom in a fresh kernel (errors do not stop it); its
``check(...)`` cells record their outcome in the progress file as usual. The notebook on
disk is not changed. Used by the start page's "Run my checks now" button.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

from mvs_course.nbexec import NotebookClient


def rerun_notebook(path: Path, timeout: int = 30) -> None:
    """Execute a copy of ``path`` in its own folder; check cells record their results."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()


def rerun_in_subprocess(paths: list[Path], timeout: float = 300) -> str:
    """Run :func:`rerun_notebook` on ``paths`` in a child process; a short status line."""
    if not paths:
        return "No exercise notebooks found."
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mvs_course.checks.rerun", *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"Stopped after {timeout:.0f} s: does one of your answers loop forever?"
    if done.returncode != 0:
        return f"Could not run the checks: {done.stderr.strip().splitlines()[-1:] or ['unknown error']}"
    return f"Ran the checks of {len(paths)} notebook(s)."


def main(argv: list[str] | None = None) -> int:
    for name in argv if argv is not None else sys.argv[1:]:
        rerun_notebook(Path(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
