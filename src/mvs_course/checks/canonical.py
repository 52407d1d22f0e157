"""Canonical forms of Python results, so equal answers hash equally whatever their type details.

``canonical`` turns a value into plain JSON data: numbers of any type become one form
(``600``, ``600.0`` and ``numpy.int64(600)`` agree), dict order does not matter, a
DataFrame becomes its columns, index and cell values. ``digest`` hashes that form with a salt.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

Canonical = Any  # nested lists of str / float / bool / None, JSON-serialisable


def _number(value: float) -> list:
    value = float(value)
    if math.isnan(value):
        return ["nan"]
    if math.isinf(value):
        return ["inf", value > 0]
    return ["num", format(value, ".10g")]


def _sorted(items: list[Canonical]) -> list[Canonical]:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def canonical(value: object) -> Canonical:
    """A JSON-ready form of ``value``; equal values in the sense of the hidden tests agree."""
    if value is None:
        return ["none"]
    if isinstance(value, bool | np.bool_):
        return ["bool", bool(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, int | float) or hasattr(value, "dtype") and getattr(value, "ndim", None) == 0:
        try:
            return _number(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
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
    if isinstance(value, list | tuple | range):
        return ["seq", [canonical(v) for v in value]]
    if hasattr(value, "tolist"):  # numpy arrays
        return canonical(value.tolist())
    return ["repr", type(value).__name__, repr(value)]


def raised(error: BaseException) -> Canonical:
    """The canonical form of 'the probe raised this kind of error'."""
    return ["raises", type(error).__name__]


def digest(salt: str, form: Canonical) -> str:
    """Salted SHA-256 of a canonical form."""
    text = json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{salt}\n{text}".encode()).hexdigest()
