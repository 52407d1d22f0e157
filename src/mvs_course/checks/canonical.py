"""Canonical forms of Python results, so equal answers compare (and hash) equally whatever
their type details.

``canonical`` turns a value into plain JSON data. Numbers of any type become one form
(``600``, ``600.0`` and ``numpy.int64(600)`` agree, and so do ``0.1 + 0.2`` and ``0.3``),
``numpy.bool_`` is a bool, a missing value is missing whether it is ``None``, ``NaN`` or
``pd.NA``, lists and tuples are both sequences, dict and set order never matters, a
DataFrame becomes its columns, index and cell values. ``normalize`` applies what a task
allows on top (any order, a stated rounding). ``digest`` hashes a form with a salt.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import numbers
from collections.abc import ItemsView, KeysView, Mapping, ValuesView
from typing import Any

Canonical = Any  # nested lists of str / bool / None, JSON-serialisable

_SIGNIFICANT = ".12g"  # digits kept of a non-whole number: hides float noise, keeps real differences


def _number(value: float) -> list:
    value = float(value)
    if math.isnan(value):
        return ["missing"]
    if math.isinf(value):
        return ["inf", value > 0]
    if value.is_integer() and abs(value) < 1e15:
        return ["num", str(int(value))]
    return ["num", format(value, _SIGNIFICANT)]


def _key(item: Canonical) -> str:
    return json.dumps(item, sort_keys=True)


def _sorted(items: list[Canonical]) -> list[Canonical]:
    return sorted(items, key=_key)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas ships with the course
        return False


def canonical(value: object) -> Canonical:
    """A JSON-ready form of ``value``; values a task would call equal get equal forms."""
    if _is_missing(value):
        return ["missing"]
    import numpy as np
    import pandas as pd

    if isinstance(value, bool | np.bool_):
        return ["bool", bool(value)]
    if isinstance(value, str):
        return ["str", str(value)]
    if isinstance(value, int | float | np.number | numbers.Real | decimal.Decimal):
        try:  # Fraction and Decimal are numbers too
            return _number(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return ["str", str(value)]
    if isinstance(value, pd.Timestamp | dt.date | np.datetime64):
        return ["time", str(pd.Timestamp(value))]
    if isinstance(value, pd.Period):
        return ["str", str(value)]
    if isinstance(value, pd.DataFrame):
        return [
            "frame",
            [canonical(c) for c in value.columns],
            [canonical(i) for i in value.index],
            [[canonical(v) for v in row] for row in value.itertuples(index=False, name=None)],
        ]
    if isinstance(value, pd.Series):
        return ["series", [canonical(i) for i in value.index], [canonical(v) for v in value.tolist()]]
    if isinstance(value, Mapping):
        return ["dict", _sorted([[canonical(k), canonical(v)] for k, v in value.items()])]
    if isinstance(value, set | frozenset):
        return ["set", _sorted([canonical(v) for v in value])]
    if isinstance(value, list | tuple | range | KeysView | ValuesView | ItemsView):
        return ["seq", [canonical(v) for v in value]]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy arrays and scalars, pandas Index
        return canonical(value.tolist())
    return ["repr", type(value).__name__, repr(value)]


def _round(form: Canonical, places: int) -> Canonical:
    if not isinstance(form, list) or not form:
        return form
    if form[0] == "num":
        return _number(round(float(form[1]), places))
    return [_round(part, places) for part in form]


def normalize(form: Canonical, *, any_order: bool = False, places: int | None = None) -> Canonical:
    """``form`` with a task's allowances applied: numbers rounded to ``places`` decimals, and a
    sequence's (or a frame's rows') order ignored when ``any_order``."""
    if places is not None:
        form = _round(form, int(places))
    if any_order and isinstance(form, list) and form:
        if form[0] == "seq":
            form = ["seq", _sorted(form[1])]
        elif form[0] == "frame":
            rows = _sorted([[i, row] for i, row in zip(form[2], form[3], strict=True)])
            form = ["frame", form[1], [r[0] for r in rows], [r[1] for r in rows]]
        elif form[0] == "series":
            pairs = _sorted([[i, v] for i, v in zip(form[1], form[2], strict=True)])
            form = ["series", [p[0] for p in pairs], [p[1] for p in pairs]]
    return form


def form_of(value: object, *, any_order: bool = False, places: int | None = None) -> Canonical:
    """``normalize(canonical(value), ...)``: the form ``expect`` compares."""
    return normalize(canonical(value), any_order=any_order, places=places)


def raised(error: BaseException) -> Canonical:
    """The canonical form of 'this raised that kind of error'."""
    return ["raises", type(error).__name__]


def digest(salt: str, form: Canonical) -> str:
    """Salted SHA-256 of a canonical form."""
    text = json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{salt}\n{text}".encode()).hexdigest()
