"""Students' JupyterLab without the instructor's nbgrader tools (postBuild runs this on Binder or
in a JupyterHub image, after installing the course package).

    python -m mvs_course.student_lab              Binder, or any students' environment
    python -m mvs_course.student_lab --exchange   a JupyterHub running nbgrader's exchange

At the environment's level (``sys.prefix``), for every user:

1. disables and locks (so the Plugin Manager cannot turn them back on) the nbgrader parts
   students cannot use: Create Assignment, Formgrader, Course List and, with no nbgrader
   exchange, the Nbgrader menu and its Assignment List ("The exchange directory does not
   exist"); their server extensions are turned off. ``--exchange`` keeps (and unlocks, after an
   earlier run without it) the menu with only the Assignment List, to fetch and submit;
2. turns off JupyterLab's "get notified about Jupyter news?" question and its update checks.

Through JupyterLab's and Jupyter Server's own Python API, the calls behind ``jupyter labextension
disable|lock`` and ``jupyter server extension disable --sys-prefix``, in one process: each of
those commands took 4 s to start, half of it compiling a grammar no Jupyter schema uses (the
``rfc3987_syntax`` import skipped below, as ``mvs_course.lab`` does).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

LOCKED = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
)
SERVERS_OFF = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
# what fetching and submitting through an exchange needs
FETCHING = ("@jupyter/nbgrader:menu", "@jupyter/nbgrader:assignment-list")
FETCHING_SERVER = "nbgrader.server_extensions.assignment_list"
SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def plan(exchange: bool) -> dict[str, tuple[str, ...]]:
    """What to lock away and what to keep, with or without an nbgrader exchange."""
    if exchange:
        return {
            "locked": LOCKED,
            "servers_off": SERVERS_OFF,
            "kept": FETCHING,
            "servers_on": (FETCHING_SERVER,),
        }
    return {
        "locked": LOCKED + FETCHING,
        "servers_off": (*SERVERS_OFF, FETCHING_SERVER),
        "kept": (),
        "servers_on": (),
    }


def apply(exchange: bool) -> list[str]:
    """Set the environment's JupyterLab up for students; returns what was done, line by line."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from jupyter_server.extension.serverextension import toggle_server_extension_python
    from jupyterlab.commands import (
        disable_extension,
        enable_extension,
        get_app_dir,
        lock_extension,
        unlock_extension,
    )

    steps, done = plan(exchange), []

    def lab(names: tuple[str, ...], what: str, *calls) -> None:
        for name in names:
            for call in calls:
                call(name, level="sys_prefix")
            done.append(f"{what} {name}")

    def server(names: tuple[str, ...], enabled: bool) -> None:
        for name in names:
            toggle_server_extension_python(name, enabled=enabled, sys_prefix=True)
            done.append(f"server extension {'on' if enabled else 'off'}: {name}")

    lab(steps["kept"], "kept", unlock_extension, enable_extension)
    server(steps["servers_on"], True)
    lab(steps["locked"], "disabled and locked", disable_extension, lock_extension)
    server(steps["servers_off"], False)
    # settings every user starts from (overrides.d: one file per package, read by JupyterLab 4)
    overrides = Path(get_app_dir()) / "settings" / "overrides.d"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / "mvs-course.json").write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
    done.append(f"news and update checks off: {overrides / 'mvs-course.json'}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mvs_course.student_lab", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--exchange",
        action="store_true",
        help="a JupyterHub with nbgrader's exchange: keep the Assignment List",
    )
    args = parser.parse_args(argv)
    for line in apply(args.exchange):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
