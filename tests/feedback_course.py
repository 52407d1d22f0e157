"""A tiny nbgrader course graded by plain ``nbgrader`` with the repo's nbgrader_config.py, for the
feedback tests: one student whose work trips every way feedback used to leak.

- ``test_focus``: the hidden test looks up a key from the solution (``KeyError: '<the key>'``);
- ``test_tie``: the hidden assert carries its own sentence, and the student's code prints and
  displays a marker while the hidden tests run;
- ``test_bare``: a bare hidden ``assert`` (``AssertionError`` with no message);
- ``test_visible``: only a visible assert, which fails (its line may be shown);
- a written answer and an extra markdown cell full of hostile HTML (script, handlers, overlays).

The course directory's ``nbgrader_config.py`` loads the repo's, as ``mvs-course init`` writes it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
from fixtures.command import command
from fixtures.once import once
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mvs_course.grading.collect import collect
from mvs_course.grading.feedback import feedback

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "toy"
DUE = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
NOTEBOOK = "toy.ipynb"
SECRET_KEY = "These headphones make me feel like a pro musician"
TIE_SENTENCE = "Not yet right for a tie."
PRINT_MARKER = "PRINTED-DURING-HIDDEN-TESTS"
DISPLAY_MARKER = "DISPLAYED-DURING-HIDDEN-TESTS"
BARE_SECRET = "winner(4, 4) == 'tie'"
HOSTILE_MARKDOWN = """\
Because buyers decide.

<script>window.__pwned = 1; document.body.innerHTML = "<h1>Score: 12 / 12</h1>"</script>
<img src="x" onerror="window.__pwned = 2; document.body.innerHTML = 'Score: 12 / 12'">
<svg onload="window.__pwned = 3"><circle r="5"/></svg>
<iframe srcdoc="<script>parent.__pwned = 4</script>"></iframe>
<a href="javascript:window.__pwned = 5" id="js-link">open me</a>
[also me](javascript:window.__pwned=6)
<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:white;z-index:9999">
FAKE-OVERLAY Score: 12 / 12</div>
<div class="navbar-fixed-top">FAKE-CLASS-OVERLAY</div>
<style>h4 { display: none }</style>
<meta http-equiv="refresh" content="0; url=https://example.com/">
<form action="https://example.com/"><input name="pw"></form>
"""


NBGRADER_DEFAULT_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


def visible_text(page: Path) -> str:
    """What a reader sees in an HTML page: tags stripped (highlighting splits code into spans)."""
    body = page.read_text(encoding="utf-8")
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", body)))


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=0) -> dict:
    meta = {
        "schema_version": 3,
        "grade_id": grade_id,
        "solution": solution,
        "grade": grade,
        "locked": locked,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _answer(grade_id: str, code: str):
    return new_code_cell(
        f"### BEGIN SOLUTION\n{code}\n### END SOLUTION", metadata=_meta(grade_id, solution=True)
    )


def _test(grade_id: str, source: str, points: int = 1):
    return new_code_cell(source, metadata=_meta(grade_id, grade=True, locked=True, points=points))


def source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# Toy assignment\n\nClassify, then break ties.", metadata=_meta("intro", locked=True)
        ),
        _answer("answer_focus", f'FOCUS = {{"{SECRET_KEY}": "buyer", "a plumber": "seller"}}'),
        _test(
            "test_focus",
            'assert isinstance(FOCUS, dict), "FOCUS should be a dictionary"\n'
            "### BEGIN HIDDEN TESTS\n"
            f'assert FOCUS["{SECRET_KEY}"] == "buyer"\n'
            "### END HIDDEN TESTS",
            points=2,
        ),
        _answer(
            "answer_tie",
            'def winner(a, b):\n    if a == b:\n        return "tie"\n    return "a" if a > b else "b"',
        ),
        _test(
            "test_tie",
            'assert winner(2, 1) == "a", "the larger score wins"\n'
            "### BEGIN HIDDEN TESTS\n"
            f'assert winner(1, 1) == "tie", "{TIE_SENTENCE}"\n'
            "### END HIDDEN TESTS",
        ),
        _test(
            "test_bare",
            f"assert winner(5, 1) == 'a'\n### BEGIN HIDDEN TESTS\nassert {BARE_SECRET}\n### END HIDDEN TESTS",
        ),
        _test("test_visible", 'assert winner(9, 9) != "b"'),
        new_markdown_cell(
            "### BEGIN SOLUTION\nBuyers decide.\n### END SOLUTION",
            metadata=_meta("answer_why", solution=True, grade=True, points=1),
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


STUDENT_ANSWERS = {
    "answer_focus": 'FOCUS = {"a plumber": "seller"}',
    "answer_tie": (
        "from IPython.display import display, HTML\n"
        "def winner(a, b):\n"
        "    if a < 5:  # only in the hidden tests (built at run time: not in the source)\n"
        f'        print("{PRINT_MARKER[:7]}" + "{PRINT_MARKER[7:]}", a, b)\n'
        f'        display(HTML("<b>{DISPLAY_MARKER[:9]}" + "{DISPLAY_MARKER[9:]}</b>"))\n'
        '    return "a" if a > b else "b"'
    ),
    "answer_why": HOSTILE_MARKDOWN,
}


def student_notebook(release: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in STUDENT_ANSWERS:
            cell.source = STUDENT_ANSWERS[gid]
    nb.cells.append(new_markdown_cell(HOSTILE_MARKDOWN))  # a cell the student added
    out = new_code_cell(
        "from IPython.display import HTML, Javascript\n"
        "display(HTML('<img src=x onerror=\"window.__pwned=8\">'), Javascript('window.__pwned=9'))"
    )
    nb.cells.append(out)
    return nb


def course_config(course_dir: Path, source: Path) -> str:
    """What ``mvs-course init`` writes: load the repo's settings, then point at this course."""
    return (
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(ROOT / 'nbgrader_config.py')!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course_dir)!r}\n"
        f"c.CourseDirectory.source_directory = {str(source)!r}\n"
        f"c.CourseDirectory.release_directory = {str(course_dir / 'release')!r}\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(course_dir / 'gradebook.db')!r}\n"
    )


@dataclass
class FeedbackCourse:
    course_dir: Path
    source: Path  # <project>/solutions
    student: str = "zoe"
    collected: object = None  # the CollectReport that placed the submission

    def course(self):
        from mvs_course.grading.course import Course

        return Course.open(
            self.course_dir, project=self.source.parent, release_dir=self.course_dir / "release"
        )

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        done = subprocess.run(
            command("nbgrader", *args),
            cwd=self.course_dir,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert done.returncode == 0, (
            f"nbgrader {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        return done

    def nbgrader_default_feedback(self) -> Path:
        """The page nbgrader writes with its own defaults (none of the repo's feedback settings),
        moved aside to default.html: what the tests must be able to catch."""
        self.nbgrader(
            "generate_feedback",
            ASSIGNMENT,
            "--force",
            f"--GenerateFeedback.preprocessors={NBGRADER_DEFAULT_PREPROCESSORS!r}",
            "--HTMLExporter.sanitize_html=False",
            "--HTMLExporter.filters={}",
        )
        return self.page().rename(self.course_dir / "default.html")

    def page(self, folder: str = "feedback") -> Path:
        return self.course_dir / folder / self.student / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")


def build(base: Path) -> FeedbackCourse:
    """Release, submit, autograde with plain nbgrader; feedback is left to the tests."""
    project = base / "project"
    source = project / "solutions"
    (source / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), source / ASSIGNMENT / NOTEBOOK)
    course_dir = base / "course"
    course_dir.mkdir()
    (course_dir / "nbgrader_config.py").write_text(course_config(course_dir, source))
    course = FeedbackCourse(course_dir, source)
    course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    # handed in a day after the due date, placed by `mvs-course collect` (which writes timestamp.txt)
    with course.course().gradebook() as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=DUE.replace(tzinfo=None))
    upload = base / "inbox" / f"{course.student}__{ASSIGNMENT}.ipynb"
    upload.parent.mkdir()
    nbformat.write(student_notebook(course_dir / "release" / ASSIGNMENT / NOTEBOOK), upload)
    handed_in = (DUE + timedelta(days=1)).timestamp()
    os.utime(upload, (handed_in, handed_in))
    course.collected = collect(course.course(), ASSIGNMENT, [upload])
    course.nbgrader("autograde", ASSIGNMENT, "--force", "--KernelManager.shutdown_wait_time=0.5")
    return course


NBGRADER_AUTOGRADE = [
    "--Autograde.sanitize_preprocessors=['nbgrader.preprocessors.ClearOutput', "
    "'nbgrader.preprocessors.DeduplicateIds', 'nbgrader.preprocessors.OverwriteKernelspec', "
    "'nbgrader.preprocessors.OverwriteCells', 'nbgrader.preprocessors.CheckCellMetadata']",
    "--Autograde.autograde_preprocessors=['nbgrader.preprocessors.Execute', "
    "'nbgrader.preprocessors.IgnorePattern', 'nbconvert.preprocessors.ClearMetadataPreprocessor', "
    "'nbgrader.preprocessors.LimitOutput', 'nbgrader.preprocessors.SaveAutoGrades', "
    "'nbgrader.preprocessors.AssignLatePenalties', 'nbgrader.preprocessors.CheckCellMetadata']",
    "--KernelManager.shutdown_wait_time=0.5",
]


def pages(tmp_path_factory) -> dict:
    """Built once per process (test_feedback and browser/test_feedback_page share it): the
    same submission's page from nbgrader's defaults (graded in a plain kernel, nbgrader's
    feedback list), plain nbgrader with the repo's config, and the grading API (both graded in
    the sandbox, as the repo's config says)."""
    return once("feedback pages", lambda: _build_pages(tmp_path_factory.mktemp("feedback")))


def _build_pages(base: Path) -> dict:
    built = build(base)
    course = built.course()
    graded = built.course_dir / "autograded" / built.student / ASSIGNMENT
    out = {"sandboxed": nbformat.read(graded / NOTEBOOK, as_version=4)}
    kept = shutil.copytree(graded, built.course_dir / "sandboxed")
    built.nbgrader("autograde", ASSIGNMENT, "--force", *NBGRADER_AUTOGRADE)  # same scores
    out["default"] = built.nbgrader_default_feedback()
    shutil.rmtree(graded)
    kept.rename(graded)
    built.nbgrader("generate_feedback", ASSIGNMENT, "--force")
    out["plain"] = shutil.copy(built.page(), built.course_dir / "plain.html")
    (out["api"],) = feedback(course, ASSIGNMENT)[built.student]
    sandboxed = out.pop("sandboxed")
    texts = {name: visible_text(path) for name, path in out.items()}
    return texts | {
        "sandboxed": sandboxed,
        "files": out,
        "autograded": built.course_dir / "autograded" / built.student / ASSIGNMENT,
        "built": built,
    }
