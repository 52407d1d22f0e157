#!/usr/bin/env python3
"""Moved to :mod:`mvs_course.authoring.nav` (``mvs-course build`` runs it).

This shim keeps the old names (``lessons()``, ``render()``, ``COURSE``, ``START``) for the
callers that still import it; delete it once they use ``mvs_course.authoring.nav.update``.

    python tools/course_nav.py [--check]   same as python -m mvs_course.authoring.nav [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from mvs_course.authoring import nav

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
START = COURSE / nav.START_NAME


def lessons() -> list[nav.Lesson]:
    return nav.lessons(ROOT, COURSE)


def render() -> dict[Path, str]:
    return nav.render(ROOT, COURSE)


if __name__ == "__main__":
    sys.exit(nav.main([*sys.argv[1:], str(ROOT)]))
