"""Grade one synthetic class twice, with plain nbgrader and with `mvs-course grade`; compare.

    python benchmarks/grading.py [--students 30] [--assignment NAME] [--jobs N]

Builds a class of synthetic submissions (a mix of full marks, blank releases and partly
wrong answers), runs ``nbgrader autograde ASSIGNMENT --force`` once over the whole class
exactly as nbgrader's docs show (default settings, in the course dir), then
``mvs-course grade ASSIGNMENT`` from the same starting gradebook. Both are timed as
subprocesses, start-up included. Every (student, item) score must be identical. The last
line printed is ``speedup: X.XX`` (plain time / ours). Exit 1 when scores differ.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))  # tests/mutants: one wrong answer per graded item

from mvs_course.grading import synthetic  # noqa: E402
from mvs_course.grading.course import Course  # noqa: E402
from mvs_course.grading.release import release  # noqa: E402
from mvs_course.grading.scores import item_scores  # noqa: E402


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


def _timed(cmd: list[str], cwd: Path) -> float:
    """Wall-clock seconds of ``cmd``; prints the CPU seconds it and its children used too."""
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    print(f"  {Path(cmd[0]).name}: {seconds:.2f} s wall, {_cpu() - cpu:.2f} s CPU (reaped processes)")
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return seconds


def _reset(course: Course, pristine: Path) -> None:
    shutil.rmtree(course.course_dir / "autograded", ignore_errors=True)
    shutil.copy(pristine, course.course_dir / "gradebook.db")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--assignment", default=None, help="default: the first in solutions/")
    parser.add_argument("--jobs", type=int, default=None, help="mvs-course grade --jobs (default: CPUs)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mvs-bench-") as tmp:
        base = Path(tmp)
        course = Course.open(base / "course", project=ROOT, release_dir=base / "exercises")
        assignment = args.assignment or course.assignments()[0]
        release(course, [assignment])  # also records the assignment in the gradebook
        course.write_nbgrader_config()
        kinds = build_class(course, assignment, args.students)
        pristine = base / "gradebook-released.db"
        shutil.copy(course.course_dir / "gradebook.db", pristine)
        print(f"{assignment}: {len(kinds)} submissions ({', '.join(sorted(set(kinds.values())))})")

        plain = _timed([str(BIN / "nbgrader"), "autograde", assignment, "--force"], course.course_dir)
        plain_scores = _scores(course, assignment)
        print(f"plain nbgrader autograde: {plain:.2f} s")

        _reset(course, pristine)
        ours_cmd = [str(BIN / "mvs-course"), "--course-dir", str(course.course_dir), "grade", assignment]
        if args.jobs:
            ours_cmd += ["--jobs", str(args.jobs)]
        ours = _timed(ours_cmd, course.course_dir)
        our_scores = _scores(course, assignment)
        print(f"mvs-course grade:         {ours:.2f} s")

        differ = sorted(
            k for k in plain_scores.keys() | our_scores.keys() if plain_scores.get(k) != our_scores.get(k)
        )
        totals: dict[str, float] = {}
        for (student, _nb, _item), score in our_scores.items():
            totals[student] = totals.get(student, 0.0) + score
        seen = sorted(set(totals.values()))
        print(f"scores compared: {len(plain_scores)} (student, item) pairs; totals seen {seen}")
        if differ or len(plain_scores) < len(kinds):
            for key in differ[:20]:
                print(f"DIFFERENT {key}: plain {plain_scores.get(key)} ours {our_scores.get(key)}")
            print("scores identical: NO")
            return 1
        print("scores identical: yes")
        print(f"speedup: {plain / ours:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
