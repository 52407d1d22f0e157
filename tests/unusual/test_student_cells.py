"""Student cells run as IPython runs them, and the grader takes back only checked, capped outputs.

The worker's session is served in a fresh (spawned) process over a socket pair, as the sandbox serves it
(without the isolation, which tests/adversarial/ covers); the grader's side is driven directly.
Cheap: one IPython shell for the module, no nbgrader, no kernel.
"""

from __future__ import annotations

import multiprocessing
import socket

import pytest

from mvs_course.grading.sandbox import preprocessor
from mvs_course.grading.sandbox.codec import encode, recv_msg, send_msg
from mvs_course.grading.sandbox.session import serve


class Worker:
    def __init__(self) -> None:
        self.sock, theirs = socket.socketpair()
        self.process = multiprocessing.get_context("spawn").Process(target=serve, args=(theirs, 100_000))
        self.process.start()
        theirs.close()
        self.sock.settimeout(120)

    def ask(self, **message) -> dict:
        send_msg(self.sock, message)
        return recv_msg(self.sock)

    def run(self, code: str) -> dict:
        return self.ask(op="run", code=code)

    def close(self) -> None:
        send_msg(self.sock, {"op": "bye"})
        self.process.join(30)
        self.sock.close()


@pytest.fixture(scope="module")
def worker():
    w = Worker()
    yield w
    w.close()


def _text(reply: dict, name: str = "stdout") -> str:
    return "".join(o["text"] for o in reply["outputs"] if o.get("name") == name)


def test_line_and_cell_magics_run(worker):
    reply = worker.run("%time total = sum(range(10))")
    assert reply["error"] is None and "Wall time" in _text(reply)
    reply = worker.run("%%capture hushed\nprint('not shown')\nlater = 1")
    assert reply["error"] is None and reply["outputs"] == []
    assert worker.ask(op="get", name="later")["value"] == encode(1)


def test_shell_lines_run_and_print(worker):
    reply = worker.run("!echo from the shell\nfound = !echo a b")
    assert reply["error"] is None and "from the shell" in _text(reply)
    assert worker.ask(op="get", name="found")["value"] == encode(["a b"])


def test_nbgrader_execution_is_autograde(worker):
    reply = worker.run("import os\nos.environ['NBGRADER_EXECUTION']")
    assert reply["outputs"][-1]["data"]["text/plain"] == "'autograde'"


def test_rich_outputs_come_back_as_display_data_in_order(worker):
    code = (
        "import pandas as pd\nimport matplotlib.pyplot as plt\nimport ipywidgets\n"
        "print('first')\n"
        "display(pd.DataFrame({'a': [1]}))\n"
        "plt.plot([1, 2])\nplt.show()\n"
        "ipywidgets.IntSlider(value=3, description='Budget')"
    )
    reply = worker.run(code)
    assert reply["error"] is None, reply["error"]
    kinds = [o["output_type"] for o in reply["outputs"]]
    assert kinds == ["stream", "display_data", "display_data", "execute_result"], kinds
    table, figure, widget = reply["outputs"][1:]
    assert "<table" in table["data"]["text/html"]
    assert "image/png" in figure["data"]
    assert widget["data"]["text/plain"] == "IntSlider(value=3, description='Budget')"
    assert "application/vnd.jupyter.widget-view+json" in widget["data"]


def test_errors_carry_the_builtin_bases(worker):
    worker.run(
        "class NotPositive(ValueError):\n    pass\n\n"
        "def checked(x):\n    if x <= 0:\n        raise NotPositive('x must be positive')\n    return x"
    )
    reply = worker.ask(op="call", name="checked", args=[encode(-1)], kwargs={})
    assert reply["kind"] == "raised"
    error = reply["error"]
    assert error["ename"] == "NotPositive" and error["bases"][0] == "ValueError"
    rebuilt = preprocessor._exception(error)
    assert isinstance(rebuilt, ValueError) and type(rebuilt).__name__ == "NotPositive"
    assert str(rebuilt) == "x must be positive"
    with pytest.raises(ValueError):
        raise rebuilt


def test_what_a_call_prints_and_displays_comes_back_with_it(worker):
    worker.run("def loud(x):\n    print('called with', x)\n    display({'x': x})\n    return x * 2")
    reply = worker.ask(op="call", name="loud", args=[encode(4)], kwargs={})
    assert reply["value"] == encode(8)
    assert [o["output_type"] for o in reply["outputs"]] == ["stream", "display_data"]


# the grader's side: outputs are checked and capped there, whatever the worker sends


class _Run:
    def __init__(self, cell=100, notebook=250):
        self.limits = {"output_bytes": cell}
        self.output_left = notebook
        self.count = 3


def test_the_grader_caps_output_per_cell_and_per_notebook():
    run = _Run()
    first = preprocessor.CellOutputs(run)
    first.student([{"output_type": "stream", "name": "stdout", "text": "x" * 1000}])
    nodes = first.done()
    assert len(nodes[0].text) == 100 and "truncated" in nodes[-1].text
    for _ in range(3):
        cell = preprocessor.CellOutputs(run)
        cell.student([{"output_type": "stream", "name": "stdout", "text": "y" * 90}])
        cell.done()
    assert run.output_left == 0  # 100 + 90 + 60: the notebook's budget is spent
    last = preprocessor.CellOutputs(run)
    last.student([{"output_type": "display_data", "data": {"text/html": "<b>big</b>"}, "metadata": {}}])
    assert [n.output_type for n in last.done()] == ["stream"]  # only the truncation note


def test_malformed_outputs_from_the_worker_are_left_out():
    cell = preprocessor.CellOutputs(_Run(cell=10_000, notebook=10_000))
    cell.student(
        [
            "text",
            {"output_type": "error", "ename": "AssertionError"},  # errors are the grader's to write
            {"output_type": "stream", "name": "stdin", "text": "x"},
            {"output_type": "display_data", "data": {"not a mime": "x", "text/html": 3}},
            {"output_type": "display_data", "data": {"text/plain": "kept"}, "metadata": {"bad key": 1}},
        ]
    )
    (node,) = cell.done()
    assert node.data == {"text/plain": "kept"} and node.metadata == {}


def test_nothing_shown_during_hidden_tests_but_the_fact_of_stderr():
    cell = preprocessor.CellOutputs(_Run(cell=10_000, notebook=10_000), hidden=True)
    cell.student(
        [
            {"output_type": "stream", "name": "stdout", "text": "the hidden input is 42"},
            {"output_type": "display_data", "data": {"text/plain": "42"}, "metadata": {}},
            {"output_type": "stream", "name": "stderr", "text": "warning about 42"},
        ]
    )
    (node,) = cell.done()
    assert node.name == "stderr" and "42" not in node.text  # stderr still fails the test in nbgrader
