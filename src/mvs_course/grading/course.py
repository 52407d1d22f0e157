"""Where things are: the project (solutions/, exercises/) and the course dir (grading workspace)."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

COURSE_ID = "marketing-vs-sales"


class CourseError(RuntimeError):
    """An instructor-side problem with a message that says how to fix it."""


def ensure_venv_on_path() -> None:
    """nbgrader runs `alembic` from PATH when it creates a gradebook; make the venv's visible."""
    if shutil.which("alembic") is None:
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def find_project(start: Path | None = None) -> Path:
    """The project root: $MVS_PROJECT, else the nearest folder up from ``start`` with solutions/."""
    if os.environ.get("MVS_PROJECT"):
        return Path(os.environ["MVS_PROJECT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "solutions").is_dir() and (folder / "nbgrader_config.py").is_file():
            return folder
    packaged = Path(__file__).resolve().parents[3]
    if (packaged / "solutions").is_dir():
        return packaged
    raise CourseError(
        "Cannot find the course project (a folder with solutions/ and nbgrader_config.py). "
        "Run from inside it or set MVS_PROJECT."
    )


@dataclass(frozen=True)
class Course:
    """A grading workspace ``course_dir`` fed by the assignments of ``project``."""

    course_dir: Path
    project: Path
    release_dir: Path

    @classmethod
    def open(
        cls,
        course_dir: Path | str = ".",
        project: Path | None = None,
        release_dir: Path | None = None,
    ) -> Course:
        course_dir = Path(course_dir).resolve()
        project = (project or find_project(course_dir)).resolve()
        course_dir.mkdir(parents=True, exist_ok=True)
        return cls(course_dir, project, (release_dir or project / "exercises").resolve())

    @property
    def source_dir(self) -> Path:
        return self.project / "solutions"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.course_dir / 'gradebook.db'}"

    def assignments(self) -> list[str]:
        """Assignment names found in solutions/."""
        return sorted(p.name for p in self.source_dir.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

    def check_assignment(self, assignment: str) -> None:
        if assignment not in self.assignments():
            raise CourseError(
                f"No assignment {assignment!r} in {self.source_dir}. "
                f"Known: {', '.join(self.assignments()) or 'none'}."
            )

    def config(self, **extra: dict) -> Config:
        """nbgrader configuration for this workspace; ``extra`` merges per-class settings."""
        cfg = Config()
        cfg.CourseDirectory.root = str(self.course_dir)
        cfg.CourseDirectory.source_directory = str(self.source_dir)
        cfg.CourseDirectory.release_directory = str(self.release_dir)
        cfg.CourseDirectory.db_url = self.db_url
        cfg.CourseDirectory.course_id = COURSE_ID
        cfg.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
        cfg.ClearSolutions.text_stub = "YOUR ANSWER HERE"
        cfg.Execute.timeout = 30
        for section, values in extra.items():
            for key, value in values.items():
                setattr(getattr(cfg, section), key, value)
        return cfg

    def write_nbgrader_config(self) -> Path:
        """Write course_dir/nbgrader_config.py with the settings of :meth:`config`, so that plain
        ``nbgrader`` commands run in the course dir see the same course (used to compare)."""
        lines = ["c = get_config()  # noqa: F821"]
        for section, values in self.config().items():
            for key, value in values.items():
                lines.append(f"c.{section}.{key} = {value!r}")
        path = self.course_dir / "nbgrader_config.py"
        path.write_text("\n".join(lines) + "\n")
        return path

    def api(self, **extra: dict) -> NbGraderAPI:
        ensure_venv_on_path()
        cfg = self.config(**extra)
        return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)

    def gradebook(self) -> Gradebook:
        """The nbgrader gradebook of this workspace (use as a context manager)."""
        ensure_venv_on_path()
        return Gradebook(self.db_url, COURSE_ID)

    def submissions(self, assignment: str) -> list[str]:
        """Student ids with a submission of ``assignment`` in submitted/."""
        base = self.course_dir / "submitted"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())
