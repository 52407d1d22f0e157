"""``SandboxedExecute``: nbgrader's Execute step with student code in an isolated worker and
tests run by the trusted grader.

Student cells run in the worker's IPython shell; their outputs come back as nbformat outputs,
checked and capped here (per cell and per notebook), never trusted as they are. Test cells run
here, in a namespace where the student's names are proxies: values are rebuilt by the codec
within a budget of parts and time charged to the submission; functions are called in the
worker, and what they print or display shows in the test cell as in a kernel, except in a
cell with hidden tests. What happened (isolation level, time limits, problems) is returned
as data in ``resources["sandbox"]``."""

from __future__ import annotations

import ast
import builtins
import json
import re
import shutil
import sys
import tempfile
import time
import traceback
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer, List, Unicode
from traitlets.config.loader import DeferredConfigString

from . import client, isolation
from .codec import Budget, CodecError, Ref, decode, encode
from .spec import DEFAULT_LIMITS, worker_spec

_BUILTINS = frozenset(dir(builtins))
_WARNED: set[str] = set()
_HIDDEN = "BEGIN HIDDEN TESTS"  # as nbgrader's ClearHiddenTests finds hidden tests
_MIME = re.compile(r"^[A-Za-z0-9.+-]{1,40}/[A-Za-z0-9.+-]{1,80}$")
_HIDDEN_STDERR = "[student code wrote to stderr while hidden tests ran; not shown]\n"


class SandboxError(Exception):
    """Student code could not answer the grader (stopped, crashed or returned something odd)."""


class StudentError(Exception):
    """An exception raised by student code that is not a plain built-in exception."""


_KEPT: dict[tuple[str, str, str], dict[str, dict]] | None = None  # None: read every time


def keep_source_cells() -> None:
    """In a grading process: read each notebook's instructor cells from the gradebook once, not
    twice per submission (they do not change while a class is graded; ``grade`` calls this in
    each worker it starts, so every run reads them afresh)."""
    global _KEPT
    _KEPT = {}


def source_cells(db_url: str, notebook: str, assignment: str) -> dict[str, dict]:
    """grade_id -> what the gradebook recorded of the instructor's version of that cell (a
    fresh copy: callers may change it)."""
    key = (db_url, notebook, assignment)
    cells = _KEPT.get(key) if _KEPT is not None else None
    if cells is None:
        cells = _read_source_cells(db_url, notebook, assignment)
        if _KEPT is not None:
            _KEPT[key] = cells
    return {name: dict(cell) for name, cell in cells.items()}


def _read_source_cells(db_url: str, notebook: str, assignment: str) -> dict[str, dict]:
    with Gradebook(db_url) as gb:
        nb = gb.find_notebook(notebook, assignment)
        grades = {c.name: float(c.max_score) for c in nb.grade_cells}
        solutions = {c.name for c in nb.solution_cells}
        tasks = {c.name for c in nb.task_cells}
        return {
            c.name: {
                "cell_type": c.cell_type,
                "locked": bool(c.locked),
                "source": c.source,
                "checksum": c.checksum,
                "grade": c.name in grades,
                "points": grades.get(c.name),
                "solution": c.name in solutions,
                "task": c.name in tasks,
                "position": i,
            }
            for i, c in enumerate(nb.source_cells)
        }


class StudentFunction(Ref):
    """Calling it asks the worker to call the student's function; the result is plain data."""

    def __init__(self, run: Any, name: str) -> None:
        self._run, self.name = run, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            message = {
                "op": "call",
                "name": self.name,
                "args": [encode(a) for a in args],
                "kwargs": {str(k): encode(v) for k, v in kwargs.items()},
            }
        except CodecError as err:
            raise SandboxError(f"cannot pass that argument to {self.name}(): {err}") from None
        reply = self._run.ask(message)
        # what the student's function printed or displayed shows in the test cell, as in a
        # kernel; like nbgrader, anything on stderr (warnings included) fails the test
        self._run.student_outputs(reply.get("outputs"))
        return self._run.value_of(reply, self.name)

    def __repr__(self) -> str:
        return f"<student function {self.name}>"


def answer_names(sources: dict[str, dict]) -> set[str]:
    """Top-level names the instructor's answer cells define (their solution code)."""
    names: set[str] = set()
    for source in sources.values():
        if not source["solution"] or source["cell_type"] != "code":
            continue
        try:
            tree = ast.parse(source["source"])
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign | ast.AugAssign):
                targets = [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


class GraderNamespace(dict):
    """Globals of the trusted test cells: unknown names are fetched from the student's worker.

    Built-in names stay the grader's own (a student cannot replace ``len`` or ``isinstance``
    for the tests), unless the assignment itself asks for an answer by that name.
    """

    def __init__(self, run: Any, answers: set[str] = frozenset()) -> None:
        super().__init__({"__name__": "__main__", "__builtins__": builtins})
        self._run, self._answers = run, frozenset(answers)

    def __missing__(self, name: str) -> Any:
        if name.startswith("__") or (name in _BUILTINS and name not in self._answers):
            raise KeyError(name)
        return self._run.resolve(name)


class CellOutputs:
    """The outputs of one cell, in order, within the cell's and the notebook's output budget."""

    def __init__(self, run: _Run, hidden: bool = False) -> None:
        self.run, self.hidden, self.nodes, self.used = run, hidden, [], 0
        self.cap = int(run.limits["output_bytes"])
        self.cut = 0

    def _room(self) -> int:
        return max(0, min(self.cap - self.used, self.run.output_left))

    def _charge(self, n: int) -> None:
        self.used += n
        self.run.output_left -= n

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        room = self._room()
        if len(text) > room:
            self.cut += len(text) - room
            text = text[:room]
        if not text:
            return
        self._charge(len(text))
        last = self.nodes[-1] if self.nodes else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.nodes.append(NotebookNode(output_type="stream", name=name, text=text))

    def rich(self, kind: str, data: dict, metadata: dict) -> None:
        size = len(json.dumps(data)) + len(json.dumps(metadata))
        if size > self._room():
            self.cut += size
            return
        self._charge(size)
        node = NotebookNode(output_type=kind, data=NotebookNode(data), metadata=NotebookNode(metadata))
        if kind == "execute_result":
            node.execution_count = self.run.count
        self.nodes.append(node)

    def student(self, outputs: Any) -> None:
        """Outputs the worker sent: checked one by one; in a hidden-test cell only the fact
        that something went to stderr is kept (it fails the test, as in nbgrader)."""
        for output in outputs[:1000] if isinstance(outputs, list) else []:
            checked = _checked_output(output)
            if checked is None:
                continue
            if self.hidden:
                if checked.get("name") == "stderr" and not any(
                    n.output_type == "stream" and n.name == "stderr" for n in self.nodes
                ):
                    self.stream("stderr", _HIDDEN_STDERR)
                continue
            if checked["output_type"] == "stream":
                self.stream(checked["name"], checked["text"])
            else:
                self.rich(checked["output_type"], checked["data"], checked["metadata"])

    def error(self, node: NotebookNode) -> None:
        self.nodes.append(node)

    def done(self) -> list[NotebookNode]:
        if self.cut:
            note = f"\n[output truncated: {self.cut} more characters over the grader's output limit]\n"
            self.nodes.append(NotebookNode(output_type="stream", name="stdout", text=note))
        return self.nodes


def _checked_output(output: Any) -> dict | None:
    """One output from the worker in nbformat's shape, or None (malformed: left out)."""
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream":
        name, text = output.get("name"), output.get("text")
        if name in ("stdout", "stderr") and isinstance(text, str):
            return {"output_type": kind, "name": name, "text": text}
        return None
    if kind not in ("display_data", "execute_result"):
        return None
    data, metadata = output.get("data"), output.get("metadata", {})
    if not isinstance(data, dict) or not isinstance(metadata, dict):
        return None
    kept = {}
    for mime, value in data.items():
        if not isinstance(mime, str) or not _MIME.match(mime):
            continue
        if isinstance(value, str) or (mime.endswith("json") and isinstance(value, dict | list)):
            kept[mime] = value
    if not kept:
        return None
    metadata = {k: v for k, v in metadata.items() if isinstance(k, str) and _MIME.match(k)}
    return {"output_type": kind, "data": kept, "metadata": metadata}


class _Run:
    """Grading of one notebook: the worker, the grader namespace, the notes for the instructor."""

    def __init__(self, pp: SandboxedExecute, spec: dict, answers: set[str], timeout: float) -> None:
        self.pp, self.spec, self.timeout = pp, spec, float(timeout)
        self.limits = {**DEFAULT_LIMITS, **pp.limits}
        self.deadline = time.monotonic() + float(self.limits["total_seconds"])
        self.output_left = int(self.limits["notebook_output_bytes"])
        self.ns = GraderNamespace(self, answers)
        self.protected: set[str] = set()
        self.history: list[str] = []
        self.notes: list[str] = []
        self.restarts = 0
        self.timed_out = self.killed = False
        self.worker: client.Worker | None = None
        self.scratch = ""
        self.count = 0
        self.sink: CellOutputs | None = None

    # worker life cycle
    def start(self) -> None:
        spec = dict(self.spec)
        if spec["level"] == "rlimits":
            self.scratch = tempfile.mkdtemp(prefix="mvs-sandbox-")
            spec["scratch"] = self.scratch
        try:
            self.worker = client.spawn(spec)
        except (client.WorkerLost, OSError) as err:
            self.worker = None
            self.notes.append(f"could not start the sandbox: {err}")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _restart(self) -> bool:
        if self.restarts >= int(self.limits["restarts"]) or time.monotonic() > self.deadline:
            return False
        self.restarts += 1
        self.stop()
        self.start()
        for code in self.history:
            try:
                self._ask_raw({"op": "run", "code": code})
            except client.WorkerLost:
                self.notes.append("a fresh worker could not replay the earlier cells")
                return False
        return True

    def _ask_raw(self, message: dict) -> dict:
        if self.worker is None:
            raise client.WorkerLost("no worker")
        timeout = min(self.timeout, self.deadline - time.monotonic())
        return client.reply_value(self.worker.request(message, timeout))

    def ask(self, message: dict) -> dict:
        if self.worker is None or self.worker.dead:
            if not self._restart():
                raise SandboxError(f"student code is not running ({self._why()})")
        started = time.monotonic()
        try:
            return self._ask_raw(message)
        except client.WorkerLost as err:
            self._lost(err, time.monotonic() - started)
            raise SandboxError(f"student code stopped: {err}") from None

    def _lost(self, err: Exception, waited: float) -> None:
        """Note how the worker was lost; a time limit counts as a timeout, any loss as a kill."""
        reason = str(err)
        self.notes.append(reason)
        self.killed = True
        kind = getattr(err, "kind", "ended")
        self.timed_out |= kind in ("timeout", "cpu") or waited >= self.timeout - 0.05

    def _why(self) -> str:
        return self.worker.dead if self.worker is not None and self.worker.dead else "could not start"

    # values
    def budget(self) -> Budget:
        """What rebuilding one value may cost: parts and seconds, within the submission's time."""
        deadline = min(time.monotonic() + self.timeout, self.deadline)
        return Budget(nodes=int(self.limits["value_nodes"]), deadline=deadline)

    def value_of(self, reply: dict, name: str) -> Any:
        kind = reply.get("kind")
        if kind == "value":
            try:
                return decode(reply.get("value"), budget=self.budget())
            except CodecError as err:
                raise SandboxError(f"{name}: {err}") from None
        if kind == "raised":
            raise _exception(reply.get("error"), self.budget())
        if kind == "opaque":
            raise SandboxError(f"{name}: {str(reply.get('message', ''))[:300]}")
        raise SandboxError(f"{name}: unexpected reply from the worker")

    def resolve(self, name: str) -> Any:
        reply = self.ask({"op": "get", "name": name})
        kind = reply.get("kind")
        if kind == "missing":
            raise KeyError(name)
        if kind == "callable":
            return StudentFunction(self, name)
        return self.value_of(reply, name)

    def student_outputs(self, outputs: Any) -> None:
        if self.sink is not None:
            self.sink.student(outputs)

    # cells
    def run_student(self, code: str) -> list[NotebookNode]:
        shown = CellOutputs(self)
        try:
            reply = self.ask({"op": "run", "code": code})
        except SandboxError as err:
            shown.error(_error("SandboxLimit", str(err)))
            return shown.done()
        self.history.append(code)
        changed = reply.get("changed")
        for name in changed[:10_000] if isinstance(changed, list) else []:
            if isinstance(name, str) and name not in self.protected:
                self.ns.pop(name, None)
        shown.student(reply.get("outputs"))
        error = reply.get("error")
        if isinstance(error, dict):
            ename, evalue = str(error.get("ename", "Error"))[:200], str(error.get("evalue", ""))[:2000]
            if ename == "MemoryError":
                self.notes.append("student code hit the memory limit")
            if "File too large" in evalue:
                self.notes.append("student code hit the file size limit")
            lines = error.get("traceback")
            lines = [str(x)[:4000] for x in lines[:200]] if isinstance(lines, list) else None
            shown.error(_error(ename, evalue, lines))
        return shown.done()

    def run_trusted(self, code: str, name: str, setup: bool) -> list[NotebookNode]:
        hidden = _HIDDEN in code
        shown = CellOutputs(self, hidden=hidden)
        before = {k: id(v) for k, v in self.ns.items()}
        saved = sys.stdout, sys.stderr
        self.sink = shown
        sys.stdout, sys.stderr = _GraderStream(shown, "stdout"), _GraderStream(shown, "stderr")
        try:
            tree = ast.parse(code, f"<{name}>")
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, f"<{name}>", "exec"), self.ns)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), f"<{name}>", "eval"), self.ns)
                if value is not None:  # as a kernel shows a cell's last value (nbgrader reads it)
                    shown.rich("execute_result", {"text/plain": _plain(value)}, {})
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a failing test is an outcome
            lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
            kept = [ln for ln in lines if "mvs_course/grading/sandbox" not in ln]
            shown.error(_error(type(exc).__name__, str(exc)[:2000], "".join(kept).splitlines()))
        finally:
            sys.stdout, sys.stderr = saved
            self.sink = None
        bound = [k for k, v in self.ns.items() if before.get(k) != id(v) and not k.startswith("__")]
        if setup:
            self.protected.update(bound)
        elif not hidden:
            # names a visible test defines are visible to later student cells too, as in a
            # kernel; what a cell with hidden tests binds never reaches the student's process
            for key in bound:
                try:
                    self.ask({"op": "set", "name": key, "value": encode(self.ns[key])})
                except (CodecError, SandboxError, RecursionError):
                    pass
        return shown.done()


class _GraderStream:
    """sys.stdout / sys.stderr while a test cell runs: text goes to the cell's outputs."""

    def __init__(self, outputs: CellOutputs, name: str) -> None:
        self.outputs, self.name = outputs, name

    def write(self, text: Any) -> int:
        text = str(text)
        self.outputs.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _plain(value: Any) -> str:
    try:
        return repr(value)[:10_000]
    except Exception:  # noqa: BLE001
        return f"<{type(value).__name__}>"


def _error(ename: str, evalue: str, traceback_lines: list[str] | None = None) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=traceback_lines or [f"{ename}: {evalue}"]
    )


_STUDENT_CLASSES: dict[tuple[str, type], type] = {}


def _exception(error: Any, budget: Budget | None = None) -> Exception:
    """A trusted exception for one the student's code raised: the built-in class of that name,
    or a class of the student's name derived from its nearest built-in base (so a test's
    ``except ValueError`` catches a student's ``class NotPositive(ValueError)``)."""
    if not isinstance(error, dict):
        return StudentError("student code raised an exception")
    ename, evalue = str(error.get("ename", "Exception"))[:100], str(error.get("evalue", ""))[:2000]
    args: tuple = (evalue,)
    if "args" in error:
        try:
            decoded = decode(error["args"], budget=budget)
            args = tuple(decoded) if isinstance(decoded, list) else args
        except CodecError:
            pass
    cls = getattr(builtins, ename, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = None
        bases = error.get("bases")
        for base_name in bases[:20] if isinstance(bases, list) else []:
            base = getattr(builtins, str(base_name), None)
            if isinstance(base, type) and issubclass(base, Exception):
                cls = _student_class(ename, base)
                break
    if cls is None:
        return StudentError(f"{ename}: {evalue}")
    for attempt in (args, (evalue,)):
        try:
            return cls(*attempt)
        except Exception:  # noqa: BLE001 - e.g. UnicodeDecodeError needs five arguments
            continue
    return StudentError(f"{ename}: {evalue}")


def _student_class(ename: str, base: type) -> type:
    name = ename if ename.isidentifier() else "StudentException"
    key = (name, base)
    if key not in _STUDENT_CLASSES:
        try:
            cls = type(name, (base, StudentError), {"__module__": "student"})
        except TypeError:  # a base with a layout of its own
            cls = type(name, (base,), {"__module__": "student"})
        _STUDENT_CLASSES[key] = cls
    return _STUDENT_CLASSES[key]


class SandboxedExecute(NbGraderPreprocessor):
    """Run student cells in an isolated worker and test cells in the grader; see the package docs."""

    timeout = Integer(
        None,
        allow_none=True,
        help="Wall-clock seconds per cell or per call into student code (default: Execute.timeout, else 30).",
    ).tag(config=True)
    limits = Dict({}, help="Overrides of DEFAULT_LIMITS.").tag(config=True)
    hide_paths = List(Unicode(), [], help="Extra folders or files student code must not see.").tag(
        config=True
    )
    preload = List(
        Unicode(), [], help="Modules the warm worker parent imports before any submission runs."
    ).tag(config=True)

    def cell_timeout(self) -> int:
        if self.timeout is not None:
            return int(self.timeout)
        configured = self.config.get("Execute", {}).get("timeout")
        if isinstance(configured, DeferredConfigString):  # `--Execute.timeout=3`: parsed as Execute would
            from nbgrader.preprocessors import Execute

            configured = configured.get_value(Execute.class_traits()["timeout"])
        return int(configured) if isinstance(configured, int) and configured > 0 else 30

    def spec(self, db_url: str, level: str | None = None) -> dict:
        """What this course's workers start with: the isolation level, the limits, the paths
        student code must not see and the modules to import ahead."""
        return worker_spec(
            self.config, db_url, level, limits=self.limits, hide_paths=self.hide_paths, preload=self.preload
        )

    def modules(self) -> list[str]:
        """What the notebooks are expected to import: a worker's warm parent imports these
        before any submission (the grading process too, as it runs the setup cells as well)."""
        return client.preload_modules(list(self.preload))

    def warm(self, db_url: str, ahead: client.Zygote | None = None) -> None:
        """Start the first worker now, before any submission: a grading process calls this as it
        starts, so the worker's imports overlap nbgrader's own steps on the first notebook
        (``ahead``: a warm parent its own parent started, see ``client.start_ahead``)."""
        client.prepare(self.spec(db_url), ahead)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        info = resources["nbgrader"]
        sources = source_cells(info["db_url"], info["notebook"], info["assignment"])
        level = isolation.isolation_level()
        if level != isolation.LEVELS[0] and level not in _WARNED:
            _WARNED.add(level)
            self.log.warning("[sandbox] isolation %s: %s", level, isolation.describe(level))
        run = _Run(self, self.spec(info["db_url"], level), answer_names(sources), self.cell_timeout())
        started = time.monotonic()
        run.start()
        try:
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                run.count += 1
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                source = sources.get(grade_id) if isinstance(grade_id, str) else None
                trusted = source is not None and source["locked"] and source["cell_type"] == "code"
                if trusted and source["grade"]:
                    cell.outputs = run.run_trusted(source["source"], grade_id, setup=False)
                elif trusted:
                    shown = run.run_student(source["source"])
                    run.run_trusted(source["source"], grade_id, setup=True)
                    cell.outputs = shown
                else:
                    cell.outputs = run.run_student(cell.source)
                cell.execution_count = run.count
        finally:
            run.stop()
        resources["sandbox"] = {
            "isolation": level,
            "isolation_note": isolation.describe(level),
            "seconds": round(time.monotonic() - started, 2),
            "restarts": run.restarts,
            "timed_out": run.timed_out,
            "killed": run.killed,
            "problems": list(dict.fromkeys(run.notes)),
        }
        return nb, resources
