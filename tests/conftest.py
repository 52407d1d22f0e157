"""Shared fixtures: the project paths; the graded classes live in tests/fixtures/."""

from __future__ import annotations

import pytest
from fixtures.graded import ASSIGNMENTS, ROOT, graded  # noqa: F401 (fixtures used by several tests)


@pytest.fixture(autouse=True)
def _private_notes(tmp_path, monkeypatch):
    """Lesson notepads write to a temporary file, never to the tester's home."""
    monkeypatch.setenv("MVS_NOTES_FILE", str(tmp_path / "notes.json"))
