"""The claims table, once: every claim the course teaches, from ``data/claims.csv``.

One row per claim of the five articles (``claim`` is ``<article>/<key>``, the tag
``claim:<article>/<key>`` marks the cells that teach or test it); ``statement`` is the
claim in our English words, ``summary`` a shorter form, and the other columns place it for
lesson 6 (see ``data/README.md``). Lessons, assignments, checks, reports and tests read it
from here.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def rows() -> tuple[dict[str, str], ...]:
    """Every claim as a dict of strings, in checklist order (no pandas: quick to import)."""
    path = resources.files("mvs_course.data") / "claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(dict(row) for row in csv.DictReader(handle))


def keys(article: str | None = None) -> list[str]:
    """Claim ids ``<article>/<key>``, all or those of one article (``"000"`` to ``"004"``)."""
    return [r["claim"] for r in rows() if article in (None, r["article"])]


def statement(claim: str) -> str:
    """The claim in our words; KeyError for an unknown claim id."""
    for row in rows():
        if row["claim"] == claim:
            return row["statement"]
    raise KeyError(claim)
