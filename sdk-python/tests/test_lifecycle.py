"""The client's lifecycle: background threads exit, concurrent shutdowns, runs started during shutdown."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from conftest import busy_run, closed_port
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from xray import XRay


def test_background_threads_exit_after_shutdown() -> None:
    def live() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name.startswith("xray-")]

    before = len(live())
    for _ in range(20):
        x = XRay(endpoint=f"http://127.0.0.1:{closed_port()}/v1/traces", capture="full", export_timeout=0.2)
        try:
            busy_run(x, 10)  # an export and an upload, both failing fast
            assert "xray-export-request" not in live(), "an OS thread per export"
        finally:
            x.shutdown(2)
    deadline = time.monotonic() + 5
    while len(live()) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(live()) == before, f"threads left running: {live()}"


class SlowExporter(InMemorySpanExporter):
    def export(self, spans: Any) -> SpanExportResult:
        time.sleep(0.5)
        return super().export(spans)


def test_a_second_shutdown_waits_for_the_first_result() -> None:
    x = XRay(exporter=SlowExporter(), capture="full")
    x.end_run(x.start_run("p"))
    results: list[bool] = []
    first = threading.Thread(target=lambda: results.append(x.shutdown(5)))
    first.start()
    time.sleep(0.1)  # the first is exporting
    assert x.shutdown(5) is True, "the second caller did not get the first's result"
    first.join()
    assert results == [True]


def test_a_run_started_during_shutdown_is_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    import xray.client

    x = XRay(exporter=InMemorySpanExporter(), capture="full")
    real = xray.client.open_run

    def open_then_shutdown(*args: Any) -> Any:
        run = real(*args)
        t = threading.Thread(target=x.shutdown, args=(2,))  # shutdown begins while the run opens
        t.start()
        t.join()
        return run

    monkeypatch.setattr(xray.client, "open_run", open_then_shutdown)
    run_id = x.start_run("p")
    assert run_id not in x._runs, "a run registered after shutdown is never ended"
    assert x.stats().runs_abandoned == 1


def test_client_scope_keys_are_never_reused() -> None:
    import gc

    keys = set()
    for _ in range(30):
        x = XRay(exporter=InMemorySpanExporter())
        keys.add(x._key)
        x.shutdown(0)
        del x
        gc.collect()
    assert len(keys) == 30, "a collected client's scope key was given to a new client"
