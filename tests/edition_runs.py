"""The student edition, built once per test process, and every notebook of it run once from its
own install: tests/test_edition.py (the edition runs from its install, exercises only lack
answers) and tests/test_notebooks.py (every lesson runs top to bottom, no cell stalls, widgets
shown) read the same report. The edition's course/ is the project's course/, file for file
(test_edition checks it), so running the lessons there also runs them against a package without
its instructor parts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from dataclasses import dataclass
from pathlib import Path

from fixtures.once import once

from mvs_course.grading.edition import student_edition

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 120  # seconds; a healthy lesson cell takes well under 15 s even on a loaded machine
WIDGET = "application/vnd.jupyter.widget-view+json"

RUNNER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import nbformat
    from mvs_course.nbexec import NotebookClient
    import mvs_course
    TIMEOUT, WIDGET = int(sys.argv[1]), sys.argv[2]
    report = {"package": mvs_course.__file__, "notebooks": {}}
    try:
        import mvs_course.grading  # noqa: F401
        report["grading"] = True
    except ImportError:
        report["grading"] = False
    code = "import mvs_course, importlib.util as u\\n"
    code += "print(mvs_course.__file__, u.find_spec('mvs_course.grading'))"
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(probe, kernel_name="python3").execute()
    report["kernel"] = probe.cells[0].outputs[0]["text"]
    for path in map(Path, sys.argv[3:]):
        nb = nbformat.read(path, as_version=4)
        started, slow = {}, []
        client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}})
        # a cell that takes its whole timeout and still succeeds is the lost-reply stall
        # (mvs_course.nbexec): reported, so the tests fail on it
        client.on_cell_execute = lambda cell, cell_index: started.__setitem__(cell_index, time.monotonic())
        def done(cell, cell_index, execute_reply):
            if time.monotonic() - started[cell_index] >= TIMEOUT - 1:
                slow.append(f"cell {cell_index}: {cell.source[:50]!r}")
        client.on_cell_executed = done
        client.execute()
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        report["notebooks"][f"{path.parent.name}/{path.name}"] = {
            "errors": [o["ename"] for o in outputs if o.output_type == "error"],
            "slow": slow,
            "widgets": sum(WIDGET in o.get("data", {}) for o in outputs),
        }
    print(json.dumps(report))
    """
)


@dataclass
class Edition:
    folder: Path  # the edition, as `mvs-course student-edition` writes it
    site: Path  # where its package is installed (a venv of its own)
    report: dict  # what running every notebook there gave (RUNNER's report)


def edition(tmp_path_factory) -> Edition:
    """Built, installed and run on first use in this test process (a failure is re-raised)."""
    return once("edition", lambda: _build(tmp_path_factory.mktemp("edition")))


def _build(base: Path) -> Edition:
    folder = base / "student"
    student_edition(ROOT, folder, repo="someone/mvs-student")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # the dependencies come from the test environment, not its editable mvs_course
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    source = base / "install-source"  # pip builds in the folder it installs: not the edition's
    shutil.copytree(folder, source, ignore=shutil.ignore_patterns(".git"))
    # built with this environment's setuptools (pinned, and what pyproject.toml's build needs):
    # an isolated build would install one first, 2.4 s more (measured: 3.9 s, 1.5 s without)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
        + ["--target", str(site), str(source)],
        check=True,
    )
    notebooks = sorted((folder / "course").glob("*.ipynb")) + sorted((folder / "exercises").rglob("*.ipynb"))
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", RUNNER, str(CELL_TIMEOUT), WIDGET, *map(str, notebooks)],
        capture_output=True,
        text=True,
        cwd=base,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return Edition(folder, site, json.loads(out.stdout.splitlines()[-1]))
