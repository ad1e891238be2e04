"""Decision-aware sampling for capture level ``sampled``: a bit-exact port of sdk/src/sampler.ts.

Pure and deterministic: the same run id, seed, step index and decisions always give the same kept
set, in Python and TypeScript alike (shared vectors: otel/test-vectors/sampler.json).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xray.conventions import MAX_REASON_CLASSES, REASON_CLASS_CHARS

__all__ = ["MAX_REASON_CLASSES", "Sampler", "reason_class", "sampled_positions"]

_M32 = 0xFFFFFFFF
_LN10 = math.log(10)
_DIGITS = re.compile("[0-9]+")
_CACHE_SIZE = 1024  # JavaScript's \d: ASCII digits only


def _mix32(x: int) -> int:
    """lowbias32, as sdk/src/sampler.ts: Math.imul -> (a * b) & 0xFFFFFFFF."""
    h = x & _M32
    h ^= h >> 16
    h = (h * 0x7FEB352D) & _M32
    h ^= h >> 15
    h = (h * 0x846CA68B) & _M32
    h ^= h >> 16
    return h


def _seed_key(run_id: str, seed: int) -> int:
    h = 0x811C9DC5  # FNV-1a over the run id's UTF-16 code units
    units = run_id.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(units), 2):
        h = ((h ^ (units[i] | (units[i + 1] << 8))) * 0x01000193) & _M32
    lo = seed & _M32
    hi = (seed // 0x1_0000_0000) & _M32  # Math.floor(seed / 2**32) >>> 0
    return _mix32(h ^ _mix32(lo ^ _mix32(hi + 0x85EBCA6B)))


def _utf16_prefix(text: str, units: int) -> str:
    """``text.slice(0, units)`` as JavaScript cuts it: in UTF-16 code units, possibly halving a pair."""
    if len(text) <= units // 2 or text.isascii():
        return text[:units]
    encoded = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
    return encoded.decode("utf-16-le", "surrogatepass")


def reason_class(reason: str | None, reason_code: str | None) -> str:
    """``c:<code>`` when a reason code is given, else ``t:`` + the reason with digit runs as ``#``, 80 units."""
    if reason_code is not None:
        return "c:" + reason_code
    text = reason or ""
    return "t:" + _utf16_prefix(_DIGITS.sub("#", text), REASON_CLASS_CHARS)


class Sampler:
    """Decides, decision by decision in order (``keep(i, ...)`` for i = 0, 1, 2...), which ones a step records."""

    __slots__ = ("_watch", "_step_key", "_outcomes", "_classes", "_cache")

    def __init__(self, run_id: str, seed: int, step_index: int, watch_list: Iterable[str] = ()) -> None:
        self._watch = frozenset(watch_list)
        self._step_key = _mix32(_seed_key(run_id, seed) ^ _mix32(((step_index & _M32) + 0x9E3779B9) & _M32))
        self._outcomes: set[str] = set()
        self._classes: set[str] = set()
        self._cache: dict[str, str] = {}

    def keep(
        self, i: int, item_id: str, outcome: str, reason: str | None, reason_code: str | None, important: bool
    ) -> bool:
        # Every rule is evaluated so each outcome and class is marked seen by its first decision.
        keep = i == 0 or important or item_id in self._watch
        if outcome not in self._outcomes:
            self._outcomes.add(outcome)
            keep = True
        classes = self._classes
        if len(classes) < MAX_REASON_CLASSES:
            cache = self._cache
            key = reason if reason_code is None else None
            cls = cache.get(key) if key is not None else None
            if cls is None:
                cls = reason_class(reason, reason_code)
                if key is not None and len(cache) < _CACHE_SIZE:
                    cache[key] = cls
            if cls not in classes:
                classes.add(cls)
                keep = True
        if keep:
            return True
        # The random part: P(keep i) = 1 / ((i + 1) ln 10), so about log10(n) of n decisions.
        u = _mix32(self._step_key ^ _mix32(i & _M32)) / 0x1_0000_0000
        return u < 1 / ((i + 1) * _LN10)


def sampled_positions(
    run_id: str, seed: int, step_index: int, watch_list: Iterable[str], decisions: Sequence[Mapping[str, Any]]
) -> list[int]:
    """The 0-based positions a ``sampled`` step records out of ``decisions`` (camelCase or snake_case keys)."""
    sampler = Sampler(run_id, seed, step_index, watch_list)
    kept: list[int] = []
    last = len(decisions) - 1
    for i, d in enumerate(decisions):
        code = d.get("reason_code", d.get("reasonCode"))
        item = d.get("item_id", d.get("itemId"))
        if (
            sampler.keep(i, str(item), str(d.get("outcome")), d.get("reason"), code, d.get("important") is True)
            or i == last
        ):
            kept.append(i)
    return kept
