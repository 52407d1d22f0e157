"""Try-it exercises: registered answers are compared by value, and the learner hears why not."""

from __future__ import annotations

import numpy as np

from mvs_course.lessons import tryit


def test_check_compares_values_not_types(capsys):
    tryit.register("test-sum", lambda: {"a": 3, "b": 4.0}, hint="add them up")
    assert tryit.check("test-sum", {"b": np.int64(4), "a": 3.0})
    assert not tryit.check("test-sum", {"a": 3, "b": 5})
    out = capsys.readouterr().out
    assert "Right." in out and "Not yet. Hint: add them up" in out


def test_unordered_lists_and_placeholders(capsys):
    tryit.register("test-list", lambda: ["x", "y"], hint="h", unordered=True)
    assert tryit.check("test-list", ("y", "x"))
    assert not tryit.check("test-list", ...)
    assert not tryit.check("no-such-exercise", 1)
    out = capsys.readouterr().out
    assert "replace `...`" in out and "no Try-it exercise" in out
