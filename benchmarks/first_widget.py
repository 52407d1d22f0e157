#!/usr/bin/env python3
"""How long a learner waits for the first widget: from `jupyter lab` starting to a drawn widget.

    python benchmarks/first_widget.py [--runs 3] [--learner] [--chromium /usr/bin/chromium]

Each run starts a fresh JupyterLab server on a throw-away copy of course/ and exercises/
as `make lab` does (``python -m mvs_course.lab``, the repository's environment; --learner also
turns off nbgrader's server and lab extensions, as postBuild does on Binder), opens the start
page in an already running headless chromium with an empty cache (a first visit), and as soon
as the kernel answers runs the first code cell the way a learner does (click it, Shift+Enter). It prints
the time from server start to each step and to the first drawn widget, then the medians.

A benchmark, not a test: nothing here fails on a slow machine. Needs chromium and
playwright (`pip install -e ".[test]"`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_PAGE = "course/00_start_here.ipynb"
TRACKER = ROOT / "tests" / "browser" / "tracker.js"  # records kernel requests and their replies
LISTENING = re.compile(r"https?://127\.0\.0\.1:(\d+)/")
STEPS = ("server answers", "notebook drawn", "kernel ready", "first widget")


NBGRADER_SERVER = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)


def learner_settings(config: Path) -> None:
    """What a learner's Binder has (see postBuild): no nbgrader instructor or exchange parts, no news."""
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyter/nbgrader": True}})
    )
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": dict.fromkeys(NBGRADER_SERVER, False)}})
    )


def start_server(base: Path, learner: bool) -> tuple[subprocess.Popen, str, str, float]:
    """A fresh `jupyter lab` on a copy of the course; returns (process, url, token, started)."""
    if learner:
        learner_settings(base / "config")
    project = base / "project"
    for folder in ("course", "exercises"):
        shutil.copytree(ROOT / folder, project / folder)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "MVS_NOTES_FILE": str(base / "notes.json"),
        "MVS_PROGRESS_FILE": str(base / "progress.json"),
    }
    token = secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "mvs_course.lab",  # what `make lab` runs
        "--no-browser",
        "--port=0",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={project}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    started = time.monotonic()
    server = subprocess.Popen(
        command, env=env, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    port = None
    for line in server.stdout:
        found = LISTENING.search(line)
        if found:
            port = found.group(1)
            break
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
    if port is None:
        raise SystemExit("jupyter lab exited before listening")
    return server, f"http://127.0.0.1:{port}", token, started


def answers(url: str, token: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).close()
    except (urllib.error.URLError, ConnectionError):
        return False
    return True


def one_run(playwright, chromium_path: str, learner: bool) -> dict[str, float]:
    base = Path(tempfile.mkdtemp(prefix="first-widget-"))
    # the learner's browser is already open: launched before the clock starts, with an empty cache
    browser = playwright.chromium.launch(
        executable_path=chromium_path, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(TRACKER.read_text(encoding="utf-8"))
    page.set_default_timeout(180_000)
    seconds: dict[str, float] = {}
    server, url, token, started = start_server(base, learner)
    try:
        while not answers(url, token):  # the address is printed just before the port is bound
            if server.poll() is not None:
                raise SystemExit("jupyter lab exited")
            time.sleep(0.01)
        seconds["server answers"] = time.monotonic() - started
        page.goto(f"{url}/lab/tree/{START_PAGE}?reset&token={token}")
        first_cell = page.locator(".jp-NotebookPanel .jp-CodeCell").first
        first_cell.wait_for()
        seconds["notebook drawn"] = time.monotonic() - started
        page.wait_for_function("() => window.__mvs.handled('kernel_info_request') > 0")
        seconds["kernel ready"] = time.monotonic() - started
        first_cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        first_cell.locator(".jp-OutputArea-output .jupyter-widgets").first.wait_for()
        seconds["first widget"] = time.monotonic() - started
    finally:
        browser.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(base, ignore_errors=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default=os.environ.get("MVS_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument(
        "--learner", action="store_true", help="without nbgrader's server and lab extensions (as on Binder)"
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    runs = []
    with sync_playwright() as playwright:
        for run in range(1, args.runs + 1):
            seconds = one_run(playwright, args.chromium, args.learner)
            runs.append(seconds)
            steps = ", ".join(f"{step} {seconds[step]:.1f} s" for step in STEPS)
            print(f"run {run}: {steps}", flush=True)
    medians = {step: statistics.median(run[step] for run in runs) for step in STEPS}
    print("median from server start: " + ", ".join(f"{step} {medians[step]:.1f} s" for step in STEPS))
    print(f"time to first widget: {medians['first widget']:.1f} s (median of {len(runs)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
