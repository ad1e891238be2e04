"""Run and step spans: start, counts, end (port of sdk/src/run.ts and step.ts)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, Status, StatusCode

from xray import conventions as C
from xray._decision import UNSET, is_array, result_count
from xray._payloads import PayloadWriter
from xray._pyvalues import safe_str
from xray._recorder import DecisionRecorder, RecorderDeps


@dataclass
class RunState:
    span: Span
    context: Context
    run_id: str
    capture: str | None
    input_count: int | None
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_step_index: int = 0
    top_level_steps: int = 0
    failed_steps: int = 0
    first_step: tuple[int, int] | None = None  # (index, input count)
    last_step: tuple[int, int] | None = None  # (index, output count)


@dataclass
class StepRecord:
    span: Span
    step_id: str
    run: RunState
    index: int
    nested: bool
    recorder: DecisionRecorder
    ended: bool = False


def random_run_id() -> str:
    """A run id nothing is recorded under, for calls X-Ray ignores."""
    return os.urandom(16).hex()


def open_run(tracer: trace.Tracer, payloads: PayloadWriter, pipeline: str, input: Any, capture: str | None) -> RunState:
    """Starts the run's root span, linked to the span active in the caller's context."""
    active = trace.get_current_span().get_span_context()
    links = [Link(active)] if active.is_valid else []
    span = tracer.start_span(pipeline, context=Context(), links=links)
    run_id = format(span.get_span_context().trace_id, "032x")
    attributes: dict[str, Any] = {
        C.ATTR_XRAY_SPAN_KIND: C.SpanKinds.RUN,
        C.ATTR_XRAY_RUN_ID: run_id,
        C.ATTR_XRAY_PIPELINE_NAME: pipeline,
    }
    if input is not UNSET:
        payloads.set(attributes, C.ATTR_XRAY_RUN_INPUT, input)
    span.set_attributes(attributes)
    return RunState(
        span=span,
        context=trace.set_span_in_context(span, Context()),
        run_id=run_id,
        capture=capture,
        input_count=len(input) if is_array(input) else None,
    )


def note_step(run: RunState, step: StepRecord, failed: bool, input_count: int, output_count: int) -> None:
    """Folds a finished step into its run: failures of any step, other counts of top-level steps only."""
    with run.lock:
        if failed:
            run.failed_steps += 1
        if step.nested:
            return
        if run.first_step is None or step.index < run.first_step[0]:
            run.first_step = (step.index, input_count)
        if run.last_step is None or step.index > run.last_step[0]:
            run.last_step = (step.index, output_count)


def finish_run(
    run: RunState, result: Any, payloads: PayloadWriter, error: BaseException | object | None, abandoned: str | None
) -> None:
    """Sets the run span's counts, output and status, then ends it (even if recording fails)."""
    span = run.span
    try:
        failed = abandoned is not None or error is not None
        try:
            output_count = result_count(result) if result is not UNSET else None
        except Exception:  # a hostile result: fall back to the last step's count
            output_count = None
        with run.lock:
            first, last = run.first_step, run.last_step
            attributes: dict[str, Any] = {
                C.ATTR_XRAY_RUN_STATUS: C.RunStatuses.ERROR if failed else C.RunStatuses.OK,
                C.ATTR_XRAY_RUN_STEP_COUNT: run.top_level_steps,
                C.ATTR_XRAY_RUN_FAILED_STEP_COUNT: run.failed_steps,
                C.ATTR_XRAY_RUN_INPUT_COUNT: run.input_count
                if run.input_count is not None
                else (first[1] if first else 0),
                C.ATTR_XRAY_RUN_OUTPUT_COUNT: output_count if output_count is not None else (last[1] if last else 0),
            }
        span.set_attributes(attributes)
        output: dict[str, Any] = {}
        if result is not UNSET:
            payloads.set(output, C.ATTR_XRAY_RUN_OUTPUT, result)
        span.set_attributes(output)
        if abandoned is not None:
            span.set_status(Status(StatusCode.ERROR, abandoned))
        elif error is not None:
            record_error(span, error)
        else:
            span.set_status(Status(StatusCode.OK))
    finally:
        span.end()


def begin_step(
    deps: RecorderDeps, run: RunState, parent: StepRecord | None, step_type: str, name: str, input: Any, capture: str
) -> StepRecord:
    """Starts the step span: a child of the enclosing step when nested, else of the run span."""
    with run.lock:
        index = run.next_step_index
        run.next_step_index += 1
        if parent is None:
            run.top_level_steps += 1
    step_name = safe_str(name, "unnamed")
    attributes: dict[str, Any] = {
        C.ATTR_XRAY_SPAN_KIND: C.SpanKinds.STEP,
        C.ATTR_XRAY_RUN_ID: run.run_id,
        C.ATTR_XRAY_STEP_NAME: step_name,
        C.ATTR_XRAY_STEP_TYPE: step_type
        if isinstance(step_type, str) and step_type in C.StepTypes.ALL
        else C.StepTypes.CUSTOM,
        C.ATTR_XRAY_STEP_INDEX: index,
        C.ATTR_XRAY_STEP_CAPTURE: capture,
        C.ATTR_XRAY_DECISIONS_OFFSET: 0,
    }
    if parent is not None:
        attributes[C.ATTR_XRAY_STEP_PARENT_ID] = parent.step_id
    context = trace.set_span_in_context(parent.span, run.context) if parent is not None else run.context
    span = deps.tracer.start_span(step_name, context=context, attributes=attributes)
    deps.stats.add("spans_started")
    step_id = format(span.get_span_context().span_id, "016x")
    more: dict[str, Any] = {C.ATTR_XRAY_STEP_ID: step_id}
    if input is not UNSET:
        deps.payloads.set(more, C.ATTR_XRAY_STEP_INPUT, input)
    span.set_attributes(more)
    recorder = DecisionRecorder(deps, span, step_id, run.run_id, step_name, index, capture)
    return StepRecord(span=span, step_id=step_id, run=run, index=index, nested=parent is not None, recorder=recorder)


def _input_count(input: Any, recorder: DecisionRecorder) -> int:
    return len(input) if is_array(input) else recorder.decision_count


def finish_step(deps: RecorderDeps, step: StepRecord, input: Any, result: Any) -> None:
    """Records the decisions ``fn`` returned (unless it streamed them) and ends the step span, status ok."""
    rec = step.recorder
    with rec.lock:  # a record() from another thread either lands before this or is counted after_step_end
        step.ended = True
        try:
            if result is not _NO_RESULT:
                if is_array(result):
                    for i in range(len(result)):
                        rec.add(result[i])
                else:
                    deps.stats.add("invalid_results")
            rec.finish()
            input_count = _input_count(input, rec)
            step.span.set_attributes(_count_attributes(C.RunStatuses.OK, input_count, rec))
            output: dict[str, Any] = {}
            deps.payloads.set_json(output, C.ATTR_XRAY_STEP_OUTPUT, rec.survivor_outputs.json())
            step.span.set_attributes(output)
            step.span.set_status(Status(StatusCode.OK))
            note_step(step.run, step, False, input_count, rec.kept + rec.scored)
        finally:
            step.span.end()


_NO_RESULT: Any = object()
"""A step whose decisions came only from ``record`` (a step context manager): no result to read."""


def fail_step(step: StepRecord, input: Any, error: BaseException) -> None:
    """Records the caller's error on the step span (status error) and ends it; counts so far are kept."""
    rec = step.recorder
    with rec.lock:
        step.ended = True
        try:
            rec.finish()
            input_count = _input_count(input, rec)
            step.span.set_attributes(_count_attributes(C.RunStatuses.ERROR, input_count, rec))
            record_error(step.span, error)
            note_step(step.run, step, True, input_count, rec.kept + rec.scored)
        finally:
            step.span.end()


def _count_attributes(status: str, input_count: int, rec: DecisionRecorder) -> dict[str, Any]:
    return {
        C.ATTR_XRAY_STEP_STATUS: status,
        C.ATTR_XRAY_STEP_INPUT_COUNT: input_count,
        C.ATTR_XRAY_STEP_OUTPUT_COUNT: rec.kept + rec.scored,
        C.ATTR_XRAY_STEP_KEPT_COUNT: rec.kept,
        C.ATTR_XRAY_STEP_ELIMINATED_COUNT: rec.eliminated,
        C.ATTR_XRAY_STEP_SCORED_COUNT: rec.scored,
        C.ATTR_XRAY_STEP_DECISION_COUNT: rec.decision_count,
        C.ATTR_XRAY_STEP_RECORDED_COUNT: rec.recorded_count,
    }


def record_error(span: Span, error: object) -> None:
    """Records ``error`` on ``span`` (exception event, status ERROR); tolerates any value."""
    try:
        message = safe_str(error, "unknown error")
        if isinstance(error, BaseException):
            span.record_exception(error)
        else:
            span.record_exception(Exception(message))
    except Exception:
        message = "unknown error"
    span.set_status(Status(StatusCode.ERROR, message))
