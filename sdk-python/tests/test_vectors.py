"""The shared test vectors (otel/test-vectors): the Python SDK must give exactly the TypeScript outputs."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FixedIds, Recorded, vectors
from opentelemetry.sdk.trace import ReadableSpan

from xray import UNSET, reason_class, sampled_positions

SAMPLER = vectors("sampler.json")
RECORDING = vectors("recording.json")


def test_reason_classes() -> None:
    assert SAMPLER["reasonClass"], "no reason class vectors"
    for r in SAMPLER["reasonClass"]:
        assert reason_class(r["reason"], r["reasonCode"]) == r["class"], r


@pytest.mark.parametrize("case", SAMPLER["cases"], ids=lambda c: c["name"])
def test_sampled_positions(case: dict[str, Any]) -> None:
    got = sampled_positions(case["runId"], case["seed"], case["stepIndex"], case["watchList"], case["decisions"])
    assert got == case["positions"]


def _xray_only(attributes: Any) -> dict[str, Any]:
    return {k: v for k, v in sorted(dict(attributes or {}).items()) if k.startswith("xray.")}


def _vector_span(span: ReadableSpan) -> dict[str, Any]:
    return {
        "spanId": format(span.context.span_id, "016x"),
        "name": span.name,
        "kind": (span.attributes or {}).get("xray.span.kind"),
        "parentSpanId": format(span.parent.span_id, "016x") if span.parent else None,
        "attributes": _xray_only(span.attributes),
        "events": [{"name": e.name, "attributes": _xray_only(e.attributes)} for e in span.events],
    }


def _record(case: dict[str, Any]) -> list[dict[str, Any]]:
    o = case["options"]
    r = Recorded(
        id_generator=FixedIds(case["ids"]["traceId"], case["ids"]["spanIds"]),
        capture=o["capture"],
        sampling_seed=o["samplingSeed"],
        decisions_per_span=o["decisionsPerSpan"],
        watch_list=o["watchList"],
        inline_payload_bytes=o["inlinePayloadBytes"],
    )
    run_id = r.xray.start_run(case["run"]["pipeline"], case["run"]["input"])
    for s in case["steps"]:
        decisions = s["decisions"]  # camelCase, as the TypeScript SDK takes them
        r.xray.step(
            run_id,
            s["type"],
            s["name"],
            lambda _input, _record, d=decisions: d,
            s.get("input", UNSET),
            capture=s.get("capture"),
        )
    r.xray.end_run(run_id, case["output"])
    spans = [_vector_span(s) for s in r.spans()]
    r.xray.shutdown(1)
    return sorted(spans, key=lambda s: s["spanId"])


@pytest.mark.parametrize("case", RECORDING["cases"], ids=lambda c: c["name"])
def test_recording(case: dict[str, Any]) -> None:
    got = _record(case)
    expected = case["expected"]["spans"]
    assert [s["spanId"] for s in got] == [s["spanId"] for s in expected]
    for g, e in zip(got, expected, strict=True):
        assert {k: v for k, v in g.items() if k != "events"} == {k: v for k, v in e.items() if k != "events"}
        assert len(g["events"]) == len(e["events"]), g["name"]
        for i, (ge, ee) in enumerate(zip(g["events"], e["events"], strict=True)):
            assert ge == ee, f"{g['name']} event {i}"
