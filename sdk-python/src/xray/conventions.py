"""X-Ray's semantic conventions: attribute and event names, enumerations and limits.

Generated from otel/conventions.json by otel/scripts/generate.mjs: do not edit, edit the registry.
"""

from __future__ import annotations

from typing import Final

# On every X-Ray span
ATTR_XRAY_SPAN_KIND: Final = "xray.span.kind"
"""Which X-Ray entity a span is: one of `SpanKinds`. On every X-Ray span; spans without it are not X-Ray's."""
ATTR_XRAY_RUN_ID: Final = "xray.run.id"
"""The run a span belongs to (32 hex chars, the run span's trace id). On every X-Ray span."""

# Run span
ATTR_XRAY_PIPELINE_NAME: Final = "xray.pipeline.name"
"""Pipeline name given to `startRun`."""
ATTR_XRAY_RUN_STATUS: Final = "xray.run.status"
"""`ok` or `error`, see `RunStatuses`."""
ATTR_XRAY_RUN_STEP_COUNT: Final = "xray.run.step_count"
"""Number of top-level steps the run executed."""
ATTR_XRAY_RUN_INPUT_COUNT: Final = "xray.run.input_count"
"""Items that entered the run."""
ATTR_XRAY_RUN_OUTPUT_COUNT: Final = "xray.run.output_count"
"""Items the run returned."""
ATTR_XRAY_RUN_INPUT: Final = "xray.run.input"
"""The run's input, serialised as JSON."""
ATTR_XRAY_RUN_OUTPUT: Final = "xray.run.output"
"""The run's result, serialised as JSON."""
ATTR_XRAY_RUN_FAILED_STEP_COUNT: Final = "xray.run.failed_step_count"
"""Steps of the run that ended with status `error`, even when the caller caught the error and the run went on."""

# Step span (and, for the id and offset, decision chunk spans)
ATTR_XRAY_STEP_ID: Final = "xray.step.id"
"""Step id (16 hex chars, the step span's span id). On step spans and their decision chunk spans."""
ATTR_XRAY_STEP_NAME: Final = "xray.step.name"
"""Step name given to `step`, e.g. `filter-by-keywords`."""
ATTR_XRAY_STEP_TYPE: Final = "xray.step.type"
"""Step type, one of `StepTypes`."""
ATTR_XRAY_STEP_INDEX: Final = "xray.step.index"
"""Position of the step in its run, 0-based, in execution order."""
ATTR_XRAY_STEP_STATUS: Final = "xray.step.status"
"""`ok` or `error`."""
ATTR_XRAY_STEP_INPUT_COUNT: Final = "xray.step.input_count"
"""Items that entered the step."""
ATTR_XRAY_STEP_OUTPUT_COUNT: Final = "xray.step.output_count"
"""Items that left the step (kept + scored)."""
ATTR_XRAY_STEP_KEPT_COUNT: Final = "xray.step.kept_count"
"""Decisions with outcome `kept`."""
ATTR_XRAY_STEP_ELIMINATED_COUNT: Final = "xray.step.eliminated_count"
"""Decisions with outcome `eliminated`."""
ATTR_XRAY_STEP_SCORED_COUNT: Final = "xray.step.scored_count"
"""Decisions with outcome `scored`."""
ATTR_XRAY_STEP_DECISION_COUNT: Final = "xray.step.decision_count"
"""Decisions the step made (whether or not each was recorded as an event)."""
ATTR_XRAY_STEP_RECORDED_COUNT: Final = "xray.step.recorded_count"
"""Decisions recorded as events (all of them at capture level `full`, a sample at `sampled`, none at `metrics_only`)."""
ATTR_XRAY_STEP_CAPTURE: Final = "xray.step.capture"
"""Capture level the step ran with, one of `CaptureLevels`."""
ATTR_XRAY_STEP_PARENT_ID: Final = "xray.step.parent_id"
"""For a step nested in another step: the enclosing step's id."""
ATTR_XRAY_STEP_INPUT: Final = "xray.step.input"
"""The step's input, serialised as JSON."""
ATTR_XRAY_STEP_OUTPUT: Final = "xray.step.output"
"""The step's output, serialised as JSON."""
ATTR_XRAY_DECISIONS_OFFSET: Final = "xray.decisions.offset"
"""Sequence number, within its step, of the first decision event carried by this span. Decision events on a span are numbered from it in order, so every decision has a stable identity (`<stepId>-<seq>`) however the SDK splits a step's decisions across spans."""

# Decision event
EVENT_XRAY_DECISION: Final = "xray.decision"
"""Name of the span event that records one decision."""
ATTR_XRAY_DECISION_ITEM_ID: Final = "xray.decision.item_id"
"""The item the decision is about; the same item keeps its id across steps and runs."""
ATTR_XRAY_DECISION_OUTCOME: Final = "xray.decision.outcome"
"""`kept`, `eliminated` or `scored`, see `Outcomes`."""
ATTR_XRAY_DECISION_REASON: Final = "xray.decision.reason"
"""Human-readable explanation, e.g. `Missing required keywords: security, compliance`."""
ATTR_XRAY_DECISION_REASON_CODE: Final = "xray.decision.reason_code"
"""Optional low-cardinality reason class, e.g. `missing_keywords`."""
ATTR_XRAY_DECISION_SEQ: Final = "xray.decision.seq"
"""Position of the decision among all the decisions its step made (0-based). Present when not every decision is recorded; otherwise the position follows from `xray.decisions.offset`."""
ATTR_XRAY_DECISION_IMPORTANT: Final = "xray.decision.important"
"""True when the caller marked the decision important (always recorded)."""
ATTR_XRAY_DECISION_SCORE: Final = "xray.decision.score"
"""Optional numeric score."""
ATTR_XRAY_DECISION_INPUT: Final = "xray.decision.input"
"""What the step evaluated for this item, serialised as JSON."""
ATTR_XRAY_DECISION_OUTPUT: Final = "xray.decision.output"
"""What the step produced for this item, serialised as JSON."""
ATTR_XRAY_DECISION_METADATA: Final = "xray.decision.metadata"
"""Free-form details, serialised as JSON."""

# Payload references: a payload too large to ride in a span is uploaded to PUT /v1/payloads/{day}/{sha256}
# and the span carries its reference attribute instead: the payload attribute's name with `_ref`,
# holding `<YYYY-MM-DD>/<sha256 hex>/<bytes>`.
ATTR_XRAY_RUN_INPUT_REF: Final = "xray.run.input_ref"
"""Reference to the uploaded JSON of `xray.run.input`."""
ATTR_XRAY_RUN_OUTPUT_REF: Final = "xray.run.output_ref"
"""Reference to the uploaded JSON of `xray.run.output`."""
ATTR_XRAY_STEP_INPUT_REF: Final = "xray.step.input_ref"
"""Reference to the uploaded JSON of `xray.step.input`."""
ATTR_XRAY_STEP_OUTPUT_REF: Final = "xray.step.output_ref"
"""Reference to the uploaded JSON of `xray.step.output`."""
ATTR_XRAY_DECISION_INPUT_REF: Final = "xray.decision.input_ref"
"""Reference to the uploaded JSON of `xray.decision.input`."""
ATTR_XRAY_DECISION_OUTPUT_REF: Final = "xray.decision.output_ref"
"""Reference to the uploaded JSON of `xray.decision.output`."""
ATTR_XRAY_DECISION_METADATA_REF: Final = "xray.decision.metadata_ref"
"""Reference to the uploaded JSON of `xray.decision.metadata`."""


class SpanKinds:
    """Values of `xray.span.kind`."""

    RUN: Final = "run"
    """The root span of a pipeline run."""
    STEP: Final = "step"
    """One step of a run."""
    DECISIONS: Final = "decisions"
    """A child of a step span that carries more of the step's decision events."""
    ALL: Final = frozenset({"run", "step", "decisions"})
    """Every value."""


class StepTypes:
    """Values of `xray.step.type`."""

    FILTER: Final = "filter"
    RANK: Final = "rank"
    SCORE: Final = "score"
    TRANSFORM: Final = "transform"
    RETRIEVE: Final = "retrieve"
    LLM: Final = "llm"
    CUSTOM: Final = "custom"
    ALL: Final = frozenset({"filter", "rank", "score", "transform", "retrieve", "llm", "custom"})
    """Every value."""


class Outcomes:
    """Values of `xray.decision.outcome`."""

    KEPT: Final = "kept"
    """The item continues to the next step."""
    ELIMINATED: Final = "eliminated"
    """The item was removed and will not continue."""
    SCORED: Final = "scored"
    """The item was ranked or scored; it continues, and a later threshold decides its fate."""
    ALL: Final = frozenset({"kept", "eliminated", "scored"})
    """Every value."""


class RunStatuses:
    """Values of `xray.run.status` and `xray.step.status`."""

    OK: Final = "ok"
    ERROR: Final = "error"
    ALL: Final = frozenset({"ok", "error"})
    """Every value."""


class CaptureLevels:
    """How much of a step's decisions is recorded as events; counts are exact at every level."""

    METRICS_ONLY: Final = "metrics_only"
    """Counts only, no decision events."""
    SAMPLED: Final = "sampled"
    """A sample that grows far slower than the decisions, always keeping the unusual."""
    FULL: Final = "full"
    """Every decision."""
    ALL: Final = frozenset({"metrics_only", "sampled", "full"})
    """Every value."""


class TruncationReasons:
    """Values of a truncation marker's `reason`, when a value under the cap was still not kept whole. A marker without a reason replaced a value over the cap."""

    QUEUE_FULL: Final = "queue_full"
    """The SDK's queue had no room to hold the value until it was uploaded."""
    SHUTDOWN: Final = "shutdown"
    """The SDK was shutting down."""
    ALL: Final = frozenset({"queue_full", "shutdown"})
    """Every value."""


# Limits and fixed values
PAYLOAD_UPLOAD_PATH: Final = "/v1/payloads"
"""Path (under the receiver's origin) that takes one payload's bytes: `PUT /v1/payloads/{day}/{sha256}` with the ingest key, body = the payload's JSON as UTF-8."""
DEFAULT_MAX_PAYLOAD_BYTES: Final = 67_108_864
"""Default cap on one payload's JSON, in bytes; past it a value is recorded as a truncation marker."""
DEFAULT_INLINE_PAYLOAD_BYTES: Final = 16_384
"""Payloads whose JSON is longer than this travel by reference rather than inside the span (SDK default). Smaller payloads ride inline; the backend stores repeats of either kind once per day."""
TRUNCATED_KEY: Final = "_xray_truncated"
"""Key of the marker object that replaces a value over the cap: `{"_xray_truncated":true,...}`."""
DEFAULT_DECISIONS_PER_SPAN: Final = 1_000
"""Most decision events on one span (SDK default); a step's further decisions go on `decisions` spans."""
MAX_REASON_CLASSES: Final = 256
"""Reason classes the sampler tracks per step; beyond this, new classes fall back to the random rule."""
REASON_CLASS_CHARS: Final = 80
"""Characters (UTF-16 code units) of a reason text kept in its sampler class."""

__all__ = [
    "ATTR_XRAY_SPAN_KIND",
    "ATTR_XRAY_RUN_ID",
    "ATTR_XRAY_PIPELINE_NAME",
    "ATTR_XRAY_RUN_STATUS",
    "ATTR_XRAY_RUN_STEP_COUNT",
    "ATTR_XRAY_RUN_INPUT_COUNT",
    "ATTR_XRAY_RUN_OUTPUT_COUNT",
    "ATTR_XRAY_RUN_INPUT",
    "ATTR_XRAY_RUN_OUTPUT",
    "ATTR_XRAY_RUN_FAILED_STEP_COUNT",
    "ATTR_XRAY_STEP_ID",
    "ATTR_XRAY_STEP_NAME",
    "ATTR_XRAY_STEP_TYPE",
    "ATTR_XRAY_STEP_INDEX",
    "ATTR_XRAY_STEP_STATUS",
    "ATTR_XRAY_STEP_INPUT_COUNT",
    "ATTR_XRAY_STEP_OUTPUT_COUNT",
    "ATTR_XRAY_STEP_KEPT_COUNT",
    "ATTR_XRAY_STEP_ELIMINATED_COUNT",
    "ATTR_XRAY_STEP_SCORED_COUNT",
    "ATTR_XRAY_STEP_DECISION_COUNT",
    "ATTR_XRAY_STEP_RECORDED_COUNT",
    "ATTR_XRAY_STEP_CAPTURE",
    "ATTR_XRAY_STEP_PARENT_ID",
    "ATTR_XRAY_STEP_INPUT",
    "ATTR_XRAY_STEP_OUTPUT",
    "ATTR_XRAY_DECISIONS_OFFSET",
    "EVENT_XRAY_DECISION",
    "ATTR_XRAY_DECISION_ITEM_ID",
    "ATTR_XRAY_DECISION_OUTCOME",
    "ATTR_XRAY_DECISION_REASON",
    "ATTR_XRAY_DECISION_REASON_CODE",
    "ATTR_XRAY_DECISION_SEQ",
    "ATTR_XRAY_DECISION_IMPORTANT",
    "ATTR_XRAY_DECISION_SCORE",
    "ATTR_XRAY_DECISION_INPUT",
    "ATTR_XRAY_DECISION_OUTPUT",
    "ATTR_XRAY_DECISION_METADATA",
    "ATTR_XRAY_RUN_INPUT_REF",
    "ATTR_XRAY_RUN_OUTPUT_REF",
    "ATTR_XRAY_STEP_INPUT_REF",
    "ATTR_XRAY_STEP_OUTPUT_REF",
    "ATTR_XRAY_DECISION_INPUT_REF",
    "ATTR_XRAY_DECISION_OUTPUT_REF",
    "ATTR_XRAY_DECISION_METADATA_REF",
    "SpanKinds",
    "StepTypes",
    "Outcomes",
    "RunStatuses",
    "CaptureLevels",
    "TruncationReasons",
    "PAYLOAD_UPLOAD_PATH",
    "DEFAULT_MAX_PAYLOAD_BYTES",
    "DEFAULT_INLINE_PAYLOAD_BYTES",
    "TRUNCATED_KEY",
    "DEFAULT_DECISIONS_PER_SPAN",
    "MAX_REASON_CLASSES",
    "REASON_CLASS_CHARS",
]
