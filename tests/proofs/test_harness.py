"""The proof harness itself: submissions from mutants and alternatives are built as documented."""

from __future__ import annotations

import graded_classes
import pytest


def test_alternatives_are_combined_into_few_submissions(tmp_path, monkeypatch):
    (tmp_path / "01_buyer_vs_seller.py").write_text(
        'ALTERNATIVES = {"career": ["CAREER = 1", "CAREER = 2"], "aida": ["def aida_owner(s): ..."]}\n'
    )
    monkeypatch.setattr(graded_classes, "ALTERNATIVES_DIR", tmp_path)
    spec = graded_classes.describe("01_buyer_vs_seller")
    solution = spec.submissions["solution"]
    assert spec.submissions["alt-0"] == {**solution, "career": "CAREER = 1", "aida": "def aida_owner(s): ..."}
    assert spec.submissions["alt-1"] == {**solution, "career": "CAREER = 2"}
    assert "alt-2" not in spec.submissions
    assert spec.submissions["blank"] == {}
    assert {s for s in spec.submissions if s.startswith("mutant-")} == {f"mutant-{t}" for t in spec.points}
    assert spec.written == {"written_buyer_seller": 2.0}


def test_alternatives_must_name_answer_cells(tmp_path, monkeypatch):
    (tmp_path / "01_buyer_vs_seller.py").write_text('ALTERNATIVES = {"test_career": ["CAREER = 1"]}\n')
    monkeypatch.setattr(graded_classes, "ALTERNATIVES_DIR", tmp_path)
    with pytest.raises(AssertionError, match="test_career"):
        graded_classes.describe("01_buyer_vs_seller")


def test_filled_replaces_only_answer_cells():
    release = graded_classes.ROOT / "exercises" / "01_buyer_vs_seller" / "buyer_vs_seller.ipynb"
    nb = graded_classes.filled(release, {"career": "CAREER = {}", "test_career": "pass"})
    sources = {c.get("id"): c.source for c in nb.cells}
    assert sources["career"] == "CAREER = {}"
    assert sources["test_career"] != "pass", "a test cell is never replaced"
