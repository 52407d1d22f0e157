"""The instructor's cells are read from the gradebook once per grading process, not twice per
submission, and only where ``grade`` asks for it (its workers); each caller gets its own copy."""

from __future__ import annotations

import pytest

from mvs_course.grading.sandbox import preprocessor


@pytest.fixture
def reads(monkeypatch):
    seen = []

    def read(db_url, notebook, assignment):
        seen.append((db_url, notebook, assignment))
        return {"answer": {"source": f"x = {len(seen)}", "position": 0}}

    monkeypatch.setattr(preprocessor, "_read_source_cells", read)
    monkeypatch.setattr(preprocessor, "_KEPT", None)
    return seen


def test_read_every_time_unless_kept(reads):
    preprocessor.source_cells("sqlite:///a.db", "n.ipynb", "a1")
    second = preprocessor.source_cells("sqlite:///a.db", "n.ipynb", "a1")
    assert len(reads) == 2 and second["answer"]["source"] == "x = 2"


def test_kept_cells_are_read_once_per_notebook_and_copied(reads):
    preprocessor.keep_source_cells()
    first = preprocessor.source_cells("sqlite:///a.db", "n.ipynb", "a1")
    first["answer"]["source"] = "changed by a caller"
    again = preprocessor.source_cells("sqlite:///a.db", "n.ipynb", "a1")
    other = preprocessor.source_cells("sqlite:///a.db", "m.ipynb", "a1")
    assert reads == [("sqlite:///a.db", "n.ipynb", "a1"), ("sqlite:///a.db", "m.ipynb", "a1")]
    assert again["answer"]["source"] == "x = 1" and other["answer"]["source"] == "x = 2"
    preprocessor.keep_source_cells()  # a new grading run reads afresh
    preprocessor.source_cells("sqlite:///a.db", "n.ipynb", "a1")
    assert len(reads) == 3
