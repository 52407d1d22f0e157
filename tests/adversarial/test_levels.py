"""Every isolation level this machine can reach, run for real: the grader as root or as the
unprivileged ``nobody`` (setpriv), with bubblewrap or without it (``MVS_SANDBOX_BWRAP`` naming
a missing binary: the test-only way to take it away). Each run grades a class of honest
students around the hostile cases in a subprocess, through ``grade()`` like ``mvs-course grade``.

Run as a script (``python test_levels.py --drive ...``) this file is that subprocess.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOBODY = 65534
NO_BWRAP = {"MVS_SANDBOX_BWRAP": "/nonexistent/bwrap"}
SHALLOW_PROJECT, SHALLOW_COURSE = Path("/mvs-shallow-test"), Path("/mvs-shallow-course")

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

THIEVES = [
    "probe: what student code can reach",
    "reads solutions, hidden tests, classmates",
    "writes or deletes gradebook.db",
    "undo the covers: capabilities, remounts, nested namespaces, then steal",
]
LEAKS = [
    "leak 1: writes its answers to shared folders and keyrings",
    "leak 2: runs what a classmate left in shared folders and keyrings",
]
BOMB = "\n".join(
    [
        "import subprocess, sys",
        "bomb = 'import os, time\\nend = time.time() + 4\\nwhile time.time() < end:\\n'",
        "bomb += '    try:\\n        os.fork()\\n    except OSError:\\n        pass\\nos._exit(0)'",
        "subprocess.run([sys.executable, '-c', bomb])",
    ]
)
SUBPROCESSES = """import subprocess, sys, time
_end = time.time() + 4
while time.time() < _end:
    subprocess.run([sys.executable, "-c", "pass"], check=True)
"""


# the subprocess that grades


def _drive(course_dir: str, project: str, release_dir: str, jobs: str, timeout: str, unsafe: str) -> None:
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    from mvs_course.grading.course import Course, CourseError
    from mvs_course.grading.grade import grade, isolation_line

    course = Course.open(course_dir, project=Path(project), release_dir=Path(release_dir))
    assignment = "01_buyer_vs_seller"
    try:
        line = isolation_line(course) if unsafe != "1" else ""
        allow = unsafe == "1"
        results = grade(course, assignment, jobs=int(jobs), timeout=int(timeout), unsafe_same_user=allow)
    except CourseError as err:
        print("RESULT" + json.dumps({"refused": str(err)}))
        return
    totals, outputs = {}, {}
    with Gradebook(course.db_url) as gb:
        for r in results:
            try:
                submission = gb.find_submission(assignment, r.student)
                totals[r.student] = sum(g.score or 0 for nb in submission.notebooks for g in nb.grades)
            except MissingEntry:
                totals[r.student] = None
    for r in results:
        texts = []
        for path in (course.course_dir / "autograded" / r.student / assignment).glob("*.ipynb"):
            for cell in nbformat.read(path, as_version=4).cells:
                texts += [str(o.get("text", "")) for o in cell.get("outputs", [])]
        outputs[r.student] = "".join(texts)[-20000:]
    report = {
        "line": line,
        "totals": totals,
        "isolation": {r.student: r.isolation for r in results},
        "problems": {r.student: list(r.problems) for r in results},
        "outputs": outputs,
        "uid": os.getuid(),
    }
    print("RESULT" + json.dumps(report))


# building a class and grading it at a level


def _build(base: Path, project: Path, cases: list[str], honest: dict[str, str | None], course_dir=None):
    """Release the assignment, write honest students (name: extra code at the top of their
    career answer, or None) and the named hostile cases; returns the course."""
    sys.path[:0] = [str(HERE), str(HERE.parent)]
    from adversarial_batch import _context, _write, slug
    from fixtures import synthetic
    from hostile_cases import CASES

    from mvs_course.grading.course import Course
    from mvs_course.grading.release import release

    course = Course.open(course_dir or base / "course", project=project, release_dir=base / "exercises")
    release(course, ["01_buyer_vs_seller"])
    ctx = _context(course)
    for student, prefix in honest.items():
        answers = dict(ctx.solution)
        if student == "honest-wrong-career":
            answers["career"] = ctx.wrong["career"]
        if prefix:
            answers["career"] = prefix + answers["career"]
        _write(course, student, synthetic.fill(ctx.release_nb, answers))
    for case in CASES:
        if case.name in cases:
            _write(course, slug(case.name), case.build(ctx))
    return course


def _grade(course, *, user: int | None = None, env: dict | None = None, jobs: int = 1, unsafe=False) -> dict:
    if user is not None:
        subprocess.run(["chown", "-R", f"{user}:{user}", str(course.course_dir.parent)], check=True)
    home = tempfile.mkdtemp(prefix="mvs-levels-home-")
    os.chmod(home, 0o777)
    run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8"}
    run_env.update(env or {})
    args = [str(course.course_dir), str(course.project), str(course.release_dir), str(jobs), "30"]
    cmd = [sys.executable, str(Path(__file__)), "--drive", *args, "1" if unsafe else "0"]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=run_env, timeout=1500, cwd=home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT")]
    assert lines, f"the grading subprocess printed no result:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return json.loads(lines[-1][len("RESULT") :])


def _slug(name: str) -> str:
    sys.path[:0] = [str(HERE)]
    from adversarial_batch import slug

    return slug(name)


def _probe(report: dict) -> dict:
    text = report["outputs"][_slug("probe: what student code can reach")]
    return json.loads(text.split("PROBE", 1)[1].splitlines()[0])


def _check_class(report: dict, cases: list[str], level: str, project: Path) -> None:
    """Honest scores exact, hostile ones no more than earned, private files out of reach."""
    from hostile_cases import CASES

    assert set(report["isolation"].values()) == {level}, report["isolation"]
    totals = report["totals"]
    assert totals["honest-solution"] == 12, report["problems"]
    assert totals["honest-wrong-career"] == 11, report["problems"]
    for case in CASES:
        if case.name in cases:
            student = _slug(case.name)
            assert totals[student] == case.earned, (case.name, totals, report["outputs"][student])
    if "probe: what student code can reach" in cases:
        facts = _probe(report)
        assert facts["uid"] != 0
        for private in ("gradebook", "solutions", "submitted", "source", "project_git", "project_tests"):
            assert not facts[private], (private, facts)
        # the real project stays untouched; a project under /tmp lies inside the bubble's private
        # /tmp, where a write lands in the bubble's own folders and is gone with it
        assert not (project / "pwned.txt").exists(), facts
        if not _inside(project, Path(tempfile.gettempdir())):
            assert facts["write_project"] is False, facts
        assert facts["package_data"]
    if LEAKS[1] in cases:
        assert "LEAK []" in report["outputs"][_slug(LEAKS[1])]


# fixtures: nobody must be able to run this Python (pyenv lives under /root, mode 0700)


@pytest.fixture(scope="module")
def as_root():
    if os.geteuid() != 0:
        pytest.skip("these levels need the grader to be root")


@pytest.fixture(scope="module")
def nobody(as_root):
    from mvs_course.grading.sandbox.isolation import ACL_XATTR, acl_group

    saved = {}
    for folder in {*Path(sys.base_prefix).parents, *Path(sys.prefix).parents}:
        if not os.stat(folder).st_mode & 0o001:
            try:
                saved[folder] = os.getxattr(folder, ACL_XATTR)
            except OSError:
                saved[folder] = None
            acl_group(str(folder), NOBODY, 1, tag=2)  # user nobody may traverse, nothing more
    yield NOBODY
    for folder, data in saved.items():
        if data is None:
            os.removexattr(folder, ACL_XATTR)
        else:
            os.setxattr(folder, ACL_XATTR, data)


@pytest.fixture
def base():
    folder = Path(tempfile.mkdtemp(prefix="mvs-levels-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _bwrap_here() -> bool:
    from mvs_course.grading.sandbox import isolation

    return isolation.bwrap_path() is not None


# the levels


@pytest.mark.parametrize(
    "who, env, level",
    [
        ("root with bubblewrap", {}, "bwrap"),
        ("root without bubblewrap", NO_BWRAP, "user"),
        ("nobody with bubblewrap", {}, "bwrap"),
    ],
)
def test_hostile_class_at_level(as_root, request, base, who, env, level):
    if level == "bwrap" and not _bwrap_here():
        pytest.skip("bubblewrap is not installed")
    user = request.getfixturevalue("nobody") if who.startswith("nobody") else None
    cases = [*THIEVES, *LEAKS, "memory across 4 processes", "sys.exit"]
    course = _build(base, ROOT, cases, {"honest-solution": None, "honest-wrong-career": None})
    report = _grade(course, user=user, env=env)
    _check_class(report, cases, level, ROOT)
    assert level in report["line"] and "Limits:" in report["line"]
    if user is None:  # root: a cgroup per submission here, so 4 x 400 MB cannot all be held
        held = report["outputs"][_slug("memory across 4 processes")]
        assert "HELD" not in held or int(held.split("HELD", 1)[1].split()[0]) <= 2, held


def test_not_root_without_bubblewrap_refuses_unless_allowed(nobody, base):
    course = _build(base, ROOT, [], {"honest-solution": None, "honest-wrong-career": None})
    refused = _grade(course, user=nobody, env=NO_BWRAP)
    assert "--unsafe-same-user" in refused.get("refused", ""), refused
    allowed = _grade(course, user=nobody, env=NO_BWRAP, unsafe=True)
    assert set(allowed["isolation"].values()) == {"rlimits"}
    assert allowed["totals"] == {"honest-solution": 12, "honest-wrong-career": 11}


@pytest.mark.parametrize("env, level", [({}, "bwrap"), (NO_BWRAP, "user")], ids=["bwrap", "no-bwrap"])
def test_fork_bomb_leaves_a_classmate_graded_in_parallel_alone(as_root, base, env, level):
    if level == "bwrap" and not _bwrap_here():
        pytest.skip("bubblewrap is not installed")
    course = _build(base, ROOT, [], {"honest-subprocesses": SUBPROCESSES})
    from adversarial_batch import _context, _write, slug
    from hostile_cases import CASES

    nb = next(c for c in CASES if c.name == "fork bomb").build(_context(course))
    nb.cells[-1].source = BOMB  # forks for 4 s, then every process leaves
    _write(course, slug("fork bomb"), nb)
    report = _grade(course, env=env, jobs=2)
    assert set(report["isolation"].values()) == {level}
    assert report["totals"]["honest-subprocesses"] == 12, report["outputs"]["honest-subprocesses"]
    assert report["totals"][slug("fork bomb")] == 12


@pytest.fixture
def shallow(as_root):
    """A copy of the project at /mvs-shallow-test (with a .git) and a course at /mvs-shallow-course."""
    for folder in (SHALLOW_PROJECT, SHALLOW_COURSE):
        if folder.exists():
            shutil.rmtree(folder)
    skip = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache")
    shutil.copytree(ROOT, SHALLOW_PROJECT, ignore=skip)
    git = ["git", "-C", str(SHALLOW_PROJECT), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], check=True)
    SHALLOW_COURSE.mkdir()
    yield SHALLOW_PROJECT, SHALLOW_COURSE
    for folder in (SHALLOW_PROJECT, SHALLOW_COURSE):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("env, level", [({}, "bwrap"), (NO_BWRAP, "user")], ids=["bwrap", "no-bwrap"])
def test_shallow_paths_stay_hidden(shallow, env, level):
    if level == "bwrap" and not _bwrap_here():
        pytest.skip("bubblewrap is not installed")
    project, course_dir = shallow
    honest = {"honest-solution": None, "honest-wrong-career": None}
    with tempfile.TemporaryDirectory() as release:
        course = _build(Path(release), project, THIEVES, honest, course_dir=course_dir)
        assert course.course_dir == course_dir and len(course_dir.parts) == len(project.parts) == 2
        report = _grade(course, env=env)
    _check_class(report, THIEVES, level, project)


if __name__ == "__main__" and sys.argv[1:2] == ["--drive"]:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type] - as `mvs-course` starts
    _drive(*sys.argv[2:8])
    gc.freeze()  # as `mvs-course` exits: the interpreter's last collection skips nbgrader's heap
