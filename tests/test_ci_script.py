""".ci/run runs make test and fails exactly when it fails."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run_ci(tmp_path: Path, make_exit: int) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "make.log"
    (bin_dir / "make").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexit {make_exit}\n')
    (bin_dir / "chromium").write_text("#!/bin/sh\nexit 0\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
    proc = subprocess.run([str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True)
    proc.make_args = log.read_text().split() if log.exists() else []
    return proc


@pytest.mark.parametrize("make_exit", [0, 2])
def test_ci_run_propagates_make_test(tmp_path, make_exit):
    proc = _run_ci(tmp_path, make_exit)
    assert proc.make_args == ["test"]
    assert (proc.returncode == 0) == (make_exit == 0)
