"""``SandboxedExecute``: nbgrader's Execute step with student code in an isolated worker and
tests run by the trusted grader, plus ``RepairMetadata`` for tampered submissions."""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer, List, Unicode

from . import client, isolation
from .codec import CodecError, Ref, decode, encode

DEFAULT_LIMITS = {
    "cpu_seconds": 60,  # CPU time per worker
    "memory_bytes": 1 << 30,  # address space on top of the warm parent's
    "processes": 32,  # processes of the sandbox user
    "file_bytes": 16 << 20,  # largest file the student may write
    "output_bytes": 100_000,  # characters of stdout/stderr kept per cell
    "tmp_bytes": 64 << 20,  # private /tmp size
    "total_seconds": 300,  # wall-clock budget of one submission
    "restarts": 2,  # fresh workers after a kill (earlier cells are replayed)
}
_BUILTINS = frozenset(dir(builtins))
_WARNED: set[str] = set()


class SandboxError(Exception):
    """Student code could not answer the grader (stopped, crashed or returned something odd)."""


class StudentError(Exception):
    """An exception raised by student code that is not a plain built-in exception."""


def _source_cells(db_url: str, notebook: str, assignment: str) -> dict[str, dict]:
    """grade_id -> what the gradebook knows about the instructor's version of that cell."""
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
        # what the student's function printed shows in the test cell, as in a kernel; like
        # nbgrader, anything on stderr (warnings included) fails the test
        for stream, target in (("stdout", sys.stdout), ("stderr", sys.stderr)):
            text = reply.get(stream)
            if isinstance(text, str) and text:
                target.write(text)
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


class _Run:
    """Grading of one notebook: the worker, the grader namespace, the notes for the instructor."""

    def __init__(self, pp: SandboxedExecute, spec: dict, answers: set[str]) -> None:
        self.pp, self.spec = pp, spec
        self.limits = {**DEFAULT_LIMITS, **pp.limits}
        self.deadline = time.monotonic() + float(self.limits["total_seconds"])
        self.ns = GraderNamespace(self, answers)
        self.protected: set[str] = set()
        self.history: list[str] = []
        self.notes: list[str] = []
        self.restarts = 0
        self.worker: client.Worker | None = None
        self.scratch = ""

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
        timeout = min(float(self.pp.timeout), self.deadline - time.monotonic())
        return client.reply_value(self.worker.request(message, timeout))

    def ask(self, message: dict) -> dict:
        if self.worker is None or self.worker.dead:
            if not self._restart():
                raise SandboxError(f"student code is not running ({self._why()})")
        try:
            return self._ask_raw(message)
        except client.WorkerLost as err:
            self.notes.append(str(err))
            raise SandboxError(f"student code stopped: {err}") from None

    def _why(self) -> str:
        return self.worker.dead if self.worker is not None and self.worker.dead else "could not start"

    # values
    def value_of(self, reply: dict, name: str) -> Any:
        kind = reply.get("kind")
        if kind == "value":
            try:
                return decode(reply.get("value"))
            except CodecError as err:
                raise SandboxError(f"{name}: {err}") from None
        if kind == "raised":
            raise _exception(reply.get("error"))
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

    # cells
    def run_student(self, code: str) -> list[NotebookNode]:
        try:
            reply = self.ask({"op": "run", "code": code})
        except SandboxError as err:
            return [_error("SandboxLimit", str(err))]
        self.history.append(code)
        changed = reply.get("changed")
        for name in changed[:10_000] if isinstance(changed, list) else []:
            if isinstance(name, str) and name not in self.protected:
                self.ns.pop(name, None)
        outputs = []
        for stream in ("stdout", "stderr"):
            text = reply.get(stream)
            if isinstance(text, str) and text:
                outputs.append(NotebookNode(output_type="stream", name=stream, text=text))
        error = reply.get("error")
        if isinstance(error, dict):
            ename = str(error.get("ename", "Error"))
            if ename == "MemoryError":
                self.notes.append("student code hit the memory limit")
            if "File too large" in str(error.get("evalue", "")):
                self.notes.append("student code hit the file size limit")
            outputs.append(
                _error(ename, str(error.get("evalue", "")), str(error.get("traceback", "")).splitlines())
            )
        return outputs

    def run_trusted(self, code: str, name: str, setup: bool) -> list[NotebookNode]:
        before = {k: id(v) for k, v in self.ns.items()}
        out, err = io.StringIO(), io.StringIO()
        outputs = []
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                exec(compile(code, f"<{name}>", "exec"), self.ns)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a failing test is an outcome
            lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
            kept = [ln for ln in lines if "mvs_course/grading/sandbox" not in ln]
            outputs.append(_error(type(exc).__name__, str(exc)[:2000], "".join(kept).splitlines()))
        bound = [k for k, v in self.ns.items() if before.get(k) != id(v) and not k.startswith("__")]
        if setup:
            self.protected.update(bound)
        else:
            for key in bound:  # names a test defines are visible to later student cells too
                try:
                    self.ask({"op": "set", "name": key, "value": encode(self.ns[key])})
                except (CodecError, SandboxError, RecursionError):
                    pass
        streams = []
        for stream, buffer in (("stdout", out), ("stderr", err)):
            if buffer.getvalue():
                streams.append(NotebookNode(output_type="stream", name=stream, text=buffer.getvalue()))
        return streams + outputs


def status_path(root: Path, status_dir: str, assignment: str, student: str | None, notebook: str) -> Path:
    """Where SandboxedExecute reports on one student's notebook."""
    return Path(root) / status_dir / str(student) / assignment / f"{notebook}.json"


def _error(ename: str, evalue: str, traceback_lines: list[str] | None = None) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=traceback_lines or [f"{ename}: {evalue}"]
    )


def _exception(error: Any) -> Exception:
    if not isinstance(error, dict):
        return StudentError("student code raised an exception")
    ename, evalue = str(error.get("ename", "Exception"))[:100], str(error.get("evalue", ""))[:2000]
    cls = getattr(builtins, ename, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, Warning):
        try:
            return cls(evalue)
        except Exception:  # noqa: BLE001
            pass
    return StudentError(f"{ename}: {evalue}")


class SandboxedExecute(NbGraderPreprocessor):
    """Run student cells in an isolated worker and test cells in the grader; see the package docs."""

    timeout = Integer(30, help="Wall-clock seconds per cell or per call into student code.").tag(config=True)
    limits = Dict({}, help="Overrides of DEFAULT_LIMITS.").tag(config=True)
    hide_paths = List(Unicode(), [], help="Extra folders or files student code must not see.").tag(
        config=True
    )
    status_dir = Unicode(
        "sandbox_status",
        help="Folder (relative to the course folder) for per-notebook reports, kept out of feedback.",
    ).tag(config=True)

    def _hidden(self, db_url: str) -> tuple[list[str], list[str]]:
        cd = self.config.CourseDirectory
        root = Path(str(cd.get("root", "")) or os.getcwd())
        names = ("submitted_directory", "autograded_directory", "feedback_directory", "source_directory")
        defaults = {
            "submitted_directory": "submitted",
            "autograded_directory": "autograded",
            "feedback_directory": "feedback",
            "source_directory": "source",
        }
        dirs = [str(root / str(cd.get(n, "") or defaults[n])) for n in names]
        dirs.append(str(root / "release"))
        dirs.append(str(self.config.get("Exchange", {}).get("root", "") or "/srv/nbgrader/exchange"))
        files = [str(root / "gradebook.db"), str(root / ".nbgrader.log")]
        if db_url.startswith("sqlite:///"):
            files.append(db_url[len("sqlite:///") :])
        for extra in self.hide_paths:
            (dirs if os.path.isdir(extra) else files).append(extra)
        return sorted(set(dirs)), sorted(set(files))

    def _private_roots(self) -> list[str]:
        """The course folder and the project holding the source folder (with its .git)."""
        cd = self.config.CourseDirectory
        root = Path(str(cd.get("root", "")) or os.getcwd())
        source = Path(str(cd.get("source_directory", "") or "source"))
        source = source if source.is_absolute() else root / source
        return sorted({str(root), str(source.parent)})

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        info = resources["nbgrader"]
        sources = _source_cells(info["db_url"], info["notebook"], info["assignment"])
        level = isolation.isolation_level()
        if level != "user+namespaces" and level not in _WARNED:
            _WARNED.add(level)
            self.log.warning("[sandbox] isolation %s: %s", level, isolation.describe(level))
        limits = {**DEFAULT_LIMITS, **self.limits}
        spec = {"level": level, **{k: v for k, v in limits.items()}}
        spec["output_cap"] = limits["output_bytes"]
        spec["pidns"] = level != "rlimits"
        if level == "user+namespaces":
            spec["uid"], spec["gid"] = isolation.sandbox_ids()
        spec["hide_dirs"], spec["hide_files"] = self._hidden(info["db_url"])
        spec["private_roots"] = self._private_roots()
        run = _Run(self, spec, answer_names(sources))
        started = time.monotonic()
        run.start()
        count = 0
        try:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                count += 1
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
                cell.execution_count = count
                resources.setdefault("mvs_cells", []).append(index)
        finally:
            run.stop()
        elapsed = time.monotonic() - started
        status = {
            "student": info.get("student"),
            "notebook": info["notebook"],
            "isolation": level,
            "isolation_note": isolation.describe(level),
            "seconds": round(elapsed, 2),
            "restarts": run.restarts,
            "problems": list(dict.fromkeys(run.notes)),
        }
        resources["mvs_sandbox"] = status
        for problem in status["problems"]:
            self.log.warning("[sandbox] %s/%s: %s", info.get("student"), info["notebook"], problem)
        if self.status_dir:
            path = status_path(
                self._root(), self.status_dir, info["assignment"], info.get("student"), info["notebook"]
            )
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(status, indent=1))
        return nb, resources

    def _root(self) -> Path:
        return Path(str(self.config.CourseDirectory.get("root", "")) or os.getcwd())
