"""expect / expect_raises and canonical forms: reasonable correct forms agree, wrong ones never
do, and a failure says which case failed without the expected value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mvs_course.checks.canonical import canonical, digest, form_of, normalize, raised
from mvs_course.checks.expect import Hashed, expect, expect_raises, expected_forms, failure


def test_numbers_agree_across_types_but_not_with_bools():
    assert canonical(600) == canonical(600.0) == canonical(np.int64(600)) == canonical(np.float32(600))
    assert canonical(True) != canonical(1)
    assert canonical(np.bool_(True)) == canonical(True)
    assert canonical(0.1 + 0.2) == canonical(0.3)
    assert canonical(13800.000000000002) == canonical(13800)
    assert canonical(0.001) != canonical(0.002)
    assert canonical(10**14 + 1) != canonical(10**14)


def test_missing_values_agree_and_differ_from_zero():
    assert canonical(None) == canonical(float("nan")) == canonical(pd.NA) == canonical(np.nan)
    assert canonical(None) != canonical(0) and canonical(None) != canonical("")


def test_sequences_containers_and_frames():
    assert (
        canonical([1, 2]) == canonical((1, 2)) == canonical(np.array([1, 2])) == canonical(pd.Index([1, 2]))
    )
    assert canonical([1, 2]) != canonical([2, 1])
    assert canonical({"a": 1, "b": 2}.keys()) == canonical(["a", "b"])
    assert canonical({"a": 1, "b": 2}) == canonical({"b": 2, "a": 1})
    assert canonical({1, 2}) == canonical({2, 1})
    assert canonical({np.int64(1): "x"}) == canonical({1: "x"})
    df = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    assert canonical(df) == canonical(df.copy()) == canonical(df.astype({"x": float}))
    assert canonical(df) != canonical(df.assign(x=[1, 3]))
    assert canonical(df) != canonical(df[["y", "x"]]), "column order is part of a frame"
    assert canonical(df["x"]) != canonical(df["x"] * 2)
    assert canonical(df["x"]) != canonical([1, 2]), "a Series keeps its index"


def test_rules_any_order_and_places():
    assert normalize(canonical([2, 1]), any_order=True) == normalize(canonical([1, 2]), any_order=True)
    assert form_of(0.3333333, places=2) == form_of(0.33, places=2)
    assert form_of(0.336, places=2) != form_of(0.33, places=2)
    assert form_of({"a": [0.125001]}, places=3) == form_of({"a": [0.125]}, places=3)
    rows = pd.DataFrame({"v": [2, 1]}, index=["b", "a"])
    assert form_of(rows, any_order=True) == form_of(rows.sort_index(), any_order=True)


@pytest.mark.parametrize(
    ("actual", "expected", "rules"),
    [
        (np.int64(4), 4, {}),
        (4.0, 4, {}),
        (np.bool_(True), True, {}),
        ((1, 2), [1, 2], {}),
        ({"b": 0.5, "a": np.float64(1.0)}, {"a": 1, "b": 0.5}, {}),
        ([3, 1, 2], [1, 2, 3], {"any_order": True}),
        (0.33333, 0.33, {"places": 2}),
        ("b", ["a", "b"], {"one_of": True}),
        (None, None, {}),
        (np.nan, None, {}),
    ],
)
def test_expect_accepts_every_reasonable_form(actual, expected, rules):
    expect(actual, expected, why="a case", **rules)
    forms = expected_forms(expected, **rules)
    expect(actual, Hashed("salt", [digest("salt", f) for f in forms]), why="a case", **rules)


@pytest.mark.parametrize(
    ("actual", "expected", "rules"),
    [
        (5, 4, {}),
        (1, True, {}),
        ([2, 1], [1, 2], {}),
        (0.34, 0.33, {"places": 2}),
        ("c", ["a", "b"], {"one_of": True}),
        ({"a": 1}, {"a": 1, "b": 2}, {}),
        ("4", 4, {}),
    ],
)
def test_expect_rejects_wrong_answers_with_the_why_only(actual, expected, rules):
    secret = "a-secret-expected-value"
    with pytest.raises(AssertionError) as caught:
        expect(actual, expected, why="a customer with no activity", **rules)
    assert str(caught.value) == "Not yet right for a customer with no activity."
    hashed = Hashed("salt", [digest("salt", f) for f in expected_forms(expected, **rules)])
    with pytest.raises(AssertionError) as caught:
        expect(actual, hashed, why="a customer with no activity", **rules)
    assert str(caught.value) == "Not yet right for a customer with no activity."
    with pytest.raises(AssertionError) as caught:
        expect("x", secret, why="a tie")
    assert secret not in str(caught.value) and "a tie" in str(caught.value)


def test_hashed_depends_on_salt_and_never_shows_the_value():
    form = canonical(42)
    assert digest("s", form) != digest("t", form)
    assert "42" not in repr(Hashed("s", [digest("s", form)]))
    with pytest.raises(AssertionError):
        expect(42, Hashed("t", [digest("s", form)]), why="another salt")


def test_expect_needs_a_why():
    with pytest.raises(TypeError, match="why="):
        expect(1, 1, why="  ")


def test_expect_raises():
    def strict(stage):
        if stage != "ok":
            raise ValueError(stage)
        return stage

    class StageError(ValueError):
        pass

    def subclassed(stage):
        raise StageError(stage)

    expect_raises(ValueError, strict, "nope", why="an unknown stage")
    expect_raises(ValueError, subclassed, "nope", why="an unknown stage")
    with pytest.raises(AssertionError, match="^Not yet right for an unknown stage.$"):
        expect_raises(ValueError, strict, "ok", why="an unknown stage")
    with pytest.raises(AssertionError, match="^Not yet right for an unknown stage.$"):
        expect_raises(ValueError, lambda stage: {}[stage], "nope", why="an unknown stage")


def test_failure_sentence():
    assert failure("a tie.") == "Not yet right for a tie."
    assert raised(KeyError()) != raised(ValueError())


def test_the_learner_side_package_names_no_marker():
    """The student edition ships mvs_course.checks; a marker in it would stop the edition."""
    from pathlib import Path

    from mvs_course import nbmeta

    folder = Path(__file__).resolve().parents[2] / "src" / "mvs_course" / "checks"
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".json"):
            assert nbmeta.leak_markers_in(path.read_text(encoding="utf-8")) == [], path.name


def test_fractions_and_decimals_are_numbers():
    from decimal import Decimal
    from fractions import Fraction

    from mvs_course.checks import expect

    expect(Fraction(5, 8), 0.625, why="a share")
    expect(Decimal("0.625"), 5 / 8, why="a share")
    expect({"sales": Fraction(5, 8)}, {"sales": 0.625}, why="a share")
