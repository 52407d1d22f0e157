"""A JupyterLab server (one per test session, on a copy of the course) and headless chromium.

Chromium is Debian's (/usr/bin/chromium, installed by .ci/run); Playwright's own browser
download is not used. Screenshots go to tests/browser/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MVS_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "tests" / "browser" / "screenshots"


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    started: float  # time.monotonic() when the server process was started
    first_widget: float | None = None  # seconds from server start to the first widget seen

    def saw_widget(self, page) -> float:
        """Wait for a rendered widget; remember the session's first (server start -> widget)."""
        page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .jupyter-widgets"
        ).first.wait_for()
        if self.first_widget is None:
            self.first_widget = time.monotonic() - self.started
        return self.first_widget

    def open_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """`jupyter lab` on a free port with a token, serving a throw-away copy of the course."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this on CI)")
    base = tmp_path_factory.mktemp("lab")
    root = base / "project"
    root.mkdir()
    for folder in ("course", "exercises"):
        shutil.copytree(ROOT / folder, root / folder)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "MVS_NOTES_FILE": str(base / "notes.json"),
        "MVS_PROGRESS_FILE": str(base / "progress.json"),
    }
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    started = time.monotonic()
    log = (base / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited: {(base / 'server.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("jupyter lab did not answer within 30 s")
        yield Lab(url, token, root, started)
    finally:
        shutil.copy(base / "server.log", SHOTS / "server.log") if SHOTS.is_dir() else None
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
