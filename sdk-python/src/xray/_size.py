"""Estimated OTLP protobuf sizes of spans and attributes (port of sdk/src/size.ts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan

SPAN_OVERHEAD_BYTES = 160
EVENT_OVERHEAD_BYTES = 24
ATTRIBUTE_OVERHEAD_BYTES = 8


def estimate_attributes_bytes(attributes: Mapping[str, Any]) -> int:
    total = 0
    for key, value in attributes.items():
        total += len(key) + ATTRIBUTE_OVERHEAD_BYTES
        if type(value) is str:
            total += len(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                total += len(item) + 2 if isinstance(item, str) else 9
        else:
            total += 8
    return total


def estimate_span_bytes(span: ReadableSpan, events_bytes: int | None = None) -> int:
    """Estimated size of ``span``; ``events_bytes`` (from the recorder) spares walking its events again."""
    total = SPAN_OVERHEAD_BYTES + len(span.name) + estimate_attributes_bytes(span.attributes or {})
    if events_bytes is not None:
        total += events_bytes
    else:
        for event in span.events:
            total += EVENT_OVERHEAD_BYTES + len(event.name)
            if event.attributes:
                total += estimate_attributes_bytes(event.attributes)
    for link in span.links:
        total += SPAN_OVERHEAD_BYTES // 2
        if link.attributes:
            total += estimate_attributes_bytes(link.attributes)
    return total
