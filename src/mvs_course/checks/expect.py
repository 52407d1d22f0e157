"""What the hidden tests call: ``expect`` and ``expect_raises``, one verdict for grader and learner.

A test cell of an assignment reads like this (the second call inside nbgrader's hidden-test
region, which the student's copy does not show)::

    leads = datasets.load("leads_bike_shop")
    expect(possible_sales(leads), 4, why="the visitors in leads_bike_shop")
    expect(possible_sales(leads.assign(has_problem=False)), 0, why="nobody with a problem")

``expect`` compares canonical forms (:mod:`mvs_course.checks.canonical`), so numbers of any
type, numpy bools, lists and tuples, and dicts in any order agree. Options state what the task
allows: ``any_order=True`` (a sequence whose order is not asked for), ``places=n`` (numbers
compared after rounding to ``n`` decimals), ``one_of=True`` (``expected`` is a list of
acceptable answers, for a tie the task leaves open). A failure raises
``AssertionError("Not yet right for <why>.")``: never the expected value.

The learner's ``check()`` runs the same statements with each hidden ``expected`` replaced by
:class:`Hashed` (salted hashes of its canonical forms), so check and grade agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .canonical import digest, form_of

__all__ = ["Hashed", "expect", "expect_raises", "failure"]


class Hashed:
    """An expected value known only by the salted hashes of its acceptable canonical forms."""

    def __init__(self, salt: str, hashes: Sequence[str]) -> None:
        self.salt, self.hashes = salt, frozenset(hashes)

    def __repr__(self) -> str:
        return "<expected value (hidden)>"


def failure(why: str) -> str:
    """The sentence a failed expectation gives."""
    return f"Not yet right for {why.strip().rstrip('.')}."


def expected_forms(expected: Any, *, one_of: bool = False, any_order: bool = False, places=None) -> list:
    """The canonical forms that count as right (several when ``one_of``)."""
    if one_of:
        if isinstance(expected, str) or not isinstance(expected, Sequence):
            raise TypeError("with one_of=True, expected must be a list of acceptable answers")
        options = list(expected)
    else:
        options = [expected]
    return [form_of(option, any_order=any_order, places=places) for option in options]


def expect(
    actual: Any,
    expected: Any,
    *,
    why: str,
    any_order: bool = False,
    places: int | None = None,
    one_of: bool = False,
) -> None:
    """Pass when ``actual`` equals ``expected`` under the task's rules; else AssertionError(why)."""
    if not isinstance(why, str) or not why.strip():
        raise TypeError("expect() needs why='<the case this checks, as the task states it>'")
    form = form_of(actual, any_order=any_order, places=places)
    if isinstance(expected, Hashed):
        right = digest(expected.salt, form) in expected.hashes
    else:
        right = form in expected_forms(expected, one_of=one_of, any_order=any_order, places=places)
    if not right:
        raise AssertionError(failure(why))


def expect_raises(
    exc_types: type[BaseException] | tuple[type[BaseException], ...],
    func: Callable[..., Any],
    *args: Any,
    why: str,
    **kwargs: Any,
) -> None:
    """Pass when ``func(*args, **kwargs)`` raises one of ``exc_types``; else AssertionError(why).

    Any other exception the call raises also fails with the same sentence.
    """
    if not isinstance(why, str) or not why.strip():
        raise TypeError("expect_raises() needs why='<the case this checks, as the task states it>'")
    try:
        func(*args, **kwargs)
    except exc_types:
        return
    except Exception:  # noqa: BLE001 - the wrong kind of error is a wrong answer, said the same way
        pass
    raise AssertionError(failure(why))
