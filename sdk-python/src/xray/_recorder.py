"""Records one step's decisions as they come, at the step's capture level (port of sdk/src/recorder.ts).

Counts every valid decision; records all (``full``), a sample (``sampled``) or none
(``metrics_only``) as ``xray.decision`` events. The first events go on the step span; once it holds
``decisions_per_span`` events (or its estimated bytes pass the budget) further ones go on child
``decisions`` spans, each ended (and so exported) as soon as it is full.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, Tracer

from xray import conventions as C
from xray._decision import ELIMINATED, KEPT, UNSET, Fields, event_attributes, quick_count, read_decision
from xray._payloads import PayloadWriter
from xray._serialize import JsonArrayBuilder
from xray._size import ATTRIBUTE_OVERHEAD_BYTES, EVENT_OVERHEAD_BYTES, estimate_attributes_bytes
from xray._types import Counters
from xray._warn import Warn
from xray.sampler import Sampler

FULL = C.CaptureLevels.FULL
SAMPLED = C.CaptureLevels.SAMPLED
_EVENT_BYTES = EVENT_OVERHEAD_BYTES + len(C.EVENT_XRAY_DECISION)
_O = ATTRIBUTE_OVERHEAD_BYTES
_BASE_BYTES = (
    len(C.ATTR_XRAY_DECISION_ITEM_ID) + len(C.ATTR_XRAY_DECISION_OUTCOME) + len(C.ATTR_XRAY_DECISION_REASON) + 3 * _O
)
_CODE_BYTES = len(C.ATTR_XRAY_DECISION_REASON_CODE) + _O
_SCORE_BYTES = len(C.ATTR_XRAY_DECISION_SCORE) + _O + 8
_IMPORTANT_BYTES = len(C.ATTR_XRAY_DECISION_IMPORTANT) + _O + 8
_SEQ_BYTES = len(C.ATTR_XRAY_DECISION_SEQ) + _O + 8


@dataclass
class RecorderDeps:
    tracer: Tracer
    payloads: PayloadWriter
    decisions_per_span: int
    max_span_bytes: int
    sampling_seed: int
    watch_list: frozenset[str]
    stats: Counters
    warn: Warn
    hint_bytes: Callable[[int, int], None]


class DecisionRecorder:
    """Counts and records one step's decisions. ``add`` never raises.

    Callers hold ``lock`` around ``add`` and ``finish`` (and the step's ended check): a step may be
    recorded from several threads (``StepScope.record`` from a pool).
    """

    def __init__(
        self, deps: RecorderDeps, span: Span, step_id: str, run_id: str, name: str, index: int, capture: str
    ) -> None:
        self._deps = deps
        self._step_span = span
        self._span = span
        self._step_id = step_id
        self._run_id = run_id
        self._name = name
        self.capture = capture
        self._full = capture == FULL
        self._counts_only = capture == C.CaptureLevels.METRICS_ONLY
        self._in_span = 0
        self._span_bytes = 0
        self._step_bytes = 0
        self.kept = 0
        self.eliminated = 0
        self.scored = 0
        self.decision_count = 0
        self.recorded_count = 0
        self.invalid = 0
        self.survivor_outputs: JsonArrayBuilder = deps.payloads.array()
        self._sampler = Sampler(run_id, deps.sampling_seed, index, deps.watch_list) if capture == SAMPLED else None
        self._held: tuple[Fields, int] | None = None
        self.lock = threading.Lock()

    def add(self, entry: Any) -> None:
        if self._counts_only:
            quick = quick_count(entry)
            if quick is not None:
                self.decision_count += 1
                outcome = quick[0]
                if outcome == KEPT:
                    self.kept += 1
                elif outcome == ELIMINATED:
                    self.eliminated += 1
                    return
                else:
                    self.scored += 1
                self.survivor_outputs.push(quick[1])
                return
        try:
            f = read_decision(entry)
        except Exception:  # a hostile object is an invalid entry
            f = None
        if f is None:
            self.invalid += 1
            self._deps.warn(
                "invalid_decision",
                "a step produced an entry that is not a decision "
                "(item_id str or int, outcome kept|eliminated|scored); skipped",
            )
            return
        seq = self.decision_count
        self.decision_count = seq + 1
        outcome = f.outcome
        if outcome == KEPT:
            self.kept += 1
            survives = True
        elif outcome == ELIMINATED:
            self.eliminated += 1
            survives = False
        else:
            self.scored += 1
            survives = True
        if self._full:
            json_text = self._emit(f, None, seq)
            if survives:
                if json_text is not None:
                    self.survivor_outputs.push_json(json_text)
                else:
                    self.survivor_outputs.push(_survivor(f))
            return
        if survives:
            self.survivor_outputs.push(_survivor(f))
        sampler = self._sampler
        if sampler is not None:
            self._held = None  # a newer decision exists: the held one is not the last
            if sampler.keep(seq, f.item_id, outcome, f.reason, f.reason_code, f.important):
                self._emit(f, seq, seq)
            else:
                self._held = (f, seq)

    def finish(self) -> None:
        """Records the held-back last decision and ends the open chunk span (not the step span)."""
        try:
            if self._held is not None:
                f, seq = self._held
                self._held = None
                self._emit(f, seq, seq)
        finally:
            if self._span is not self._step_span:
                self._end_chunk()
            self._span = self._step_span
            self._deps.hint_bytes(self._step_span.get_span_context().span_id, self._step_bytes)
            self._deps.stats.add("decisions_made", self.decision_count)
            self._deps.stats.add("decisions_recorded", self.recorded_count)
            self._deps.stats.drop("invalid", self.invalid)

    def _emit(self, f: Fields, seq: int | None, position: int) -> str | None:
        attributes, survivor_json = event_attributes(f, self._deps.payloads, seq)
        if f.input is UNSET and f.output is UNSET and f.metadata is UNSET:
            # the common small decision: exactly what estimate_attributes_bytes gives, without the walk
            size = _BASE_BYTES + len(f.item_id) + len(f.outcome) + len(f.reason or "")
            if f.reason_code is not None:
                size += _CODE_BYTES + len(f.reason_code)
            if f.score is not None:
                size += _SCORE_BYTES
            if f.important:
                size += _IMPORTANT_BYTES
            if seq is not None:
                size += _SEQ_BYTES
        else:
            size = estimate_attributes_bytes(attributes)
        deps = self._deps
        if self._in_span >= deps.decisions_per_span or (
            self._in_span > 0 and self._span_bytes + size > deps.max_span_bytes
        ):
            if self._span is not self._step_span:
                self._end_chunk()
            self._span = self._start_chunk(position)
            self._in_span = 0
            self._span_bytes = 0
        self._span.add_event(C.EVENT_XRAY_DECISION, attributes)
        self._in_span += 1
        self._span_bytes += size
        if self._span is self._step_span:
            self._step_bytes += size + _EVENT_BYTES
        self.recorded_count += 1
        return survivor_json

    def _end_chunk(self) -> None:
        span = self._span
        self._deps.hint_bytes(span.get_span_context().span_id, self._span_bytes + self._in_span * _EVENT_BYTES)
        span.end()

    def _start_chunk(self, offset: int) -> Span:
        self._deps.stats.add("spans_started")
        return self._deps.tracer.start_span(
            f"{self._name} decisions",
            context=trace.set_span_in_context(self._step_span, Context()),
            attributes={
                C.ATTR_XRAY_SPAN_KIND: C.SpanKinds.DECISIONS,
                C.ATTR_XRAY_RUN_ID: self._run_id,
                C.ATTR_XRAY_STEP_ID: self._step_id,
                C.ATTR_XRAY_DECISIONS_OFFSET: offset,
            },
        )


def _survivor(f: Fields) -> Any:
    """``output ?? input ?? item_id``: None and absent alike fall through, as ``??`` does."""
    out = f.output
    if out is not UNSET and out is not None:
        return out
    inp = f.input
    if inp is not UNSET and inp is not None:
        return inp
    return f.item_id
