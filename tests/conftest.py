"""Shared fixtures: the project paths; the graded classes live in tests/fixtures/."""

from __future__ import annotations

from fixtures.graded import ASSIGNMENTS, ROOT, graded  # noqa: F401 (fixtures used by several tests)
