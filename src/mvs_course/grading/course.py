"""Where things are and which settings hold.

The *project* is the course repository: ``solutions/`` (sources), ``exercises/`` (releases)
and ``nbgrader_config.py``, which carries every course setting once. A *course directory*
is an nbgrader course root where grading happens (``submitted/``, ``autograded/``,
``feedback/``, ``gradebook.db``); ``mvs-course init DIR`` makes one whose own
``nbgrader_config.py`` loads the project's, so plain ``nbgrader`` commands run there and
``mvs-course`` see the same course, the same settings and the same gradebook.

Settings are read the way nbgrader reads them: the ``nbgrader_config.py`` files on the
Jupyter config path (system, environment, user), then the course directory's.
"""

from __future__ import annotations

import copy
import functools
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from traitlets.config import Config

CONFIG_FILE = "nbgrader_config.py"
COURSE_DIR_ENV = "MVS_COURSE_DIR"
PROJECT_ENV = "MVS_PROJECT"
INIT_MARKER = "# course directory written by `mvs-course init`"
SUGGESTED_DIR = "~/mvs-grading"


class CourseError(RuntimeError):
    """An instructor-side problem with a message that says how to fix it."""


def ensure_venv_on_path() -> None:
    """nbgrader runs `alembic` from PATH when it creates a gradebook; make the venv's visible."""
    if shutil.which("alembic") is None:
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def ensure_gradebook(db_url: str) -> None:
    """Create the gradebook at ``db_url`` if it has no tables, as nbgrader's ``Gradebook`` does
    (its tables, then ``alembic_version`` at the head revision), asking alembic for the head
    here: nbgrader runs ``alembic heads`` as a subprocess, which imports nbgrader and Jupyter
    again (3 CPU-s for every new gradebook)."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url, future=True)
    try:
        if inspect(engine).get_table_names():
            return
        settings = AlembicConfig()
        settings.set_main_option("script_location", ALEMBIC_DIR)
        head = ScriptDirectory.from_config(settings).get_current_head()
        with engine.begin() as db:
            Base.metadata.create_all(bind=db)
            db.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            db.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})
    finally:
        engine.dispose()


def is_project(folder: Path) -> bool:
    """A course repository: nbgrader_config.py next to a solutions/ folder."""
    return (folder / "solutions").is_dir() and (folder / CONFIG_FILE).is_file()


def find_project(start: Path | None = None) -> Path:
    """The project root: $MVS_PROJECT, else the nearest folder up from ``start`` that is one,
    else the checkout this package is installed from (an editable install)."""
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV]).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    packaged = Path(__file__).resolve().parents[3]
    if is_project(packaged):
        return packaged
    raise CourseError(
        "Cannot find the course project (a folder with solutions/ and nbgrader_config.py). "
        f"Run from inside it or set {PROJECT_ENV}."
    )


def is_course_dir(folder: Path) -> bool:
    """A folder made by ``mvs-course init``: its nbgrader_config.py carries our marker."""
    path = folder / CONFIG_FILE
    try:
        return path.is_file() and INIT_MARKER in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@functools.cache
def _settings_reader_class() -> type:
    from jupyter_core.application import JupyterApp

    class NbGraderSettings(JupyterApp):
        """Reads config files as nbgrader's apps do (their name, ``nbgrader_config``, on the
        Jupyter config path) without importing nbgrader: ``grade`` starts the sandbox's warm
        processes before that import (1.2 s) is done."""

        name = "nbgrader"

    return NbGraderSettings


def load_config(course_dir: Path | None = None, project: Path | None = None) -> Config:
    """nbgrader's settings for ``course_dir``, read as nbgrader reads them.

    The ``nbgrader_config.py`` files on the Jupyter config path come first (lowest priority
    first, as in every Jupyter app), then the course directory's. A folder with no config
    of its own reads the project's, as if ``mvs-course init`` had made it.
    """
    from jupyter_core.application import JupyterApp
    from traitlets.config import Application

    app = _settings_reader_class()()
    JupyterApp.load_config_file(app)  # the Jupyter config path; nbgrader's own wrapper adds the cwd
    own = course_dir is not None and (course_dir / CONFIG_FILE).is_file()
    folder = course_dir if own else project
    if folder is not None and (folder / CONFIG_FILE).is_file():
        Application.load_config_file(app, CONFIG_FILE, path=str(folder))
    return copy.deepcopy(app.config)


def _absolute(value: object, base: Path) -> Path | None:
    if not isinstance(value, str) or not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


@dataclass(frozen=True)
class Course:
    """A course directory ``course_dir`` fed by the assignments of ``project``.

    ``settings`` are the nbgrader config files as loaded; :meth:`config` adds where things
    are (the course root and absolute source and release folders) on top.
    """

    course_dir: Path
    project: Path
    release_dir: Path
    source_dir: Path = field(default=None)  # type: ignore[assignment]
    settings: Config = field(default_factory=Config, repr=False, compare=False)

    @classmethod
    def open(
        cls,
        course_dir: Path | str = ".",
        project: Path | None = None,
        release_dir: Path | None = None,
    ) -> Course:
        """The course in ``course_dir``, created as an empty folder if missing (commands that
        only read check with :func:`resolve_course_dir` first, so they never create one).

        ``project`` defaults to the one the course directory's config points at, else the
        nearest one (:func:`find_project`); ``release_dir`` to the configured release folder.
        """
        course_dir = Path(course_dir).expanduser().resolve()
        own = load_config(course_dir) if (course_dir / CONFIG_FILE).is_file() else None
        if project is None and own is not None:
            source = _absolute(own.CourseDirectory.get("source_directory"), course_dir)
            if source is not None and is_project(source.parent) and source.parent != course_dir:
                project = source.parent
        project = (Path(project) if project else find_project(course_dir)).expanduser().resolve()
        settings = own if own is not None and project != course_dir else load_config(None, project)
        cd = settings.CourseDirectory
        # relative folders in the project's config are relative to the project
        base = course_dir if own is not None and project != course_dir else project
        source_dir = _absolute(cd.get("source_directory"), base) or project / "source"
        if own is not None and is_course_dir(course_dir) and not source_dir.is_dir():
            raise CourseError(
                f"{course_dir} was set up for a course repository that is not at {source_dir.parent} "
                f"any more: run `mvs-course init {course_dir}` again from the repository."
            )
        release = release_dir or _absolute(cd.get("release_directory"), base) or project / "release"
        course_dir.mkdir(parents=True, exist_ok=True)
        return cls(course_dir, project, Path(release).expanduser().resolve(), source_dir.resolve(), settings)

    def config(self, **extra: dict) -> Config:
        """nbgrader configuration for this course: the loaded settings, where things are, then
        ``extra`` (per-class settings, e.g. ``GenerateFeedback={"preprocessors": [...]}``)."""
        cfg = copy.deepcopy(self.settings)
        cfg.CourseDirectory.root = str(self.course_dir)
        cfg.CourseDirectory.source_directory = str(self.source_dir)
        cfg.CourseDirectory.release_directory = str(self.release_dir)
        for section, values in extra.items():
            for key, value in values.items():
                setattr(getattr(cfg, section), key, value)
        return cfg

    @property
    def db_url(self) -> str:
        """The gradebook: ``CourseDirectory.db_url`` if configured, else nbgrader's default."""
        configured = self.settings.CourseDirectory.get("db_url")
        return configured or f"sqlite:///{self.course_dir / 'gradebook.db'}"

    @property
    def course_id(self) -> str:
        return str(self.settings.CourseDirectory.get("course_id") or "")

    def assignments(self) -> list[str]:
        """Assignment names found in the source folder."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.name for p in self.source_dir.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

    def check_assignment(self, assignment: str) -> None:
        if assignment not in self.assignments():
            raise CourseError(
                f"No assignment {assignment!r} in {self.source_dir}. "
                f"Known: {', '.join(self.assignments()) or 'none'}."
            )

    def check_grading_dir(self) -> None:
        """Refuse to keep grading data in the course repository (it could be committed)."""
        if _inside(self.course_dir, self.project):
            raise CourseError(
                f"{self.course_dir} is inside the course repository; grading data must not live "
                f"there. Run `mvs-course init {SUGGESTED_DIR}` and grade there (or pass --course-dir)."
            )

    def api(self, **extra: dict):
        """nbgrader's Python API (``NbGraderAPI``) on this course, ``extra`` as in :meth:`config`."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        ensure_venv_on_path()
        self.course_dir.mkdir(parents=True, exist_ok=True)
        cfg = self.config(**extra)
        coursedir = CourseDirectory(config=cfg)
        ensure_gradebook(coursedir.db_url)
        return NbGraderAPI(coursedir=coursedir, config=cfg)

    def gradebook(self):
        """The nbgrader gradebook of this course (use as a context manager); created if missing."""
        from nbgrader.api import Gradebook

        ensure_venv_on_path()
        self.course_dir.mkdir(parents=True, exist_ok=True)
        ensure_gradebook(self.db_url)
        return Gradebook(self.db_url, self.course_id)

    def has_gradebook(self) -> bool:
        url = self.db_url
        return not url.startswith("sqlite:///") or Path(url[len("sqlite:///") :]).is_file()

    def submissions(self, assignment: str) -> list[str]:
        """Student ids with a submission of ``assignment`` in submitted/."""
        base = self.course_dir / "submitted"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def resolve_course_dir(explicit: str | Path | None = None, cwd: Path | None = None) -> Path:
    """The course directory a command works in: ``explicit`` (``--course-dir``), else
    ``$MVS_COURSE_DIR``, else the current folder if ``mvs-course init`` made it."""
    here = (cwd or Path.cwd()).resolve()
    if explicit:
        folder = Path(explicit).expanduser()
    elif os.environ.get(COURSE_DIR_ENV):
        folder = Path(os.environ[COURSE_DIR_ENV]).expanduser()
    elif is_course_dir(here):
        folder = here
    else:
        raise CourseError(
            f"No course directory here. Run `mvs-course init {SUGGESTED_DIR}` and grade there "
            f"(or pass --course-dir DIR, or set {COURSE_DIR_ENV})."
        )
    folder = (here / folder).resolve()
    if not folder.is_dir():
        raise CourseError(f"No course directory at {folder}: run `mvs-course init {folder}` first.")
    if not (folder / CONFIG_FILE).is_file():
        raise CourseError(f"{folder} is not a course directory yet: run `mvs-course init {folder}` first.")
    return folder


def open_course(explicit: str | Path | None = None, cwd: Path | None = None) -> Course:
    """The course a grading command works on; refuses a course directory inside the project."""
    course = Course.open(resolve_course_dir(explicit, cwd))
    course.check_grading_dir()
    return course


def course_dir_config(project: Path) -> str:
    """The nbgrader_config.py of a course directory: it loads the project's settings and
    points at the project's source and release folders."""
    settings = load_config(None, project).CourseDirectory
    source = _absolute(settings.get("source_directory"), project) or project / "source"
    release = _absolute(settings.get("release_directory"), project) or project / "release"
    return f'''"""nbgrader settings of this course directory.

Every course setting lives in the course repository's nbgrader_config.py, loaded below;
this file says where the repository is. `mvs-course` and plain `nbgrader` commands run in
this folder see the same course, settings and gradebook. Settings for this class only
(an exchange, a database URL, ...) go at the end: they win over the repository's.
"""

{INIT_MARKER}
c = get_config()  # noqa: F821 (provided by traitlets)
load_subconfig({str(project / CONFIG_FILE)!r})  # noqa: F821
c.CourseDirectory.source_directory = {str(source)!r}
c.CourseDirectory.release_directory = {str(release)!r}
'''


def init(course_dir: Path | str, project: Path | None = None) -> Path:
    """Make ``course_dir`` a complete nbgrader course directory for ``project``; returns its
    nbgrader_config.py. Running it again updates that file; a foreign one is never replaced."""
    folder = Path(course_dir).expanduser().resolve()
    project = (project or find_project()).resolve()
    if _inside(folder, project):
        raise CourseError(
            f"{folder} is inside the course repository; grading data must not live there. "
            f"Choose a folder outside it, e.g. `mvs-course init {SUGGESTED_DIR}`."
        )
    path = folder / CONFIG_FILE
    if path.exists() and not is_course_dir(folder):
        raise CourseError(
            f"{path} exists and was not written by `mvs-course init`; move it away or choose another folder."
        )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(course_dir_config(project), encoding="utf-8")
    return path
