"""Safe, bounded JSON for payload attributes (port of sdk/src/serialize.ts and json-array.ts).

A pipeline's items are arbitrary user objects: cyclic, hostile or megabytes long. Serialising them
never raises and always yields valid JSON: the whole value up to ``max_bytes`` UTF-8 bytes, else a
truncation marker ``{"_xray_truncated":true,...}`` no longer than the preview budget.
"""

from __future__ import annotations

from typing import Any, Protocol

from xray._jsjson import js_string, stringify
from xray._utf16 import from_units, utf16_len, utf16_slice, utf16_units
from xray.conventions import TRUNCATED_KEY

ARRAY_CHUNK_LENGTH = 64
"""Arrays at least this long are serialised element by element, stopping at the budget."""


class SerializeCounters(Protocol):
    serialization_failures: int
    truncated_values: int


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def fits(text: str, max_bytes: int) -> bool:
    """True when ``text`` is at most ``max_bytes`` UTF-8 bytes; skips the byte count when length decides."""
    n = len(text)
    if n > max_bytes:
        return False
    if n * 4 <= max_bytes:
        return True
    return utf8_len(text) <= max_bytes


def truncated(text: str, max_bytes: int, original_bytes: int | None = None, reason: str | None = None) -> str:
    """``{"_xray_truncated":true,"originalBytes":N,"reason":R,"preview":"..."}`` within ``max_bytes``."""
    head = "{" + js_string(TRUNCATED_KEY) + ":true"
    if original_bytes is not None:
        head += ',"originalBytes":' + str(original_bytes)
    if reason is not None:
        head += ',"reason":' + js_string(reason)

    def wrap(preview: str) -> str:
        return head + ',"preview":' + js_string(preview) + "}"

    # Lengths and cuts in UTF-16 units, as TypeScript's .length and .slice: identical previews.
    units = None if text.isascii() else utf16_units(text, max_bytes)
    n = min(len(text) if units is None else len(units) >> 1, max_bytes)
    for _ in range(20):
        if n <= 0:
            break
        if units is None:
            cut, preview = n, text[:n]
        else:  # never split a surrogate pair: the preview would hold a lone surrogate
            cut = n - 1 if 0xD8 <= units[2 * n - 1] <= 0xDB else n
            preview = from_units(units[: 2 * cut])
        out = wrap(preview)
        size = utf8_len(out)
        if size <= max_bytes:
            return out
        # Escapes and multi-byte characters make output grow faster than the prefix; shrink proportionally.
        n = min(cut - 1, (cut * max_bytes) // size - 8)
    return wrap("")


def bounded_json(text: str, complete: bool, max_bytes: int, preview_bytes: int, counters: SerializeCounters) -> str:
    """``text`` when it is complete JSON within ``max_bytes``, else its truncation marker (counted)."""
    if complete and fits(text, max_bytes):
        return text
    counters.truncated_values += 1
    return truncated(text, preview_bytes, utf8_len(text) if complete else None)


class BoundedJsonArray:
    """A JSON array appended element by element while its length stays within ``max_bytes``."""

    __slots__ = ("_parts", "_length", "_prefix", "_max", "_keep", "_counters")

    def __init__(self, max_bytes: int, counters: SerializeCounters, keep_chars: int | None = None) -> None:
        self._parts: list[str] = []
        self._length = 2
        self._prefix: str | None = None
        self._max = max_bytes
        self._keep = max_bytes if keep_chars is None else keep_chars
        self._counters = counters

    @property
    def complete(self) -> bool:
        return self._prefix is None

    def append(self, items: list[Any]) -> bool:
        """Appends ``items``; False once the array is over budget."""
        if self._prefix is not None:
            return False
        if not items:
            return True
        if all(type(x) is str for x in items):  # the common case (item ids): no walk
            parts = [js_string(x) for x in items]
            length = self._length + sum(map(utf16_len, parts)) + len(parts) - (0 if self._parts else 1)
            if length <= self._max:
                self._parts.extend(parts)
                self._length = length
                return True
            for part in parts:
                if not self.append_json(part):
                    return False
            return True
        for x in items:
            text, _, failures = stringify(x, self._max)
            if failures:
                self._counters.serialization_failures += 1
            if not self.append_json("null" if text is None else text):
                return False
        return True

    def append_json(self, part: str) -> bool:
        if self._prefix is not None:
            return False
        self._length += utf16_len(part) + (1 if self._parts else 0)
        self._parts.append(part)
        if self._length > self._max:
            self._prefix = utf16_slice("[" + ",".join(self._parts), self._keep)
            self._parts = []
        return self._prefix is None

    def result(self) -> tuple[str, bool]:
        if self._prefix is not None:
            return self._prefix, False
        return "[" + ",".join(self._parts) + "]", True


class JsonArrayBuilder:
    """A step's output built as its decisions come: holds the survivors' JSON, bounded by the cap."""

    __slots__ = ("_pending", "_array", "max_bytes", "preview_bytes", "counters")

    def __init__(self, max_bytes: int, preview_bytes: int, counters: SerializeCounters) -> None:
        self._pending: list[Any] = []
        self._array = BoundedJsonArray(max_bytes, counters, preview_bytes)
        self.max_bytes = max_bytes
        self.preview_bytes = preview_bytes
        self.counters = counters

    def push(self, value: Any) -> None:
        if self._array._prefix is not None:
            return
        pending = self._pending
        pending.append(value)
        if len(pending) >= ARRAY_CHUNK_LENGTH:
            self._flush()

    def push_json(self, json_text: str) -> None:
        if self._array._prefix is not None:
            return
        self._flush()
        self._array.append_json(json_text)

    def json(self) -> str:
        self._flush()
        text, complete = self._array.result()
        return bounded_json(text, complete, self.max_bytes, self.preview_bytes, self.counters)

    def _flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self._array.append(pending)


def serialize(value: Any, max_bytes: int, preview_bytes: int, counters: SerializeCounters) -> str | None:
    """JSON of ``value`` within ``max_bytes`` (else its marker), or None when there is nothing to record."""
    t = type(value)
    if (t is list or t is tuple) and len(value) >= ARRAY_CHUNK_LENGTH:
        array = BoundedJsonArray(max_bytes, counters)
        for i in range(0, len(value), ARRAY_CHUNK_LENGTH):
            if not array.append(list(value[i : i + ARRAY_CHUNK_LENGTH])):
                break
        text, complete = array.result()
        return bounded_json(text, complete, max_bytes, preview_bytes, counters)
    if t is str:
        text = js_string(value)
        complete = True
    else:
        out, complete, failures = stringify(value)
        if failures:
            # JSON.stringify would have failed and the safe path stopped at the budget: no full size.
            counters.serialization_failures += 1
            if out is not None and utf16_len(out) > max_bytes:
                return bounded_json(utf16_slice(out, max_bytes + 1), False, max_bytes, preview_bytes, counters)
        if out is None:
            return None
        text = out
    return bounded_json(text, complete, max_bytes, preview_bytes, counters)
