"""JSON text byte-identical to JavaScript's ``JSON.stringify`` for the same data, without its failure modes.

Payloads recorded by the Python SDK are compared with the TypeScript SDK's, so strings, numbers and
separators follow ``JSON.stringify``: compact, non-ASCII kept, control characters escaped as
``\\u00XX`` (except ``\\b \\f \\n \\r \\t``), lone surrogates escaped, numbers written as JavaScript
writes them (``1.0`` -> ``1``, ``1e21`` -> ``1e+21``, ``1e-7`` -> ``1e-7``, NaN/Infinity -> ``null``).

Python-only values become (see README "What Python values become"):
- ``tuple``, ``list``, ``set``, ``frozenset``, other non-mapping sequences/iterables of known kinds: arrays
- ``Mapping``: objects, keys as JavaScript would write them (``True`` -> ``"true"``, ``1.5`` -> ``"1.5"``) and
  in its order (array-index keys first, ascending; see ``js_entries``)
- ``datetime``/``date``/``time``: ``isoformat()``; ``Decimal``, ``UUID``, ``Path``: their ``str()``;
  ``Enum``: its value; ``bytes``: base64 text; dataclasses and objects with ``model_dump`` (pydantic)
  or ``__dict__``: objects of their fields / public attributes
- functions, classes and other callables: dropped (``null`` in arrays), as JavaScript drops functions
- a reference back to a container being written: ``"[Circular]"``; a value whose reading raised:
  ``"[Unserializable] <message>"``; nesting deeper than 100: an ``[Unserializable]`` marker
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Mapping
from json.encoder import encode_basestring as _py_encode_basestring
from typing import Any

from xray._pyvalues import CIRCULAR_MARKER, SKIP, UNSERIALIZABLE_MARKER, error_marker, js_entries
from xray._pyvalues import convert as _convert
from xray._utf16 import utf16_len

try:  # the C version, as json itself uses
    from _json import encode_basestring as _encode_basestring
except ImportError:  # pragma: no cover
    _encode_basestring = _py_encode_basestring

MAX_DEPTH = 100

_SURROGATES = re.compile("[\ud800-\udfff]+")


class BudgetExceeded(Exception):
    """The output passed its budget; raised inside the writer only."""


def _fix_surrogates(match: re.Match[str]) -> str:
    run = match.group(0)
    out: list[str] = []
    i = 0
    while i < len(run):
        c = ord(run[i])
        if 0xD800 <= c <= 0xDBFF and i + 1 < len(run) and 0xDC00 <= ord(run[i + 1]) <= 0xDFFF:
            out.append(chr(0x10000 + ((c - 0xD800) << 10) + (ord(run[i + 1]) - 0xDC00)))
            i += 2
            continue
        out.append(f"\\u{c:04x}")
        i += 1
    return "".join(out)


def js_string(s: str) -> str:
    """A JSON string literal as ``JSON.stringify`` writes it."""
    text: str = _encode_basestring(s)
    if not s.isascii() and _SURROGATES.search(text):
        text = _SURROGATES.sub(_fix_surrogates, text)
    return text


def js_number(x: float) -> str:
    """JavaScript's Number-to-String for a finite float; ``null`` for NaN and infinities (as JSON)."""
    if x != x or x in (math.inf, -math.inf):
        return "null"
    if x == 0:
        return "0"
    r = repr(x)
    sign = ""
    if r[0] == "-":
        sign, r = "-", r[1:]
    mantissa, _, exp_text = r.partition("e")
    exp = int(exp_text) if exp_text else 0
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # value = 0.digits * 10**n, with n the position of the decimal point after the first digit
    n = len(whole) + exp if whole != "0" else exp - (len(frac) - len(frac.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    e_text = f"e+{e}" if e >= 0 else f"e-{-e}"
    if k == 1:
        return sign + digits + e_text
    return sign + digits[0] + "." + digits[1:] + e_text


class Writer:
    """Writes one value as JSON into ``parts``; ``failures`` counts what plain JSON would have rejected."""

    __slots__ = ("parts", "length", "limit", "failures", "_ancestors")

    def __init__(self, limit: float) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.limit = limit
        self.failures = 0
        self._ancestors: set[int] = set()

    def push(self, s: str) -> None:
        self.parts.append(s)
        self.length += utf16_len(s)
        if self.length > self.limit:
            raise BudgetExceeded

    def write(self, v: Any, depth: int = 0) -> bool:
        """Writes ``v``; False (writing nothing) for a value JSON leaves out."""
        t = type(v)
        if t is str:
            self.push(js_string(v))
            return True
        if v is None:
            self.push("null")
            return True
        if t is bool:
            self.push("true" if v else "false")
            return True
        if t is int:
            try:
                self.push(str(v))
            except ValueError:  # more digits than int -> str allows (4300): a marker, as for any failure
                return self._other(v, depth)
            return True
        if t is float:
            self.push(js_number(v))
            return True
        if t is list or t is tuple or t is dict:
            return self._container(v, depth)
        return self._other(v, depth)

    def _other(self, v: Any, depth: int) -> bool:
        mark, length = len(self.parts), self.length
        try:
            return self._other_unsafe(v, depth)
        except (BudgetExceeded, RecursionError):
            raise
        except Exception as err:  # isinstance itself can raise on hostile objects
            del self.parts[mark:]
            self.length = length
            self.failures += 1
            self.push(js_string(error_marker(err)))
            return True

    def _other_unsafe(self, v: Any, depth: int) -> bool:
        if isinstance(v, bool):
            self.push("true" if v else "false")
            return True
        if isinstance(v, int) and not isinstance(v, enum.Enum):
            self.push(str(int(v)))
            return True
        if isinstance(v, float):
            self.push(js_number(float(v)))
            return True
        if isinstance(v, str) and not isinstance(v, enum.Enum):
            self.push(js_string(str(v)))
            return True
        if isinstance(v, (list, tuple, Mapping)):
            return self._container(v, depth)
        if id(v) in self._ancestors:
            self.failures += 1
            self.push(js_string(CIRCULAR_MARKER))
            return True
        try:
            converted = _convert(v)
        except BudgetExceeded:
            raise
        except Exception as err:  # a hostile getter or model_dump
            self.failures += 1
            converted = error_marker(err)
        if converted is SKIP:
            return False
        self._ancestors.add(id(v))
        try:
            return self.write(converted, depth + 1)
        finally:
            self._ancestors.discard(id(v))

    def _container(self, v: Any, depth: int) -> bool:
        key = id(v)
        if key in self._ancestors:
            self.failures += 1
            self.push(js_string(CIRCULAR_MARKER))
            return True
        if depth >= MAX_DEPTH:
            self.failures += 1
            self.push(js_string(f"{UNSERIALIZABLE_MARKER} nested deeper than {MAX_DEPTH}"))
            return True
        self._ancestors.add(key)
        try:
            if isinstance(v, Mapping):
                self._mapping(v, depth)
            else:
                self._sequence(v, depth)
        finally:
            self._ancestors.discard(key)
        return True

    def _sequence(self, v: Any, depth: int) -> None:
        push = self.push
        push("[")
        try:
            items = list(v)
        except Exception as err:  # a hostile __iter__
            self.failures += 1
            items = [error_marker(err)]
        first = True
        for item in items:
            if not first:
                push(",")
            first = False
            if not self.write(item, depth + 1):
                push("null")
        push("]")

    def _mapping(self, v: Mapping[Any, Any], depth: int) -> None:
        push = self.push
        push("{")
        try:
            entries = list(v.items())
        except Exception as err:  # a hostile mapping
            self.failures += 1
            entries = []
            push(js_string("_xray_error") + ":" + js_string(error_marker(err)))
        first = self.parts[-1] == "{"
        pairs, failures = js_entries(entries)
        self.failures += failures
        for name, item in pairs:
            mark = len(self.parts)
            push(("{0}:" if first else ",{0}:").format(js_string(name)))
            if self.write(item, depth + 1):
                first = False
            else:  # left out, as JSON leaves out undefined and functions
                dropped = self.parts[mark:]
                del self.parts[mark:]
                self.length -= sum(map(utf16_len, dropped))
        push("}")


def stringify(value: Any, limit: float = math.inf) -> tuple[str | None, bool, int]:
    """JSON of ``value``: (text or None when left out, complete, failures). Stops past ``limit`` chars."""
    w = Writer(limit)
    try:
        written = w.write(value)
    except BudgetExceeded:
        return "".join(w.parts), False, w.failures
    except Exception as err:  # RecursionError, or anything no branch above turned into a marker
        return js_string(error_marker(err)), True, w.failures + 1
    return ("".join(w.parts) if written else None), True, w.failures


Dumper = Callable[[Any], "str | None"]
