"""The start page's first widget loads only what it needs (see benchmarks/first_widget.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from fixtures.imports import loaded_by

ROOT = Path(__file__).resolve().parent.parent
START = ROOT / "course" / "00_start_here.ipynb"
# Heavy imports a first widget does not need: notebook validation (jsonschema pulls in
# rfc3987_syntax, about a second alone), data frames, notebook execution and grading.
NOT_NEEDED = ("nbformat", "jsonschema", "rfc3987_syntax", "pandas", "nbclient", "nbgrader")


def test_first_code_cell_of_the_start_page_imports_nothing_heavy():
    first = next(c for c in nbformat.read(START, as_version=4).cells if c.cell_type == "code")
    loaded = loaded_by(first.source, NOT_NEEDED)
    assert loaded == [], f"the start page's first cell imports {loaded}; import them where they are used"


def test_datasets_list_without_pandas():
    assert loaded_by("import mvs_course.datasets as d\nd.available()", ["pandas"]) == []


def test_make_labs_server_skips_the_unused_grammar_and_still_validates():
    """`make lab` starts JupyterLab through mvs_course.lab: its server modules load without
    compiling rfc3987_syntax's grammar, and notebooks are still checked against their schema."""
    probe = (
        "import sys\n"
        "from mvs_course import lab\n"
        "try:\n"
        "    lab.main(['--version'])\n"  # parses the options like a real start, prints, exits
        "except SystemExit:\n"
        "    pass\n"
        "import jupyter_server.serverapp, jupyterlab.labapp, nbformat\n"
        "bad = {'nbformat': 4, 'nbformat_minor': 5, 'metadata': {}, 'cells': [{'cell_type': 'code'}]}\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('validated', sys.modules.get('rfc3987_syntax') is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "validated False", done.stdout
