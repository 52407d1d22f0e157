#!/usr/bin/env python3
"""Run a command several times in a row while CPU hogs keep every core busy (like `stress --cpu N`).

    python tools/stress.py [--hogs N] [--runs R] -- COMMAND ...

    python tools/stress.py --runs 5 -- .venv/bin/python -m pytest -p no:cacheprovider tests/browser

Each hog is a process spinning at normal priority, so the command competes for every core
the way it does on a shared CI machine. The command's output goes to run-<n>.log in a new temporary
folder (or --logs DIR); one line per run is printed, then a summary. Exit status: 0 when every run
passed, else 1. The hogs are started before the first run and stopped after the last (also
on Ctrl-C), by their own process ids.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _spin() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    x = 0
    while True:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF


def _load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cores = os.cpu_count() or 2
    parser.add_argument("--hogs", type=int, default=cores, help="busy processes (default: one per core)")
    parser.add_argument("--runs", type=int, default=5, help="times to run the command (default: 5)")
    parser.add_argument("--logs", type=Path, help="folder for each run's output (default: a new temp folder)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    args.logs = args.logs or Path(tempfile.mkdtemp(prefix="stress-"))
    args.logs.mkdir(parents=True, exist_ok=True)

    context = multiprocessing.get_context("spawn")
    hogs = [context.Process(target=_spin, daemon=True) for _ in range(args.hogs)]
    for hog in hogs:
        hog.start()
    pids = ", ".join(str(h.pid) for h in hogs)
    print(f"{args.hogs} CPU hogs running (pids {pids}); load {_load()}; logs in {args.logs}")
    results = []
    try:
        for run in range(1, args.runs + 1):
            log = args.logs / f"run-{run}.log"
            started = time.monotonic()
            with log.open("w") as out:
                code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode
            seconds = time.monotonic() - started
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            results.append((code, seconds))
            verdict = "passed" if code == 0 else f"FAILED (exit {code})"
            print(f"run {run}/{args.runs}: {verdict} in {seconds:.0f} s; load {_load()}; {tail[0][:100]}")
            sys.stdout.flush()
    finally:
        for hog in hogs:
            hog.terminate()
        for hog in hogs:
            hog.join()
    passed = sum(code == 0 for code, _ in results)
    times = sorted(seconds for _, seconds in results)
    print(
        f"{passed}/{len(results)} runs passed under {args.hogs} CPU hogs; "
        f"time min {times[0]:.0f} s, median {times[len(times) // 2]:.0f} s, max {times[-1]:.0f} s"
    )
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
