"""Grade one synthetic class twice, with plain nbgrader and with `mvs-course grade`; compare.

    python benchmarks/grading.py [--students 30] [--assignment NAME] [--jobs N] [--profile N]

Builds a class of synthetic submissions (a mix of full marks, blank releases and partly
wrong answers) in a course directory made by ``mvs-course init``, records the assignment in
the gradebook (as ``nbgrader generate_assignment`` would), then times, as subprocesses with
start-up included:

- plain nbgrader: ``nbgrader autograde ASSIGNMENT --force`` in a copy of the course that has
  a plain nbgrader configuration (source and release folders, nothing else), exactly as
  nbgrader's docs show;
- ours: ``mvs-course grade ASSIGNMENT`` (the default sandbox engine), from the same starting
  gradebook, ``--runs`` times (default 3): once before plain nbgrader and the others after it,
  each from the released gradebook. Ours takes ~7 s and this machine's speed drifts by up to a
  quarter within minutes, so one short run can land in a slow moment that a 60 s one averages
  out; the speedup uses the median of ours, and every run is printed.

Every (student, item) score must be identical, in every run of ours. Then it profiles the
grader side of ours in-process (``--profile`` submissions, one worker, cProfile) and prints the
top items, so the next cut is visible. The last line printed is ``speedup: X.XX`` (plain time / ours).
Exit 1 when scores differ.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))  # tests/fixtures and tests/mutants

from fixtures import synthetic  # noqa: E402

from mvs_course.grading.course import Course, init  # noqa: E402
from mvs_course.grading.release import prepare_gradebook, release  # noqa: E402
from mvs_course.grading.scores import item_scores  # noqa: E402

PLAIN_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.source_directory = {source!r}
c.CourseDirectory.release_directory = {release!r}
"""


def _mutants(assignment: str) -> dict[str, tuple[str, str]]:
    try:
        import mutants
    except ImportError:
        return {}
    return mutants.load().get(assignment, {})


def build_class(course: Course, assignment: str, size: int, seed: int = 0) -> dict[str, str]:
    """``size`` submissions cycling full / blank / partly wrong; returns student -> kind."""
    rng = random.Random(seed)
    wrong = _mutants(assignment)
    kinds = {}
    for i in range(size):
        kind = ("full", "blank", "partly wrong")[i % 3]
        student = f"s{i:02d}-{kind.replace(' ', '-')}"
        kinds[student] = kind
        for source_nb in sorted((course.source_dir / assignment).glob("*.ipynb")):
            answers = synthetic.solution_answers(source_nb)
            if kind == "blank":
                answers = {}
            elif kind == "partly wrong":
                items = sorted(synthetic.graded_items(source_nb))
                for test_id in rng.sample(items, k=max(1, len(items) // 3)):
                    if test_id in wrong:
                        answer_id, code = wrong[test_id]
                        answers[answer_id] = code
                    elif answers:  # no wrong answer known: leave one answer blank instead
                        answers.pop(rng.choice(sorted(answers)))
            nb = synthetic.fill(course.release_dir / assignment / source_nb.name, answers)
            synthetic.write_submission(course.course_dir, student, assignment, source_nb.name, nb)
    return kinds


def _scores(course: Course, assignment: str) -> dict[tuple[str, str, str], float]:
    table = item_scores(course, assignment)
    return {(r.student, r.notebook, r.item): r.score for r in table.itertuples()}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _busy() -> float | None:
    """Core-seconds the whole machine has been busy (Linux /proc/stat), else None."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _timed(cmd: list[str], cwd: Path) -> float:
    """Wall-clock seconds of ``cmd``; prints the CPU it used too. The reaped CPU undercounts
    ours: the sandbox's processes end in a PID namespace of bubblewrap's and are reaped outside
    our process tree. The machine's busy core-seconds count everything (on a quiet machine)."""
    started, cpu, busy = time.perf_counter(), _cpu(), _busy()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    busy = f", machine busy {_busy() - busy:.2f} core-s" if busy is not None else ""
    print(f"  {Path(cmd[0]).name}: {seconds:.2f} s wall, {_cpu() - cpu:.2f} s CPU (reaped processes){busy}")
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return seconds


def _reset(folder: Path, pristine: Path) -> None:
    shutil.rmtree(folder / "autograded", ignore_errors=True)
    shutil.copy(pristine, folder / "gradebook.db")


def _step_timer(totals: collections.Counter) -> list:
    """Count the CPU time of each nbgrader step, notebook write and submission set-up."""
    import nbconvert.preprocessors.base as preprocessor
    from nbgrader.converters import autograde, base

    undo = []

    def wrap(owner, name: str, label: str | None = None) -> None:
        original = getattr(owner, name)

        def timed(self, *args, **kwargs):
            started = time.process_time()
            try:
                return original(self, *args, **kwargs)
            finally:
                totals[label or type(self).__name__] += time.process_time() - started

        setattr(owner, name, timed)
        undo.append((owner, name, original))

    wrap(preprocessor.Preprocessor, "__call__")
    wrap(autograde.Autograde, "init_assignment", "set-up (student, submission rows, files)")
    wrap(base.BaseConverter, "write_single_notebook", "writing notebooks")
    wrap(base.BaseConverter, "start", "TOTAL (one nbgrader autograde)")
    return undo


def profile(course: Course, assignment: str, students: list[str], top: int = 12) -> None:
    """Where the grader side's time goes, per submission graded in this process: CPU per
    nbgrader step, then cProfile's top functions by own (wall) time. Waiting for the sandbox's
    worker shows there as socket reads, the gradebook's disk syncs as sqlite commits."""
    from mvs_course.grading.grade import _recording_autograde, grade_one, grading_process, run_config

    warnings.filterwarnings("ignore")
    grading_process("sandbox")  # as in a grading worker
    api = course.api(**run_config(course))
    converter = _recording_autograde()
    grade_one(api, converter, course, assignment, students[0], "sandbox")  # warm: imports, zygote
    graded = students[1:]
    steps: collections.Counter = collections.Counter()
    undo = _step_timer(steps)
    try:
        for student in graded[: len(graded) // 2]:
            grade_one(api, converter, course, assignment, student, "sandbox")
    finally:
        for owner, name, original in undo:
            setattr(owner, name, original)
    timed = max(1, len(graded) // 2)
    print(f"profile: grader-side CPU per nbgrader step, ms per submission ({timed} graded)")
    for label, seconds in steps.most_common(top):
        print(f"  {seconds / timed * 1000:8.1f}  {label}")
    profiler = cProfile.Profile()
    profiler.enable()
    for student in graded[len(graded) // 2 :]:
        grade_one(api, converter, course, assignment, student, "sandbox")
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    print(f"profile: cProfile top {top} by own time ({len(graded) - len(graded) // 2} graded)")
    for line in lines[start : start + top + 1]:
        print("  " + line.replace(str(ROOT), ".").replace(sys.prefix, "<venv>"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30, help="class size (default: 30)")
    parser.add_argument("--assignment", default=None, help="default: the first in solutions/")
    parser.add_argument("--jobs", type=int, default=None, help="mvs-course grade --jobs (default: CPUs)")
    parser.add_argument("--profile", type=int, default=8, help="submissions to profile (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="runs of ours, median used (default: 3)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mvs-bench-") as tmp:
        base = Path(tmp)
        init(base / "course", ROOT)
        course = Course.open(base / "course", release_dir=base / "exercises")
        assignment = args.assignment or course.assignments()[0]
        release(course, [assignment])  # a fresh release; also records the assignment
        prepare_gradebook(course, assignment)
        kinds = build_class(course, assignment, args.students)
        pristine = base / "gradebook-released.db"
        shutil.copy(course.course_dir / "gradebook.db", pristine)
        plain_dir = base / "plain"
        shutil.copytree(course.course_dir, plain_dir, ignore=shutil.ignore_patterns("nbgrader_config.py"))
        (plain_dir / "nbgrader_config.py").write_text(
            PLAIN_CONFIG.format(
                course_id=course.course_id, source=str(course.source_dir), release=str(course.release_dir)
            )
        )
        plain_course = Course.open(plain_dir, project=ROOT)
        print(f"{assignment}: {len(kinds)} submissions ({', '.join(sorted(set(kinds.values())))})")

        ours_cmd = [str(BIN / "mvs-course"), "grade", assignment, "--course-dir", str(course.course_dir)]
        if args.jobs:
            ours_cmd += ["--jobs", str(args.jobs)]
        runs: list[float] = []

        def run_ours() -> dict:
            _reset(course.course_dir, pristine)
            runs.append(_timed(ours_cmd, course.course_dir))
            print(f"mvs-course grade:         {runs[-1]:.2f} s (run {len(runs)})")
            return _scores(course, assignment)

        ours_scores = [run_ours()]  # one run before plain nbgrader, the others after it
        plain = _timed([str(BIN / "nbgrader"), "autograde", assignment, "--force"], plain_dir)
        plain_scores = _scores(plain_course, assignment)
        print(f"plain nbgrader autograde: {plain:.2f} s")
        ours_scores += [run_ours() for _ in range(max(args.runs, 1) - 1)]
        ours = statistics.median(runs)
        print(f"mvs-course grade, median of {len(runs)}: {ours:.2f} s ({min(runs):.2f} to {max(runs):.2f})")
        differ = [
            (run, key, scores.get(key))
            for run, scores in enumerate(ours_scores, 1)
            for key in sorted(plain_scores.keys() | scores.keys())
            if plain_scores.get(key) != scores.get(key)
        ]
        our_scores = ours_scores[0]

        totals: dict[str, float] = {}
        for (student, _nb, _item), score in our_scores.items():
            totals[student] = totals.get(student, 0.0) + score
        seen = sorted(set(totals.values()))
        print(f"scores compared: {len(plain_scores)} (student, item) pairs; totals seen {seen}")
        if differ or len(plain_scores) < len(kinds):
            for run, key, score in differ[:20]:
                print(f"DIFFERENT {key}: plain {plain_scores.get(key)} ours {score} (run {run})")
            print("scores identical: NO")
            return 1
        print("scores identical: yes")
        if args.profile:
            _reset(course.course_dir, pristine)
            profile(course, assignment, sorted(kinds)[: args.profile + 1])
        print(f"speedup: {plain / ours:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
