"""One JupyterLab server and one headless chromium for every browser test of a session.

Chromium is Debian's (/usr/bin/chromium, installed by .ci/run); Playwright's own browser
download is not used. Screenshots go to tests/browser/screenshots/ (gitignored).

Every test in tests/browser/ is marked ``browser`` here (so ``-m "not browser"`` deselects
them even if a file forgets its ``pytestmark``). Under ``make test`` (``pytest -n 2 --dist
loadgroup``) the tests that share the `lab` server run in one worker process: see GROUPS in
tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("MVS_CHROMIUM", "/usr/bin/chromium")
SHOTS = HERE / "screenshots"
TRACKER = (HERE / "tracker.js").read_text(encoding="utf-8")
LISTENING = re.compile(r"https?://127\.0\.0\.1:(\d+)/")
# Lessons are found, never listed: every notebook in course/ but the start page (it has its
# own test), so a new lesson is clicked through without editing tests/browser/.
START_PAGE = "00_start_here.ipynb"
LESSONS = sorted(p for p in (ROOT / "course").glob("*.ipynb") if p.name != START_PAGE)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    log: Path

    def open_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def answers(self) -> bool:
        try:
            self.api("GET", "status")
        except (urllib.error.URLError, ConnectionError):
            return False
        return True

    def shut_down_kernels(self) -> None:
        """End every notebook session (and its kernel), so kernels never pile up between tests."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")


def _start_server(base: Path, root: Path) -> tuple[subprocess.Popen, str, str]:
    """`make lab`'s server (``python -m mvs_course.lab``) on a free port; returns once the server
    says where it listens."""
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "MVS_NOTES_FILE": str(base / "notes.json"),
        "MVS_PROGRESS_FILE": str(base / "progress.json"),
    }
    # no news or update prompt: its toast would cover controls at the bottom right
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    notification = settings / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # on a slow start JupyterLab would ask which kernel to start ("Always start the preferred
    # kernel" is the learner's answer): no dialog may cover the notebook
    tracker = base / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"autoStartDefaultKernel": True}))
    token = secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "mvs_course.lab",
        "--no-browser",
        "--port=0",  # the server picks a free port and prints it: no race for the port
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(
        command, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    log = (base / "server.log").open("w", encoding="utf-8")
    port = None
    for line in server.stdout:  # blocks until the server writes: no polling, no sleeping
        log.write(line)
        found = LISTENING.search(line)
        if found:
            port = found.group(1)
            break
    log.flush()

    def copy_rest() -> None:  # keep draining the pipe, or a chatty server would block on it
        for line in server.stdout:
            log.write(line)
            log.flush()
        log.close()

    threading.Thread(target=copy_rest, daemon=True).start()
    if port is None:
        server.wait()
        pytest.fail(f"jupyter lab exited before listening: {(base / 'server.log').read_text()[-3000:]}")
    return server, f"http://127.0.0.1:{port}", token


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """`jupyter lab` with a token, serving a throw-away copy of the course."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this on CI)")
    base = tmp_path_factory.mktemp("lab")
    root = base / "project"
    root.mkdir()
    for folder in ("course", "exercises"):
        shutil.copytree(ROOT / folder, root / folder)
    server, url, token = _start_server(base, root)
    lab = Lab(url, token, root, base / "server.log")
    try:
        # the address is printed just before the server's loop binds it: poll until it answers
        deadline = time.monotonic() + 60
        while not lab.answers():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"jupyter lab does not answer at {url}: {lab.log.read_text()[-3000:]}")
            time.sleep(0.02)  # a poll interval, not a wait for readiness
        yield lab
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if SHOTS.is_dir():
            shutil.copy(base / "server.log", SHOTS / "server.log")


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


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session: JupyterLab's scripts come from its cache after the first page.

    Every page of it records the kernel messages it sends and when their replies have been
    handled and drawn (tracker.js), so tests wait for "settled", never for a fixed time.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(TRACKER)
    context.set_default_timeout(60_000)  # an upper bound for conditions, never a wait by itself
    yield context
    context.close()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def _shared_page(browser_context):
    holder: dict = {}
    yield holder
    if holder.get("page") and not holder["page"].is_closed():
        holder["page"].close()


@pytest.fixture
def page(_shared_page, browser_context, request):
    """One page for all tests: JupyterLab loads once and jlab.open_notebook opens each notebook in it.

    After a failed test the page is thrown away (with every kernel), so the next test starts clean.
    """
    if _shared_page.get("page") is None or _shared_page["page"].is_closed():
        _shared_page["page"] = browser_context.new_page()
    yield _shared_page["page"]
    if request.node.stash.get(FAILED, False):
        _shared_page.pop("page").close()
        if "lab" in request.fixturenames:
            request.getfixturevalue("lab").shut_down_kernels()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
