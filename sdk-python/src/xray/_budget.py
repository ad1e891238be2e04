"""The bytes X-Ray may hold for later, shared by spans waiting for export and payloads waiting for upload."""

from __future__ import annotations

import threading
from collections.abc import Callable


class QueueBudget:
    """``max_bytes`` shared by spans and payloads; payloads leave ``span_reserve_bytes`` free, spans evict payloads."""

    def __init__(self, max_bytes: int, span_reserve_bytes: int = 0) -> None:
        self.max_bytes = max_bytes
        self.span_reserve_bytes = span_reserve_bytes
        self._used = 0
        self._lock = threading.Lock()
        self.evict_payloads: Callable[[int], None] | None = None

    @property
    def used(self) -> int:
        return self._used

    def take_for_span(self, size: int) -> bool:
        if self._take(size, 0):
            return True
        evict = self.evict_payloads
        if evict is not None:
            evict(self._used + size - self.max_bytes)
        return self._take(size, 0)

    def take_for_payload(self, size: int) -> bool:
        return self._take(size, self.span_reserve_bytes)

    def release(self, size: int) -> None:
        with self._lock:
            self._used = max(0, self._used - size)

    def _take(self, size: int, keep_free: int) -> bool:
        with self._lock:
            if self._used + size + keep_free > self.max_bytes:
                return False
            self._used += size
            return True
