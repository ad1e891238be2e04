"""What Python values become in payload JSON, where JSON itself has no answer (see _jsjson's docstring)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import enum
import math
import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import Any

CIRCULAR_MARKER = "[Circular]"
UNSERIALIZABLE_MARKER = "[Unserializable]"


class _Skip:
    """A value JSON leaves out (JavaScript: undefined, functions, symbols)."""


SKIP = _Skip()


def js_key(key: object) -> str:
    """An object key as JavaScript would hold it (keys are strings there)."""
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return str(int(key))
    if isinstance(key, float):
        return (
            _js_number(key)
            if math.isfinite(key)
            else ("NaN" if key != key else ("Infinity" if key > 0 else "-Infinity"))
        )
    return str(key)


def js_entries(entries: list[tuple[Any, Any]]) -> tuple[list[tuple[str, Any]], int]:
    """A mapping's items as the JavaScript object it stands for would list them, and failures counted.

    Keys become strings (``js_key``); keys that become the same string are one property there, at the
    first one's place with the last one's value (``{1: "a", "1": "b"}`` -> ``{"1":"b"}``). Keys that
    are array indices (``"0"``, ``"42"``: canonical integers below 2**32 - 1) come first, ascending,
    then the others in insertion order, as ``JSON.stringify`` writes an object's keys.
    """
    failures = 0
    digits = False
    for k, _ in entries:
        if type(k) is not str:
            break
        if "0" <= k[:1] <= "9":
            digits = True
    else:  # all keys strings (the common case): unique already
        return (_index_first(entries) if digits else entries), 0
    named: dict[str, Any] = {}
    for k, item in entries:
        try:
            name = js_key(k)
        except Exception as err:  # a hostile key __str__
            failures += 1
            name = error_marker(err)
        named[name] = item  # a dict keeps the first key's place and takes the last value, as JS
    return _index_first(list(named.items())), failures


def _is_index(name: str) -> bool:
    return (
        name.isdigit()
        and name.isascii()
        and len(name) <= 10
        and (name[0] != "0" or name == "0")
        and int(name) < 4294967295
    )


def _index_first(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    indices = [p for p in pairs if _is_index(p[0])]
    if not indices:
        return pairs
    indices.sort(key=lambda p: int(p[0]))
    return indices + [p for p in pairs if not _is_index(p[0])]


def safe_str(value: object, fallback: str) -> str:
    """``str(value)``, or ``fallback`` when that raises (a hostile ``__str__``)."""
    if type(value) is str:
        return value
    try:
        return str(value)
    except Exception:
        return fallback


def error_marker(err: BaseException | None) -> str:
    """``"[Unserializable] <message>"`` for a read that raised; tolerates hostile exceptions."""
    message = ""
    try:
        message = str(err) if err is not None else ""
    except Exception:  # even the error is hostile
        message = ""
    return f"{UNSERIALIZABLE_MARKER} {message}" if message else UNSERIALIZABLE_MARKER


def convert(v: Any) -> Any:
    """A non-JSON Python value as a JSON-able one (may raise: the caller turns that into a marker)."""
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, (Decimal, uuid.UUID, PurePath)):
        return str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, (set, frozenset)):
        return list(v)
    if isinstance(v, type) or _is_function(v):
        return SKIP
    if dataclasses.is_dataclass(v):
        return {f.name: getattr(v, f.name) for f in dataclasses.fields(v)}
    dump = getattr(v, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    attrs = getattr(v, "__dict__", None)
    if isinstance(attrs, dict):
        return {k: x for k, x in attrs.items() if isinstance(k, str) and not k.startswith("_")}
    if callable(v):
        return SKIP
    return str(v)


def _is_function(v: Any) -> bool:
    return type(v).__name__ in ("function", "builtin_function_or_method", "method", "method-wrapper", "partial")


def _js_number(x: float) -> str:
    from xray._jsjson import js_number

    return js_number(x)
