"""What a user sees in the spans: layout, chunking, capture levels, counts, nesting, errors."""

from __future__ import annotations

from typing import Any

import pytest

from xray import ELIMINATED, KEPT, SCORED, CaptureLevels, Decision, StepTypes, XRay, sampled_positions


def funnel(n: int) -> list[dict[str, Any]]:
    return [
        {"item_id": f"doc-{i}", "outcome": ELIMINATED if i % 3 == 0 else KEPT, "reason": f"score {i % 10}"}
        for i in range(n)
    ]


def test_full_capture_splits_decisions_over_chunk_spans(recorded: Any) -> None:
    r = recorded(capture="full", decisions_per_span=1000)
    run_id = r.xray.start_run("search", list(range(2500)))
    r.xray.step(run_id, StepTypes.FILTER, "filter", lambda docs: funnel(len(docs)), list(range(2500)))
    r.xray.end_run(run_id, ["a"])
    step = r.kind("step")[0]
    chunks = sorted(r.kind("decisions"), key=lambda s: s.attributes["xray.decisions.offset"])
    assert len(step.events) == 1000
    assert [c.attributes["xray.decisions.offset"] for c in chunks] == [1000, 2000]
    assert [len(c.events) for c in chunks] == [1000, 500]
    assert all(c.parent.span_id == step.context.span_id for c in chunks)
    assert all(c.attributes["xray.step.id"] == step.attributes["xray.step.id"] for c in chunks)
    ids = [e.attributes["xray.decision.item_id"] for s in [step, *chunks] for e in s.events]
    assert ids == [f"doc-{i}" for i in range(2500)]
    assert all("xray.decision.seq" not in e.attributes for e in step.events)
    a = step.attributes
    assert (
        a["xray.step.decision_count"],
        a["xray.step.recorded_count"],
        a["xray.step.kept_count"],
        a["xray.step.eliminated_count"],
    ) == (2500, 2500, 1666, 834)
    run = r.kind("run")[0]
    assert run.attributes["xray.run.input_count"] == 2500 and run.attributes["xray.run.output_count"] == 1
    assert r.xray.stats().decisions_recorded == 2500


@pytest.mark.parametrize("level", sorted(CaptureLevels.ALL))
def test_counts_are_exact_at_every_level(recorded: Any, level: str) -> None:
    r = recorded(capture=CaptureLevels.SAMPLED, watch_list=["doc-777"])
    run_id = r.xray.start_run("search", None, capture=level)
    r.xray.step(run_id, StepTypes.FILTER, "filter", lambda docs: funnel(5000), None)
    r.xray.end_run(run_id)
    step = r.kind("step")[0]
    a = step.attributes
    assert a["xray.step.capture"] == level
    assert (
        a["xray.step.decision_count"],
        a["xray.step.kept_count"],
        a["xray.step.eliminated_count"],
        a["xray.step.input_count"],
    ) == (5000, 3333, 1667, 5000)
    events = r.decisions()
    assert a["xray.step.recorded_count"] == len(events)
    if level == "metrics_only":
        assert events == []
    elif level == "full":
        assert len(events) == 5000
    else:
        expected = sampled_positions(run_id, 0, 0, ["doc-777"], funnel(5000))
        assert [e["xray.decision.seq"] for e in events] == expected
        assert 0 in expected and 4999 in expected and 777 in expected and len(expected) < 60


def test_step_capture_wins_over_run_and_client(recorded: Any) -> None:
    r = recorded(capture="metrics_only")
    run_id = r.xray.start_run("p", capture="sampled")
    r.xray.step(run_id, "filter", "a", lambda _i: funnel(10), capture="full")
    r.xray.step(run_id, "filter", "b", lambda _i: funnel(10))
    r.xray.step(run_id, "filter", "c", lambda _i: funnel(10), capture="not-a-level")
    r.xray.end_run(run_id)
    levels = {s.name: s.attributes["xray.step.capture"] for s in r.kind("step")}
    assert levels == {"a": "full", "b": "sampled", "c": "sampled"}


def test_env_capture_and_watch_list(monkeypatch: pytest.MonkeyPatch, recorded: Any) -> None:
    monkeypatch.setenv("XRAY_CAPTURE", "full")
    monkeypatch.setenv("XRAY_WATCH_LIST", "a, b ,")
    x = XRay(exporter=recorded().exporter)
    assert x._options.capture == "full" and x._options.watch_list == frozenset({"a", "b"})
    x.shutdown(1)
    monkeypatch.setenv("XRAY_CAPTURE", "bogus")
    x = XRay(exporter=recorded().exporter)
    assert x._options.capture == "sampled"
    x.shutdown(1)


def test_streaming_dataclasses_nesting_and_context_managers(recorded: Any) -> None:
    r = recorded(capture="full")
    with r.xray.run("pipeline", ["x", "y"]) as run:

        def outer(docs: list[str], record: Any) -> str:
            for d in docs:
                record(Decision(item_id=d, outcome=KEPT, score=1, output={"id": d}))
                run.step(StepTypes.LLM, "inner", lambda doc: [{"item_id": doc, "outcome": SCORED, "score": 0.5}], d)
            return "not decisions"

        assert run.step(StepTypes.FILTER, "outer", outer, ["x", "y"]) == "not decisions"
        with run.step_scope(StepTypes.RANK, "scoped", ["x"]) as step:
            step.record({"itemId": "x", "outcome": "eliminated", "reasonCode": "camel"})
        run.output = ["x"]
    spans = {s.name: s for s in r.kind("step") if s.name != "inner"}
    inner = [s for s in r.kind("step") if s.name == "inner"]
    outer_span = spans["outer"]
    assert [s.attributes["xray.step.index"] for s in inner] == [1, 2]
    assert all(s.attributes["xray.step.parent_id"] == outer_span.attributes["xray.step.id"] for s in inner)
    assert all(s.parent.span_id == outer_span.context.span_id for s in inner)
    assert outer_span.attributes["xray.step.output"] == '[{"id":"x"},{"id":"y"}]'
    assert spans["scoped"].attributes["xray.step.index"] == 3
    scoped_events = [e.attributes for e in spans["scoped"].events]
    assert scoped_events[0]["xray.decision.reason_code"] == "camel"
    run_span = r.kind("run")[0]
    assert run_span.attributes["xray.run.step_count"] == 2  # top-level only
    assert run_span.attributes["xray.run.output"] == '["x"]'
    assert run_span.attributes["xray.run.status"] == "ok"


def test_errors_propagate_unchanged_and_are_recorded(recorded: Any) -> None:
    r = recorded()

    class Boom(Exception):
        pass

    err = Boom("bad step")
    with pytest.raises(Boom) as raised:
        with r.xray.run("p") as run:
            try:
                run.step(
                    "filter",
                    "fails",
                    lambda _i, record: (record({"item_id": 1, "outcome": KEPT}), (_ for _ in ()).throw(err)),
                )
            except Boom:
                pass
            raise err
    assert raised.value is err
    step = r.kind("step")[0]
    assert step.attributes["xray.step.status"] == "error" and step.attributes["xray.step.kept_count"] == 1
    assert any(e.name == "exception" for e in step.events)
    run = r.kind("run")[0]
    assert run.attributes["xray.run.status"] == "error" and run.attributes["xray.run.failed_step_count"] == 1


def test_decorator_steps_inside_a_run(recorded: Any) -> None:
    r = recorded(capture="full")

    @r.xray.as_step(StepTypes.FILTER)
    def keep_even(nums: list[int]) -> list[dict[str, Any]]:
        return [{"item_id": n, "outcome": KEPT if n % 2 == 0 else ELIMINATED} for n in nums]

    assert len(keep_even([1, 2])) == 2  # outside a run: just called
    with r.xray.run("p", [1, 2, 3]) as run:
        run.output = keep_even([1, 2, 3])
    step = r.kind("step")[0]
    assert step.name == "keep_even" and step.attributes["xray.step.kept_count"] == 1
    assert [e.attributes["xray.decision.item_id"] for e in step.events] == ["1", "2", "3"]
    assert r.kind("run")[0].attributes["xray.run.output_count"] == 1


def test_run_span_links_to_the_callers_span_and_leaves_the_global_provider(recorded: Any) -> None:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    before = trace.get_tracer_provider()
    user = TracerProvider(shutdown_on_exit=False)
    r = recorded()
    with user.get_tracer("app").start_as_current_span("request") as request:
        run_id = r.xray.start_run("p")
        r.xray.end_run(run_id)
    run = r.kind("run")[0]
    assert [link.context.span_id for link in run.links] == [request.get_span_context().span_id]
    assert run.context.trace_id != request.get_span_context().trace_id and run.parent is None
    assert trace.get_tracer_provider() is before


def test_large_payloads_are_uploaded_and_referenced(recorded: Any, payload_server: Any) -> None:
    r = recorded(payload_endpoint=payload_server.url, capture="full", api_key="xri_test")
    big = {"text": "é" * 20000}
    run_id = r.xray.start_run("p", big)
    r.xray.end_run(run_id, big)
    run = r.kind("run")[0]
    ref = run.attributes["xray.run.input_ref"]
    assert "xray.run.input" not in run.attributes and run.attributes["xray.run.output_ref"] == ref
    assert r.xray.flush(5)
    day, digest, size = ref.split("/")
    assert payload_server.puts == [(f"/v1/payloads/{day}/{digest}", "Bearer xri_test", size)]
    assert r.xray.stats().uploaded_payloads == 1


def test_decorated_methods_record_their_input_not_self(recorded: Any) -> None:
    r = recorded(capture="full")

    class Ranker:
        @r.xray.as_step(StepTypes.FILTER)
        def keep_even(self, nums: list[int]) -> list[dict[str, Any]]:
            return [{"item_id": n, "outcome": KEPT if n % 2 == 0 else ELIMINATED} for n in nums]

        @classmethod
        @r.xray.as_step(StepTypes.FILTER, "keep_odd")
        def keep_odd(cls, nums: list[int]) -> list[dict[str, Any]]:
            return [{"item_id": n, "outcome": KEPT if n % 2 else ELIMINATED} for n in nums]

    ranker = Ranker()
    with r.xray.run("p", [1, 2, 3]) as run:
        run.output = Ranker.keep_odd(ranker.keep_even([1, 2, 3]) and [5, 6])
    steps = {s.name: s.attributes for s in r.kind("step")}
    assert steps["keep_even"]["xray.step.input"] == "[1,2,3]" and steps["keep_even"]["xray.step.input_count"] == 3
    assert steps["keep_odd"]["xray.step.input"] == "[5,6]" and steps["keep_odd"]["xray.step.input_count"] == 2


@pytest.mark.parametrize("capture", ["full", "sampled", "metrics_only"])
def test_every_capture_level_reads_decisions_alike(recorded: Any, capture: str) -> None:
    r = recorded(capture=capture)
    entries = [
        {"item_id": None, "itemId": "x", "outcome": KEPT},  # item_id present: it is the id (None: invalid)
        {"itemId": "y", "outcome": KEPT},
        {"item_id": "z", "outcome": ELIMINATED},
    ]
    with r.xray.run("p") as run:
        run.step("filter", "f", lambda _i: entries)
    step = r.kind("step")[0].attributes
    assert (step["xray.step.decision_count"], step["xray.step.kept_count"]) == (2, 1)
    assert r.xray.stats().decisions_dropped.invalid == 1
