"""One step recorded from several threads, and the documented way to carry the scope into threads."""

from __future__ import annotations

import asyncio
import contextvars
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from xray import KEPT, SCORED, StepTypes


@pytest.fixture
def switch_often() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads interleave inside every unguarded read-modify-write
    yield
    sys.setswitchinterval(before)


def test_one_step_recorded_from_a_thread_pool_counts_exactly(recorded: Any, switch_often: None) -> None:
    r = recorded(capture="full", decisions_per_span=50)
    threads, each = 8, 2000
    with r.xray.run("p") as run, run.step_scope("filter", "pool") as step:

        def work(t: int) -> None:
            for j in range(each):
                step.record({"item_id": f"{t}-{j}", "outcome": KEPT if j % 2 else SCORED, "score": 0.5})

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(work, range(threads)))
    total = threads * each
    spans = r.spans()
    step_span = next(s for s in spans if s.name == "pool")
    attrs = step_span.attributes or {}
    assert attrs["xray.step.decision_count"] == total and attrs["xray.step.recorded_count"] == total
    assert attrs["xray.step.kept_count"] == total // 2 and attrs["xray.step.scored_count"] == total // 2
    events = [e for s in spans for e in s.events if e.name == "xray.decision"]
    assert len(events) == total
    assert len({(e.attributes or {})["xray.decision.item_id"] for e in events}) == total
    assert all(len(s.events) <= 50 for s in spans)
    stats = r.xray.stats()
    assert stats.decisions_made == total and stats.decisions_recorded == total


def test_the_documented_thread_patterns_nest_steps(recorded: Any) -> None:
    r = recorded(capture="full")

    @r.xray.as_step(StepTypes.FILTER)
    def keep(docs: list[str]) -> list[dict[str, Any]]:
        return [{"item_id": d, "outcome": KEPT} for d in docs]

    async def via_to_thread() -> Any:
        return await asyncio.to_thread(keep, ["t"])

    with r.xray.run("p") as run, run.step_scope("rank", "outer"):
        with ThreadPoolExecutor(2) as pool:
            copied = [pool.submit(contextvars.copy_context().run, keep, [d]) for d in ("a", "b")]
            plain = pool.submit(keep, ["c"])  # no copy: not a step at all
            assert [len(f.result()) for f in copied] == [1, 1] and len(plain.result()) == 1
        asyncio.run(via_to_thread())
    outer = next(s for s in r.kind("step") if s.name == "outer")
    inner = [s for s in r.kind("step") if s.name == "keep"]
    assert len(inner) == 3, "the copied-context calls and to_thread are steps; the plain submit is not"
    for s in inner:
        assert s.parent is not None and s.parent.span_id == outer.context.span_id
        assert (s.attributes or {})["xray.step.parent_id"] == format(outer.context.span_id, "016x")
