"""A batching span processor bounded by span count AND estimated bytes (port of sdk/src/processor.ts).

OpenTelemetry's BatchSpanProcessor counts spans only, and one X-Ray span may hold 1000 decisions. This
one exports one request at a time on a daemon thread (which exits once shut down and empty), each cut
at ``max_export_bytes``; when full it drops the new span and counts it, so the host's memory stays
bounded and the host never waits.
"""

from __future__ import annotations

import collections
import threading
import time

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from xray._budget import QueueBudget
from xray._size import estimate_span_bytes
from xray._types import Counters
from xray._warn import Warn
from xray.conventions import EVENT_XRAY_DECISION


class BoundedBatchProcessor(SpanProcessor):
    def __init__(
        self,
        exporter: SpanExporter,
        *,
        max_queue_spans: int,
        max_queue_bytes: int,
        max_export_bytes: int,
        max_export_spans: int,
        scheduled_delay: float,
        budget: QueueBudget,
        stats: Counters,
        warn: Warn,
    ) -> None:
        self._exporter = exporter
        self._max_spans = max_queue_spans
        self._max_bytes = max_queue_bytes
        self._max_export_bytes = max_export_bytes
        self._max_export_spans = max_export_spans
        self._delay = scheduled_delay
        self._budget = budget
        self._stats = stats
        self._warn = warn
        self._queue: collections.deque[tuple[ReadableSpan, int]] = collections.deque()
        self._queued_bytes = 0
        self._cond = threading.Condition()
        self._inflight = False
        self._flushes = 0
        self._failures = 0
        self._closed = False
        self._thread: threading.Thread | None = None
        self._hints: dict[int, int] = {}

    @property
    def pending(self) -> tuple[int, int]:
        """(spans waiting for export, their estimated bytes)."""
        return len(self._queue), self._queued_bytes

    def hint_event_bytes(self, span_id: int, size: int) -> None:
        """The recorder's estimate of a span's events, so ``on_end`` need not walk them again."""
        self._hints[span_id] = size

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        try:
            hint = self._hints.pop(span.context.span_id, None) if span.context else None
            if self._closed:
                self._drop(span, "after_shutdown")
                return
            size = estimate_span_bytes(span, hint)
            with self._cond:
                if self._closed:  # again under the lock: the worker exits once closed and empty
                    full = None
                elif (
                    len(self._queue) >= self._max_spans
                    or self._queued_bytes + size > self._max_bytes
                    or not self._budget.take_for_span(size)
                ):
                    full = True
                else:
                    full = False
                    self._queue.append((span, size))
                    self._queued_bytes += size
                    if self._thread is None:
                        self._thread = threading.Thread(target=self._work, name="xray-export", daemon=True)
                        self._thread.start()
                    if len(self._queue) >= self._max_export_spans or self._queued_bytes >= self._max_export_bytes:
                        self._cond.notify_all()
            if full is None:
                self._drop(span, "after_shutdown")
            elif full:
                self._warn("queue_full", "export queue full (receiver slow or unreachable); dropping spans")
                self._drop(span, "queue_full")
        except Exception as err:  # never into the host
            self._stats.add("internal_errors")
            self._warn("internal", "internal error; recording continues best-effort", err)

    def drain(self, timeout: float) -> bool:
        """Exports everything queued; True when all of it was exported within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            failures = self._failures
            self._flushes += 1
            self._cond.notify_all()
            while self._queue or self._inflight:
                if self._thread is None or not self._thread.is_alive():
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return self._failures == failures

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.drain(timeout_millis / 1000)

    def shutdown(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def join(self, timeout: float) -> None:
        """Waits up to ``timeout`` seconds for the export thread, which exits once closed and empty."""
        thread = self._thread
        if thread is not None:
            thread.join(max(0.0, timeout))

    def close_exporter(self) -> None:
        try:
            self._exporter.shutdown()
        except Exception:
            pass

    def _work(self) -> None:
        while True:
            with self._cond:
                flushes = self._flushes
                deadline = time.monotonic() + self._delay
                while True:
                    if self._queue and (
                        self._flushes != flushes
                        or self._closed
                        or len(self._queue) >= self._max_export_spans
                        or self._queued_bytes >= self._max_export_bytes
                        or time.monotonic() >= deadline
                    ):
                        break
                    if not self._queue:
                        if self._closed:  # the in-flight batch was settled before this wait
                            return
                        deadline = time.monotonic() + self._delay
                    self._cond.wait(max(0.001, deadline - time.monotonic()) if self._queue else 1.0)
                batch, size = self._take_batch()
                self._inflight = True
            try:
                ok = self._send(batch)
            except Exception:
                ok = False
            with self._cond:
                self._settle(batch, size, ok)
                self._inflight = False
                self._cond.notify_all()

    def _take_batch(self) -> tuple[list[ReadableSpan], int]:
        spans: list[ReadableSpan] = []
        size = 0
        while self._queue and len(spans) < self._max_export_spans:
            span, n = self._queue[0]
            if spans and size + n > self._max_export_bytes:
                break
            self._queue.popleft()
            spans.append(span)
            size += n
        self._queued_bytes -= size
        self._budget.release(size)
        return spans, size

    def _send(self, spans: list[ReadableSpan]) -> bool:
        """Exports on this thread: X-Ray's exporter ends within ``export_timeout``, retries included."""
        return self._exporter.export(spans) is SpanExportResult.SUCCESS

    def _settle(self, spans: list[ReadableSpan], size: int, ok: bool) -> None:
        if ok:
            self._stats.add("spans_exported", len(spans))
            self._stats.add("bytes_sent", size)
            return
        self._failures += 1
        self._stats.add("export_failures")
        self._warn("export_failure", "export to the X-Ray receiver failed; its spans are dropped")
        for span in spans:
            self._drop(span, "export_failed")

    def _drop(self, span: ReadableSpan, cause: str) -> None:
        self._stats.add("spans_dropped")
        decisions = sum(1 for e in span.events if e.name == EVENT_XRAY_DECISION)
        self._stats.drop(cause, decisions)
