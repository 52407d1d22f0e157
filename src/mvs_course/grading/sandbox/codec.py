"""Type-tagged JSON for values crossing the sandbox boundary (no pickle, nothing executable).

``encode`` turns plain data, numpy scalars and pandas objects into JSON-ready tagged trees;
``decode`` rebuilds fresh, trusted objects of exactly those types. The decoder never calls
anything named by the data beyond a fixed set of constructors.
"""

from __future__ import annotations

import json
import math
import re
import socket
import struct
import time
from typing import Any

MAX_DEPTH = 60
MAX_MESSAGE = 32 * 1024 * 1024  # bytes of one framed message


class CodecError(ValueError):
    """A value cannot be sent across the sandbox boundary, or a message is malformed."""


def _float(x: float) -> Any:
    return x if math.isfinite(x) else repr(x)


class Budget:
    """What rebuilding one value may cost the grader: a number of parts and a deadline.

    Every part decoded (an item, a key, a column cell, 64 characters of a string) is charged;
    the clock is read at every part, so a dict of keys that all hash alike (each insert slower
    than the last) stops at the deadline instead of holding the grader for minutes."""

    def __init__(self, nodes: int = 2_000_000, seconds: float = 10.0, deadline: float | None = None) -> None:
        self.nodes = int(nodes)
        self.deadline = time.monotonic() + seconds if deadline is None else float(deadline)

    def spend(self, n: int = 1) -> None:
        self.nodes -= n
        if self.nodes < 0:
            raise CodecError("the value is too large for the grader to check")
        if time.monotonic() > self.deadline:
            raise CodecError("the value took too long for the grader to rebuild")


class Ref:
    """A grader-side stand-in for a name that lives in the student's worker."""

    name: str


def encode(value: Any, depth: int = 0) -> dict:
    """A tagged JSON tree for ``value``; CodecError for types the grader cannot check."""
    if depth > MAX_DEPTH:
        raise CodecError("value nested too deeply")
    if isinstance(value, Ref):
        return {"t": "ref", "name": value.name}
    d = depth + 1
    if type(value).__module__ == "numpy":  # before float: np.float64 subclasses float
        return _encode_library(value, d)
    if value is None:
        return {"t": "none"}
    if isinstance(value, bool):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, int):
        return {"t": "int", "v": str(int(value))}
    if isinstance(value, float):
        return {"t": "float", "v": _float(float(value))}
    if isinstance(value, complex):
        return {"t": "complex", "v": [_float(value.real), _float(value.imag)]}
    if isinstance(value, str):
        return {"t": "str", "v": str(value)}
    if isinstance(value, bytes | bytearray):
        return {"t": "bytes", "v": bytes(value).hex()}
    if isinstance(value, list):
        return {"t": "list", "v": [encode(x, d) for x in value]}
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [encode(x, d) for x in value]}
    if isinstance(value, frozenset):
        return {"t": "frozenset", "v": [encode(x, d) for x in value]}
    if isinstance(value, set):
        return {"t": "set", "v": [encode(x, d) for x in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode(k, d), encode(v, d)] for k, v in value.items()]}
    return _encode_other(value, d)


def _encode_other(value: Any, depth: int) -> dict:
    """Numbers and dates of the standard library, then numpy and pandas."""
    import datetime
    import decimal
    import fractions

    if isinstance(value, decimal.Decimal):
        return {"t": "decimal", "v": str(value)}
    if isinstance(value, fractions.Fraction):
        return {"t": "fraction", "v": [str(value.numerator), str(value.denominator)]}
    if type(value) in (datetime.datetime, datetime.date, datetime.time):
        return {"t": type(value).__name__, "v": value.isoformat()}
    if type(value) is datetime.timedelta:
        return {"t": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    return _encode_library(value, depth)


def _encode_library(value: Any, depth: int) -> dict:
    import sys

    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if pd is not None:
        if isinstance(value, pd.DataFrame):
            return {
                "t": "df",
                "columns": encode(list(value.columns), depth),
                "index": _encode_index(value.index, depth),
                "data": [_encode_column(value.iloc[:, i], depth) for i in range(value.shape[1])],
            }
        if isinstance(value, pd.Series):
            return {
                "t": "series",
                "name": encode(value.name, depth),
                "index": _encode_index(value.index, depth),
                "data": _encode_column(value, depth),
            }
        if isinstance(value, pd.Index) and not isinstance(value, pd.MultiIndex):
            return {"t": "index", **_encode_index(value, depth)}
        if isinstance(value, pd.Timestamp):
            return {"t": "timestamp", "v": value.isoformat()}
        if isinstance(value, pd.Timedelta):
            return {"t": "pdtimedelta", "v": str(value.value)}
        if isinstance(value, pd.Period):
            return {"t": "period", "v": str(value), "freq": str(value.freqstr)}
        if value is pd.NA:
            return {"t": "pdna"}
    if np is not None and isinstance(value, np.generic):
        if isinstance(value, np.datetime64 | np.timedelta64):  # before integer: timedelta64 is one
            return {"t": "npdate", "dtype": str(value.dtype), "v": str(value.astype("int64"))}
        if isinstance(value, np.bool_ | np.integer | np.floating):
            return {"t": "np", "dtype": str(value.dtype), "v": encode(value.item(), depth)}
        if isinstance(value, np.str_ | np.bytes_ | np.complexfloating):  # as the plain type
            return encode(value.item(), depth)
    if np is not None and isinstance(value, np.ndarray):
        dtype = "str" if value.dtype.kind == "U" else str(value.dtype)
        if (dtype not in _DTYPES and not _DATE_DTYPE.match(dtype)) or value.ndim > 8:
            raise CodecError(f"a numpy array of {value.dtype} cannot be checked by the grader")
        return {
            "t": "ndarray",
            "dtype": dtype,
            "shape": [int(n) for n in value.shape],
            "v": [encode(x, depth) for x in value.ravel().tolist()],
        }
    raise CodecError(f"a value of type {type(value).__name__} cannot be checked by the grader")


def _encode_column(series: Any, depth: int) -> dict:
    return {"dtype": str(series.dtype), "v": [encode(x, depth) for x in series.tolist()]}


def _encode_index(index: Any, depth: int) -> dict:
    return {"name": encode(index.name, depth), **_encode_column(index.to_series(), depth)}


def decode(tree: Any, depth: int = 0, budget: Budget | None = None) -> Any:
    """Rebuild a value from ``encode``'s output; CodecError on anything unexpected, or when
    rebuilding it would cost more than ``budget`` (default: a fresh one)."""
    return _decode(tree, depth, budget if budget is not None else Budget())


def _decode(tree: Any, depth: int, budget: Budget) -> Any:
    if depth > MAX_DEPTH:
        raise CodecError("value nested too deeply")
    if not isinstance(tree, dict) or not isinstance(tree.get("t"), str):
        raise CodecError("malformed value")
    budget.spend()
    d = depth + 1
    t, v = tree["t"], tree.get("v")
    try:
        if t == "none":
            return None
        if t == "bool":
            return v is True
        if t == "int":
            budget.spend(len(str(v)) // 64)
            return int(str(v))
        if t == "float":
            return float(v)
        if t == "complex":
            return complex(float(v[0]), float(v[1]))
        if t == "str":
            budget.spend(len(v) // 64 if isinstance(v, str) else 0)
            return str(v) if isinstance(v, str) else _bad(t)
        if t == "bytes":
            budget.spend(len(str(v)) // 64)
            return bytes.fromhex(str(v))
        if t in ("list", "tuple"):
            items = [_decode(x, d, budget) for x in _as_list(v)]
            return list(items) if t == "list" else tuple(items)
        if t in ("set", "frozenset"):
            found: set = set()
            for x in _as_list(v):
                found.add(_decode(x, d, budget))
                budget.spend()  # hashing: each insert is charged and the clock read
            return found if t == "set" else frozenset(found)
        if t == "dict":
            out: dict = {}
            for p in _as_list(v):
                k, x = _pair(p)
                key = _decode(k, d, budget)
                out[key] = _decode(x, d, budget)
                budget.spend()
            return out
        if t == "decimal":
            import decimal

            return decimal.Decimal(str(v)[:1000])
        if t == "fraction":
            import fractions

            return fractions.Fraction(int(str(v[0])), int(str(v[1])))
        if t in ("datetime", "date", "time"):
            import datetime

            return getattr(datetime, t).fromisoformat(str(v)[:100])
        if t == "timedelta":
            import datetime

            return datetime.timedelta(days=int(v[0]), seconds=int(v[1]), microseconds=int(v[2]))
        if t in (
            "np",
            "df",
            "series",
            "timestamp",
            "pdna",
            "ndarray",
            "index",
            "pdtimedelta",
            "period",
            "npdate",
        ):
            return _decode_library(tree, d, budget)
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError) as err:
        raise CodecError(f"malformed {t} value: {err}") from None
    raise CodecError(f"unknown value tag {t!r}")


def _bad(t: str) -> Any:
    raise CodecError(f"malformed {t} value")


def _as_list(v: Any) -> list:
    if not isinstance(v, list):
        raise CodecError("malformed container")
    return v


def _pair(p: Any) -> tuple:
    if not isinstance(p, list) or len(p) != 2:
        raise CodecError("malformed dict item")
    return p[0], p[1]


_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
_DTYPES += ("float16", "float32", "float64", "object", "str", "string", "category", "boolean")
_DTYPES += ("Int64", "Int32", "Float64", "datetime64[ns]", "datetime64[us]", "datetime64[ms]")
_DTYPES += ("datetime64[s]",)


def _decode_library(tree: dict, depth: int, budget: Budget) -> Any:
    import numpy as np
    import pandas as pd

    t = tree["t"]
    if t == "np":
        dtype = str(tree["dtype"])
        if dtype not in _DTYPES or dtype in ("object", "str", "string", "category"):
            raise CodecError(f"unsupported numpy scalar {dtype}")
        return np.dtype(dtype).type(_decode(tree["v"], depth, budget))
    if t == "ndarray":
        dtype, shape = str(tree["dtype"]), [int(n) for n in _as_list(tree["shape"])]
        unsupported = ("category", "string", "boolean", "Int64", "Int32", "Float64")
        if (dtype not in _DTYPES and not _DATE_DTYPE.match(dtype)) or dtype in unsupported:
            raise CodecError(f"unsupported numpy array of {dtype}")
        values = _decode_values(tree, depth, budget)
        array = np.array(values, dtype=object if dtype == "object" else dtype)
        if dtype == "object" and array.ndim != 1 and len(values) == math.prod(shape):
            array = np.empty(len(values), dtype=object)
            array[:] = values
        return array.reshape(shape)
    if t == "index":
        return _decode_index(tree, depth, budget)
    if t == "period":
        return pd.Period(str(tree["v"])[:100], freq=str(tree["freq"])[:20])
    if t == "npdate":
        dtype = str(tree["dtype"])
        if not _DATE_DTYPE.match(dtype):
            raise CodecError(f"unsupported numpy scalar {dtype}")
        return np.array(int(str(tree["v"])), dtype="int64").astype(dtype)[()]
    if t == "pdtimedelta":
        return pd.Timedelta(int(str(tree["v"])), unit="ns")
    if t == "timestamp":
        return pd.Timestamp(str(tree["v"]))
    if t == "pdna":
        return pd.NA
    if t == "series":
        return _decode_column(
            tree["data"],
            _decode_index(tree["index"], depth, budget),
            _decode(tree["name"], depth, budget),
            depth,
            budget,
        )
    columns = _decode(tree["columns"], depth, budget)
    index = _decode_index(tree["index"], depth, budget)
    data = _as_list(tree["data"])
    if not isinstance(columns, list) or len(columns) != len(data):
        raise CodecError("malformed DataFrame")
    cols = [_decode_column(c, index, None, depth, budget) for c in data]
    frame = pd.concat(cols, axis=1) if cols else pd.DataFrame(index=index)
    frame.columns = pd.Index(columns) if columns else frame.columns
    return frame


_DATE_DTYPE = re.compile(r"^(?:datetime64|timedelta64)\[(?:Y|M|W|D|h|m|s|ms|us|ns)\]$")
_PERIOD_DTYPE = re.compile(r"^period\[[A-Za-z0-9-]{1,20}\]$")


def _checked_dtype(column: dict) -> str:
    dtype = str(column["dtype"])
    if dtype not in _DTYPES and not _PERIOD_DTYPE.match(dtype):
        return "object"
    return dtype


def _decode_values(column: dict, depth: int, budget: Budget) -> list:
    return [_decode(x, depth, budget) for x in _as_list(column["v"])]


def _decode_index(tree: dict, depth: int, budget: Budget) -> Any:
    import pandas as pd

    values = _decode_values(tree, depth, budget)
    dtype = _checked_dtype(tree)
    name = _decode(tree["name"], depth, budget)
    try:
        return pd.Index(values, dtype=dtype, name=name)
    except (TypeError, ValueError):
        return pd.Index(values, name=name)


def _decode_column(column: dict, index: Any, name: Any, depth: int, budget: Budget) -> Any:
    import pandas as pd

    values = _decode_values(column, depth, budget)
    if len(values) != len(index):
        raise CodecError("column length does not match its index")
    dtype = _checked_dtype(column)
    try:
        return pd.Series(values, index=index, name=name, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(values, index=index, name=name)


# framing: 4-byte big-endian length, then UTF-8 JSON


def send_msg(sock: socket.socket, message: dict) -> None:
    data = json.dumps(message, allow_nan=False).encode()
    if len(data) > MAX_MESSAGE:
        raise CodecError(f"message of {len(data)} bytes exceeds {MAX_MESSAGE}")
    sock.sendall(struct.pack(">I", len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_msg(sock: socket.socket) -> dict:
    (size,) = struct.unpack(">I", _recv_exact(sock, 4))
    if size > MAX_MESSAGE:
        raise CodecError(f"message of {size} bytes exceeds {MAX_MESSAGE}")
    try:
        message = json.loads(_recv_exact(sock, size))
    except (ValueError, RecursionError) as err:
        raise CodecError(f"malformed message: {err}") from None
    if not isinstance(message, dict):
        raise CodecError("malformed message")
    return message
