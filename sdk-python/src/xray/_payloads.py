"""Payloads on spans and events: inline up to the threshold, else uploaded and referenced (payloads.ts)."""

from __future__ import annotations

import hashlib
import time
from typing import Any, Literal, Protocol

from xray import conventions as C
from xray._serialize import JsonArrayBuilder, fits, serialize, truncated
from xray._types import Counters
from xray._warn import Warn

PAYLOAD_REF_ATTRIBUTES: dict[str, str] = {
    C.ATTR_XRAY_RUN_INPUT: C.ATTR_XRAY_RUN_INPUT_REF,
    C.ATTR_XRAY_RUN_OUTPUT: C.ATTR_XRAY_RUN_OUTPUT_REF,
    C.ATTR_XRAY_STEP_INPUT: C.ATTR_XRAY_STEP_INPUT_REF,
    C.ATTR_XRAY_STEP_OUTPUT: C.ATTR_XRAY_STEP_OUTPUT_REF,
    C.ATTR_XRAY_DECISION_INPUT: C.ATTR_XRAY_DECISION_INPUT_REF,
    C.ATTR_XRAY_DECISION_OUTPUT: C.ATTR_XRAY_DECISION_OUTPUT_REF,
    C.ATTR_XRAY_DECISION_METADATA: C.ATTR_XRAY_DECISION_METADATA_REF,
}

Offer = Literal["queued", "known", "queue_full", "shutdown"]


class PayloadSink(Protocol):
    def offer(self, day: str, sha256: str, body: bytes) -> Offer: ...


def payload_day(epoch_seconds: float) -> str:
    """The UTC day a reference carries, ``YYYY-MM-DD``."""
    return time.strftime("%Y-%m-%d", time.gmtime(epoch_seconds))


class PayloadWriter:
    """Puts payloads on attributes: JSON up to ``inline_bytes`` inline, longer uploaded with a ``*_ref``."""

    __slots__ = ("max_bytes", "inline_bytes", "_stats", "_sink", "_warn", "_seen_failures")

    def __init__(self, max_bytes: int, inline_bytes: int, stats: Counters, sink: PayloadSink, warn: Warn) -> None:
        self.max_bytes = max_bytes
        self.inline_bytes = inline_bytes
        self._stats = stats
        self._sink = sink
        self._warn = warn
        self._seen_failures = stats.serialization_failures

    def set(self, target: dict[str, Any], attribute: str, value: Any) -> str | None:
        """Records ``value``'s JSON under ``attribute`` (or its reference); returns that JSON."""
        json_text = serialize(value, self.max_bytes, self.inline_bytes, self._stats)
        if json_text is not None:
            self.set_json(target, attribute, json_text)
        return json_text

    def array(self) -> JsonArrayBuilder:
        return JsonArrayBuilder(self.max_bytes, self.inline_bytes, self._stats)

    def set_json(self, target: dict[str, Any], attribute: str, json_text: str) -> None:
        """Records JSON already bounded by the cap."""
        if self._stats.serialization_failures != self._seen_failures:
            self._seen_failures = self._stats.serialization_failures
            self._warn(
                "serialization",
                "a value could not be serialised as plain JSON (cycle or unreadable value); recorded safely instead",
            )
        inline = self.inline_bytes
        if fits(json_text, inline):
            target[attribute] = json_text
            return
        body = json_text.encode("utf-8", "surrogatepass")
        sha256 = hashlib.sha256(body).hexdigest()
        day = payload_day(time.time())
        offer = self._sink.offer(day, sha256, body)
        if offer == "queued" or offer == "known":
            target[PAYLOAD_REF_ATTRIBUTES[attribute]] = f"{day}/{sha256}/{len(body)}"
            return
        self._stats.add("dropped_payloads")
        if offer == "queue_full":
            self._warn(
                "payload_queue_full",
                "no room to hold a large payload for upload (receiver slow or unreachable); "
                "recorded as a truncation marker",
            )
        target[attribute] = truncated(json_text, inline, len(body), offer)
