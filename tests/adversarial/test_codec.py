"""Values crossing the sandbox boundary come back as plain, trusted objects of the same type."""

from __future__ import annotations

import datetime
import decimal
import fractions
import json
import math
import time

import numpy as np
import pandas as pd
import pytest

from mvs_course.grading.sandbox.codec import Budget, CodecError, decode, encode


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -7,
        10**40,
        1.5,
        "ünï",
        b"\x00\xff",
        [1, "a"],
        (1, (2, 3)),
        {1, 2},
        frozenset("ab"),
    ],
    ids=lambda v: type(v).__name__,  # stable across processes (set order is not), for xdist
)
def test_plain_values_roundtrip_with_their_type(value):
    back = roundtrip(value)
    assert back == value and type(back) is type(value)


def test_dicts_keep_non_string_keys_and_special_floats():
    back = roundtrip({1: "a", (2, 3): [math.inf], None: -math.inf, "x": math.nan})
    assert back[1] == "a" and back[(2, 3)] == [math.inf] and back[None] == -math.inf
    assert math.isnan(back["x"])


def test_bools_stay_singletons_so_is_checks_work():
    assert roundtrip({"ana": True})["ana"] is True


@pytest.mark.parametrize("value", [np.int64(4), np.float64(0.5), np.bool_(True), np.int32(-2)], ids=repr)
def test_numpy_scalars_keep_their_dtype(value):
    back = roundtrip(value)
    assert back == value and type(back) is type(value)
    assert not isinstance(roundtrip(np.int64(4)), int)  # as in a kernel: np.int64 is not an int


def test_dataframes_and_series_roundtrip():
    frame = pd.DataFrame(
        {"customer": ["ana", "bram"], "day": [1, 5], "ok": [True, False], "score": [0.5, float("nan")]},
        index=pd.Index([10, 20], name="row"),
    )
    pd.testing.assert_frame_equal(roundtrip(frame), frame)
    series = pd.Series([1, 2], index=["a", "b"], name="n")
    pd.testing.assert_series_equal(roundtrip(series), series)


def test_numpy_arrays_and_index_roundtrip():
    for array in (np.array([1, 2, 3]), np.array([[1.5, 2.0], [3.0, 4.0]]), np.array([True, False])):
        back = roundtrip(array)
        assert back.dtype == array.dtype and (back == array).all() and back.shape == array.shape
    assert list(roundtrip(np.array(["a", "b"]))) == ["a", "b"]
    index = pd.Index(["x", "y"], name="n")
    pd.testing.assert_index_equal(roundtrip(index), index)


@pytest.mark.parametrize(
    "value",
    [
        np.str_("Search"),  # numpy's argmax of a string array (alternative answers return it)
        decimal.Decimal("1.10"),
        fractions.Fraction(1, 3),
        datetime.date(2026, 12, 2),
        datetime.timedelta(days=3),
        pd.Timedelta("1D"),
        pd.Period("2026Q1"),
        np.datetime64("2026-01-02"),
        np.timedelta64(3, "D"),
    ],
    ids=lambda v: type(v).__name__,
)
def test_other_numbers_strings_and_dates_cross_as_values(value):
    assert roundtrip(value) == value


def test_period_and_date_columns_keep_their_dtype():
    """An answer may group by quarter with ``dt.to_period("Q")`` (tests/alternatives)."""
    dates = pd.to_datetime(pd.Series(["2026-01-05", "2026-04-02"]))
    frame = pd.DataFrame({"seller": ["a", "b"], "quarter": dates.dt.to_period("Q"), "day": dates})
    pd.testing.assert_frame_equal(roundtrip(frame), frame)
    days = np.array(["2026-01-02", "2026-03-04"], dtype="datetime64[D]")
    assert (roundtrip(days) == days).all() and roundtrip(days).dtype == days.dtype


def test_a_dict_of_keys_that_hash_alike_stops_at_the_time_budget():
    """100 000 int keys with one hash would take minutes to rebuild; the budget stops it."""
    same_hash = (1 << 61) - 1  # hash(k * same_hash) == 0 for every k
    pairs = [[encode(k * same_hash), encode(k)] for k in range(1, 100_001)]  # as the worker sends it
    tree = {"t": "dict", "v": pairs}
    started = time.monotonic()
    with pytest.raises(CodecError, match="too long"):
        decode(tree, budget=Budget(seconds=1.0))
    assert time.monotonic() - started < 10


def test_values_larger_than_the_budget_are_refused():
    with pytest.raises(CodecError, match="too large"):
        decode(encode(list(range(1000))), budget=Budget(nodes=100))


def test_subclasses_with_magic_comparisons_come_back_plain():
    class Anything(dict):
        def __eq__(self, other):
            return True

    back = roundtrip(Anything(a=1))
    assert type(back) is dict and back != {"b": 2}


@pytest.mark.parametrize("value", [len, object(), iter([1]), type], ids=["builtin", "object", "iter", "type"])
def test_code_and_objects_cannot_cross(value):
    with pytest.raises(CodecError):
        encode(value)


@pytest.mark.parametrize(
    "tree",
    [
        {"t": "pickle", "v": "x"},
        {"t": "str", "v": 3},
        {"t": "dict", "v": [[1]]},
        [],
        {"v": 1},
        {"t": "np", "dtype": "object", "v": {"t": "none"}},
    ],
    ids=str,
)
def test_malformed_trees_are_refused(tree):
    with pytest.raises(CodecError):
        decode(tree)


def test_deep_nesting_is_refused():
    tree = {"t": "none"}
    for _ in range(200):
        tree = {"t": "list", "v": [tree]}
    with pytest.raises(CodecError):
        decode(tree)


def test_answer_names_are_what_solution_cells_define():
    from mvs_course.grading.sandbox.preprocessor import answer_names

    def cell(source, solution=True):
        return {"solution": solution, "cell_type": "code", "source": source}

    sources = {
        "a": cell("### BEGIN SOLUTION\nCAREER = {}\ndef max(x):\n    return 1\n### END SOLUTION"),
        "b": cell("x: int = 3\ny += 1\nclass K:\n    pass"),
        "setup": cell("import pandas as pd\nleads = 1", solution=False),
    }
    assert answer_names(sources) == {"CAREER", "max", "x", "y", "K"}


def test_banner_names_the_level():
    from mvs_course.grading.sandbox import banner, isolation_level

    text = banner()
    assert isolation_level() in text
    if isolation_level() == "rlimits":
        assert "WARNING" in text
