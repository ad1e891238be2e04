"""One step recorded from several threads, and the documented way to carry the scope into threads."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from xray import KEPT, SCORED


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
