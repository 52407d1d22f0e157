"""Every sorter a lesson offers has a key for each item and says 'All sorted' when all are right."""

from __future__ import annotations

import html
import importlib
import inspect
import pkgutil

import pytest

import mvs_course.lessons
from mvs_course.widgets import Sorter

MAKERS = [
    (f"{info.name}.{name}", fn)
    for info in pkgutil.iter_modules(mvs_course.lessons.__path__)
    for name, fn in inspect.getmembers(importlib.import_module(f"mvs_course.lessons.{info.name}"))
    if inspect.isfunction(fn)
    and fn.__module__ == f"mvs_course.lessons.{info.name}"
    and inspect.signature(fn).return_annotation in (Sorter, "Sorter")
    and not inspect.signature(fn).parameters
]


def test_every_lesson_sorter_is_found():
    assert len(MAKERS) >= 7, [name for name, _ in MAKERS]


@pytest.mark.parametrize("maker", [fn for _, fn in MAKERS], ids=[name for name, _ in MAKERS])
def test_sorter_accepts_its_own_key(maker):
    sorter = maker()
    assert isinstance(sorter, Sorter) and set(sorter.key) == set(sorter.items)
    first = next(iter(sorter.key))
    wrong = next(b for b in sorter.toggles[first].options if b != sorter.key[first])
    for item, box in sorter.key.items():
        sorter.toggles[item].value = box
    sorter.toggles[first].value = wrong
    sorter.check_button.click()
    assert "All sorted" not in html.unescape(sorter.feedback.value)
    sorter.toggles[first].value = sorter.key[first]
    sorter.check_button.click()
    assert "All sorted" in html.unescape(sorter.feedback.value)
