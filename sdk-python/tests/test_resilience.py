"""Never raises into the host, never blocks it beyond the bounds.

Dead and hung receivers, hostile input, concurrency.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from conftest import HungServer, busy_run, closed_port
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from xray import KEPT, XRay

# Timings are asserted against the configured bounds, with margins for a loaded 2-core CI machine.
SLACK = 2.0


def recording_baseline() -> float:
    """Seconds busy_run takes here with nothing on the network: what "did not wait" is compared to."""
    x = XRay(exporter=InMemorySpanExporter(), capture="full", payload_endpoint=f"http://127.0.0.1:{closed_port()}")
    try:
        t = time.monotonic()
        busy_run(x)
        return time.monotonic() - t
    finally:
        x.shutdown(0)


def test_dead_receiver_counts_drops_and_never_blocks() -> None:
    port = closed_port()
    flush_timeout = 1.5
    baseline = recording_baseline()
    x = XRay(
        endpoint=f"http://127.0.0.1:{port}/v1/traces", capture="full", export_timeout=0.5, flush_timeout=flush_timeout
    )
    try:
        t = time.monotonic()
        busy_run(x)
        took = time.monotonic() - t
        assert took < 3 * baseline + SLACK, f"recording took {took:.2f}s, {baseline:.2f}s without a receiver"
        t = time.monotonic()
        assert x.flush() is False
        x.shutdown()  # nothing left pending by now: what failed was already counted
        took = time.monotonic() - t
        assert took < 2 * flush_timeout + SLACK, f"flush+shutdown took {took:.2f}s, bounds {flush_timeout}s each"
        s = x.stats()
        assert s.export_failures >= 1 and s.spans_dropped >= 1 and s.decisions_dropped.export_failed == 2000
        assert s.dropped_payloads >= 1 and s.uploaded_payloads == 0
    finally:
        x.shutdown(0)


def test_hung_receiver_shutdown_returns_in_time() -> None:
    server = HungServer()
    export_timeout, flush_timeout = 10.0, 1.0  # a wait for the hung export would take export_timeout
    x = XRay(
        endpoint=f"http://127.0.0.1:{server.port}/v1/traces",
        capture="full",
        export_timeout=export_timeout,
        flush_timeout=flush_timeout,
    )
    try:
        t = time.monotonic()
        busy_run(x)
        assert time.monotonic() - t < export_timeout / 2, "recording waited for the network"
        t = time.monotonic()
        assert x.flush(0.5) is False
        assert x.shutdown() is False
        took = time.monotonic() - t
        assert took < 0.5 + flush_timeout + SLACK < export_timeout, f"flush/shutdown outlived their bounds: {took:.2f}s"
        s = x.stats()
        assert s.flush_timeouts >= 1
        # nothing was delivered; what was pending is either still held (bounded) or counted lost
        assert s.spans_exported == 0 and s.uploaded_payloads == 0
        # calls after shutdown are ignored, never raised
        assert x.start_run("after") and x.step("nope", "filter", "f", lambda i: [1]) == [1]
        assert x.stats().ignored_calls >= 2
    finally:
        x.shutdown(0)
        server.close()


def test_full_queue_drops_spans_and_counts_them() -> None:
    server = HungServer()
    x = XRay(
        endpoint=f"http://127.0.0.1:{server.port}/v1/traces",
        capture="full",
        max_queue_spans=3,
        export_timeout=5,
        flush_timeout=0.2,
    )
    try:
        for _ in range(20):
            run_id = x.start_run("p")
            x.step(run_id, "filter", "f", lambda _i: [{"item_id": "a", "outcome": KEPT}])
            x.end_run(run_id)
        s = x.stats()
        assert s.spans_dropped > 0 and s.decisions_dropped.queue_full > 0
        assert s.queued_spans <= 3
    finally:
        x.shutdown()
        server.close()


def test_invalid_options_raise_a_clear_sentence() -> None:
    with pytest.raises(ValueError, match="capture must be one of"):
        XRay(capture="everything")
    with pytest.raises(ValueError, match="not an http"):
        XRay(endpoint="ftp://x")
    with pytest.raises(ValueError, match="decisions_per_span must be an integer >= 1"):
        XRay(decisions_per_span=0)
    with pytest.raises(ValueError, match="inline_payload_bytes must be <= max_payload_bytes"):
        XRay(max_payload_bytes=1000, inline_payload_bytes=2000)


class Hostile:
    """Raises from every dunder a serializer or reader might touch."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"no {name}")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no eq")

    __hash__ = object.__hash__


def cyclic() -> Any:
    d: dict[str, Any] = {"items": []}
    d["items"].append(d)
    return d


garbage = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=10)
    | st.builds(Hostile)
    | st.builds(cyclic)
    | st.just(float("nan"))
    | st.just("x" * 70000),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
decision = st.fixed_dictionaries(
    {
        "item_id": st.one_of(st.text(max_size=5), st.integers(), st.floats(), garbage),
        "outcome": st.sampled_from(["kept", "eliminated", "scored", "nope", 3]),
    },
    optional={
        "reason": garbage,
        "reason_code": garbage,
        "important": garbage,
        "score": garbage,
        "input": garbage,
        "output": garbage,
        "metadata": garbage,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.one_of(decision, garbage), max_size=12), garbage, st.sampled_from(["full", "sampled", "metrics_only"])
)
def test_hostile_input_never_raises(recorded: Any, entries: list[Any], run_input: Any, capture: str) -> None:
    r = recorded(capture=capture, max_payload_bytes=65536)
    run_id = r.xray.start_run(Hostile(), run_input)
    out = r.xray.step(run_id, Hostile(), Hostile(), lambda _i, record: entries, run_input)
    assert out is entries
    r.xray.step(run_id, "filter", "streamed", lambda _i, record: [record(e) for e in entries] and None)
    r.xray.step(run_id, "filter", "not-a-list", lambda _i: Hostile())
    r.xray.end_run(run_id, entries)
    r.xray.end_run("unknown", Hostile())
    s = r.xray.stats()
    assert s.internal_errors == 0
    assert s.decisions_made + s.decisions_dropped.invalid == 2 * len(entries)
    for span in r.spans():
        for e in span.events:
            for key in ("xray.decision.input", "xray.decision.output", "xray.decision.metadata"):
                if key in e.attributes:
                    __import__("json").loads(e.attributes[key])


def test_many_runs_at_once_from_threads_and_asyncio(recorded: Any) -> None:
    r = recorded(capture="full")
    x = r.xray

    def one(i: int) -> None:
        with x.run("threads", [i]) as run:

            def outer(_input: Any, record: Any) -> None:
                for j in range(50):
                    record({"item_id": f"{i}-{j}", "outcome": KEPT})
                run.step("llm", "nested", lambda _i: [{"item_id": f"{i}-n", "outcome": KEPT}])

            run.step("filter", "outer", outer)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def task(i: int) -> None:
        async with x.run("tasks", [i]) as run:

            async def fn(_input: Any, record: Any) -> list[Any]:
                await asyncio.sleep(0.001)
                await run.step_async("llm", "nested", lambda _i: [{"item_id": f"a{i}-n", "outcome": KEPT}])
                return [{"item_id": f"a{i}-{j}", "outcome": KEPT} for j in range(50)]

            await x.step(run.run_id, "filter", "outer", fn)

    async def main() -> None:
        await asyncio.gather(*(task(i) for i in range(16)))

    asyncio.run(main())
    runs = r.kind("run")
    steps = r.kind("step")
    assert len(runs) == 32 and len(steps) == 64
    by_id = {s.attributes["xray.step.id"]: s for s in steps}
    for s in steps:
        if s.name == "nested":  # each nested step hangs under the outer step of its own run
            parent = by_id[s.attributes["xray.step.parent_id"]]
            assert parent.name == "outer" and parent.attributes["xray.run.id"] == s.attributes["xray.run.id"]
        else:
            assert s.attributes["xray.step.decision_count"] == 50
    assert all(run.attributes["xray.run.step_count"] == 1 for run in runs)
    assert x.stats().decisions_made == 32 * 51


def test_unknown_run_and_after_shutdown_count_dropped_decisions(recorded: Any) -> None:
    r = recorded()
    assert r.xray.step("no-such-run", "filter", "f", lambda _i: [{"item_id": "a", "outcome": KEPT}] * 3) is not None
    r.xray.step("no-such-run", "filter", "f", lambda _i, record: [record({"item_id": "a", "outcome": KEPT}), 1, 2])
    r.xray.shutdown(1)
    r.xray.step("no-such-run", "filter", "f", lambda _i: [{"item_id": "a", "outcome": KEPT}] * 2)
    d = r.xray.stats().decisions_dropped
    assert (d.unknown_run, d.after_shutdown) == (4, 2)
