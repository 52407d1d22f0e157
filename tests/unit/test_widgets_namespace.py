"""mvs_course.widgets imports its submodules on first use and still offers every name."""

from __future__ import annotations

import importlib

import pytest

import mvs_course.widgets as package


@pytest.mark.parametrize("name", package.__all__)
def test_every_public_name_resolves_to_its_definition(name):
    value = getattr(package, name)
    module = importlib.import_module(value.__module__)
    assert module.__name__.startswith("mvs_course.widgets."), value
    assert getattr(module, name) is value


def test_names_are_listed_and_unknown_names_fail_plainly():
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'no_such_widget'"):
        package.no_such_widget  # noqa: B018
