"""Pre-started, forked kernels behave like fresh ones: own process, the notebook's folder,
an empty namespace, execution counts from 1, and an interrupt still stops a loop."""

from __future__ import annotations

import json
import os

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from mvs_course.grading.forkkernel import notebook_imports
from mvs_course.grading.kernelpool import PooledExecute, shutdown_spare

PROBE = (
    "import json, os, sys\n"
    "print(json.dumps({'cwd': os.getcwd(), 'pid': os.getpid(), 'path': sys.path,\n"
    "  'names': sorted(k for k in globals() if not k.startswith('_'))}))"
)


def _nb(cells):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _run(folder, cells, timeout=30, preload=("json",)):
    nb = _nb(cells)
    config = Config()
    config.ForkKernelManager.preload = list(preload)
    ep = PooledExecute(timeout=timeout, shutdown_kernel="immediate", config=config, allow_errors=True)
    out, _ = ep.preprocess(nb, {"metadata": {"path": str(folder)}})
    return out


def test_each_notebook_gets_a_fresh_kernel_in_its_own_folder(tmp_path):
    folders = [tmp_path / name for name in ("a", "b", "a2")]
    seen = []
    try:
        for folder in folders:
            folder.mkdir()
            out = _run(folder, [PROBE, "x = 1", "x"])
            seen.append(json.loads(out.cells[0].outputs[0]["text"]))
            assert [c.execution_count for c in out.cells] == [1, 2, 3]
    finally:
        shutdown_spare()
    assert [s["cwd"] for s in seen] == [str(f) for f in folders]
    assert len({s["pid"] for s in seen}) == len(folders)
    reference = tmp_path / "plain"
    reference.mkdir()
    plain = NotebookClient(_nb([PROBE]), resources={"metadata": {"path": str(reference)}}).execute()
    fresh = json.loads(plain.cells[0].outputs[0]["text"])
    for s in seen:
        assert s["names"] == fresh["names"]
        assert s["path"] == fresh["path"]


def test_a_loop_is_interrupted_at_the_timeout(tmp_path):
    try:
        out = _run(tmp_path, ["while True:\n    pass", "y = 2\ny"], timeout=2)
    finally:
        shutdown_spare()
    assert any(o.get("output_type") == "error" for o in out.cells[0].outputs)
    assert out.cells[1].outputs[0]["data"]["text/plain"] == "2"


def test_ipython_aware_modules_are_never_preloaded(tmp_path):
    nb = _nb(["import pandas as pd\nimport matplotlib.pyplot as plt\nfrom ipywidgets import IntSlider"])
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert notebook_imports(tmp_path) == ["pandas"]


def test_an_unsafe_preload_falls_back_to_normal_kernels(tmp_path):
    """tqdm adapts itself to IPython when imported: a template that preloads it refuses to run,
    and kernels start the usual way (as children of this process, not of a template)."""
    try:
        out = _run(tmp_path, ["import os\nos.getppid()"], preload=["tqdm"])
    finally:
        shutdown_spare()
    assert out.cells[0].outputs[0]["data"]["text/plain"] == str(os.getpid())
