"""The cross-language scenario, Python side: the pipeline of e2e/src/cross-language.fixture.ts.

1,000 items; a filter that eliminates exactly 137 of them, sampled; a rank step over the 863
survivors, recorded in full. Same fixed ids as the TypeScript side. Sends to XRAY_ENDPOINT with
XRAY_API_KEY and prints the run id; exits non-zero, saying why, when not everything was delivered.
"""

from __future__ import annotations

import sys

from opentelemetry.sdk.trace.id_generator import IdGenerator

import xray

RUN_ID = "5ca1ab1e0000000000000000000c0de5"
SPAN_IDS = [0xFEE0 + i for i in range(16)]
ITEMS = 1000
THRESHOLD = 137 / 1000


class FixedIds(IdGenerator):
    def __init__(self) -> None:
        self._next = 0

    def generate_trace_id(self) -> int:
        return int(RUN_ID, 16)

    def generate_span_id(self) -> int:
        span_id = SPAN_IDS[self._next] if self._next < len(SPAN_IDS) else 0xFF
        self._next += 1
        return span_id


def score_of(i: int) -> float:
    return ((i * 7919) % 1000 + 0.5) / 1000


def main() -> None:
    client = xray.XRay(capture="sampled", sampling_seed=11, id_generator=FixedIds())
    items = [{"id": f"item-{i}", "score": score_of(i), "title": f"Item {i} — ü"} for i in range(ITEMS)]
    run_id = client.start_run("cross-language", {"items": len(items), "threshold": THRESHOLD})

    def threshold(batch: list[dict]) -> list[dict]:
        decisions = []
        for item in batch:
            low = item["score"] < THRESHOLD
            decision = {
                "item_id": item["id"],
                "outcome": xray.ELIMINATED if low else xray.KEPT,
                "reason": f"Score {item['score']} below {THRESHOLD}" if low else f"Score {item['score']} passes",
                "score": item["score"],
                "input": item,
            }
            if low:
                decision["reason_code"] = "low_score"
            decisions.append(decision)
        return decisions

    filtered = client.step(run_id, xray.StepTypes.FILTER, "threshold", threshold, items)
    kept = [d["input"] for d in filtered if d["outcome"] != xray.ELIMINATED]
    ranked = sorted(kept, key=lambda item: -item["score"])

    def rank(batch: list[dict]) -> list[dict]:
        decisions = []
        for position, item in enumerate(batch):
            decision = {
                "item_id": item["id"],
                "outcome": xray.SCORED,
                "reason": f"Rank {position + 1} of {len(batch)}",
                "score": item["score"],
                "output": {"id": item["id"], "rank": position + 1},
            }
            if position < 3:
                decision["important"] = True
                decision["metadata"] = {"podium": True, "tags": ["top", "ü"]}
            decisions.append(decision)
        return decisions

    client.step(run_id, xray.StepTypes.RANK, "rank", rank, ranked, capture="full")
    client.end_run(run_id, [item["id"] for item in ranked[:10]])
    delivered = client.shutdown()
    stats = client.stats()
    if not delivered or stats.export_failures > 0:
        sys.exit(
            f"The Python scenario's spans did not all reach the receiver (shutdown returned {delivered}, "
            f"{stats.export_failures} export failures); stats: {stats.to_dict()}"
        )
    print(f"run {run_id}")


if __name__ == "__main__":
    main()
