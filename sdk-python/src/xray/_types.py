"""Public data types: decisions and stats."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict


class _DecisionKeys(TypedDict):
    item_id: str | int
    outcome: str


class DecisionDict(_DecisionKeys, total=False):
    """A decision as a dict (snake_case keys; the TypeScript camelCase keys are accepted too)."""

    reason: str
    reason_code: str
    important: bool
    score: float
    input: Any
    output: Any
    metadata: Mapping[str, Any]


@dataclass
class Decision:
    """One decision a step made about one item. ``None`` fields are absent (not recorded)."""

    item_id: str | int
    outcome: str
    reason: str | None = None
    reason_code: str | None = None
    important: bool = False
    score: float | None = None
    input: Any = None
    output: Any = None
    metadata: Mapping[str, Any] | None = None


RecordDecision = Callable[[Any], None]
"""Records one decision as it is made (streaming). Never raises; ignored once the step has ended."""


@dataclass
class DroppedDecisions:
    """Decisions made but never delivered, by cause."""

    invalid: int = 0
    queue_full: int = 0
    export_failed: int = 0
    unknown_run: int = 0
    after_shutdown: int = 0
    after_step_end: int = 0


@dataclass
class XRayStats:
    """What the SDK recorded, dropped and absorbed (the TypeScript ``XRayStats`` in snake_case)."""

    runs_started: int = 0
    steps_recorded: int = 0
    spans_started: int = 0
    decisions_made: int = 0
    decisions_recorded: int = 0
    decisions_dropped: DroppedDecisions = field(default_factory=DroppedDecisions)
    invalid_results: int = 0
    serialization_failures: int = 0
    truncated_values: int = 0
    uploaded_payloads: int = 0
    uploaded_payload_bytes: int = 0
    dropped_payloads: int = 0
    spans_exported: int = 0
    spans_dropped: int = 0
    bytes_sent: int = 0
    export_failures: int = 0
    flush_timeouts: int = 0
    ignored_calls: int = 0
    runs_abandoned: int = 0
    internal_errors: int = 0
    queued_spans: int = 0
    queued_bytes: int = 0
    queued_payloads: int = 0
    queued_payload_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class Counters(XRayStats):
    """The client's live counters; ``add`` is safe from any thread."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def drop(self, cause: str, n: int = 1) -> None:
        if n:
            with self.lock:
                d = self.decisions_dropped
                setattr(d, cause, getattr(d, cause) + n)

    def snapshot(self) -> XRayStats:
        with self.lock:
            values = {f.name: getattr(self, f.name) for f in dataclasses.fields(XRayStats)}
            values["decisions_dropped"] = dataclasses.replace(self.decisions_dropped)
        return XRayStats(**values)
