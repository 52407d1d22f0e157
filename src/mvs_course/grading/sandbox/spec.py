"""What a course's sandbox workers start with, read from nbgrader settings without importing
nbgrader (``grade`` starts the warm parents while nbgrader is still being imported).

The *spec* is a plain dict: the isolation level, the limits, the paths student code must not
see, and the modules the warm parent imports. ``SandboxedExecute.spec`` builds it from its
traits; :func:`configured_spec` from the ``SandboxedExecute`` section of a traitlets Config.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import isolation

DEFAULT_LIMITS = {
    "cpu_seconds": 60,  # CPU time per worker
    "memory_bytes": 1 << 30,  # address space on top of the warm parent's
    "processes": 32,  # processes of the sandbox user
    "file_bytes": 16 << 20,  # largest file the student may write
    "output_bytes": 100_000,  # characters of output kept per cell (text, tables, images)
    "notebook_output_bytes": 2_000_000,  # characters of output kept per notebook
    "value_nodes": 2_000_000,  # parts of one value the grader rebuilds (items, characters / 64)
    "tmp_bytes": 64 << 20,  # private /tmp size
    "total_seconds": 300,  # wall-clock budget of one submission
    "restarts": 2,  # fresh workers after a kill (earlier cells are replayed)
}
SECTION = "SandboxedExecute"  # the config section of the nbgrader step


def _root(config: Any) -> Path:
    return Path(str(config.CourseDirectory.get("root", "")) or os.getcwd())


def hidden_paths(config: Any, db_url: str, extra: list[str]) -> tuple[list[str], list[str]]:
    """Folders and files of the course that student code must not see: nbgrader's folders,
    the exchange, the gradebook and log, and ``extra`` (``SandboxedExecute.hide_paths``)."""
    cd = config.CourseDirectory
    root = _root(config)
    defaults = {
        "submitted_directory": "submitted",
        "autograded_directory": "autograded",
        "feedback_directory": "feedback",
        "source_directory": "source",
    }
    dirs = [str(root / str(cd.get(name, "") or default)) for name, default in defaults.items()]
    dirs.append(str(root / "release"))
    dirs.append(str(config.get("Exchange", {}).get("root", "") or "/srv/nbgrader/exchange"))
    files = [str(root / "gradebook.db"), str(root / ".nbgrader.log")]
    if db_url.startswith("sqlite:///"):
        files.append(db_url[len("sqlite:///") :])
    for path in extra:
        (dirs if os.path.isdir(path) else files).append(path)
    return sorted(set(dirs)), sorted(set(files))


def private_roots(config: Any) -> list[str]:
    """The course folder and the project holding the source folder (with its .git)."""
    root = _root(config)
    source = Path(str(config.CourseDirectory.get("source_directory", "") or "source"))
    source = source if source.is_absolute() else root / source
    return sorted({str(root), str(source.parent)})


def worker_spec(
    config: Any,
    db_url: str,
    level: str | None = None,
    *,
    limits: dict | None = None,
    hide_paths: list[str] | None = None,
    preload: list[str] | None = None,
) -> dict:
    """The spec of the workers grading the course ``config`` describes."""
    merged = {**DEFAULT_LIMITS, **(limits or {})}
    spec = {"level": level or isolation.isolation_level(), **merged, "output_cap": merged["output_bytes"]}
    spec["hide_dirs"], spec["hide_files"] = hidden_paths(config, db_url, list(hide_paths or []))
    spec["private_roots"] = private_roots(config)
    spec["preload"] = list(preload or [])
    return spec


def configured_spec(config: Any, db_url: str, level: str | None = None) -> dict:
    """:func:`worker_spec` with the values set in the config's ``SandboxedExecute`` section
    (what ``SandboxedExecute.spec`` returns when no subclass changes them)."""
    section = config.get(SECTION, {})
    return worker_spec(
        config,
        db_url,
        level,
        limits=dict(section.get("limits", {}) or {}),
        hide_paths=list(section.get("hide_paths", []) or []),
        preload=list(section.get("preload", []) or []),
    )
