"""X-Ray's own OTLP/HTTP protobuf span exporter.

OpenTelemetry's ``OTLPSpanExporter`` merges the application's ``OTEL_EXPORTER_OTLP_*`` settings
(headers, certificates, client key, compression) into every request, so a host configured for its own
tracing vendor would send that vendor's key to the X-Ray receiver. This one reads no environment: it
sends exactly X-Ray's headers, an uncompressed ``application/x-protobuf`` body encoded by
OpenTelemetry's own encoder, and retries within ``timeout`` seconds (see ``_http``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from xray._http import send_with_retries

_NULL_HANDLER = logging.NullHandler()


class XRayOtlpExporter(SpanExporter):
    """POSTs spans to ``endpoint`` with ``headers`` only; one export, retries included, takes <= ``timeout``."""

    def __init__(self, endpoint: str, headers: Mapping[str, str], timeout: float) -> None:
        # The encoder logs what it cannot encode; unconfigured, Python would print that to the host's
        # stderr (its "last resort" handler). A NullHandler stops only that fallback: an application
        # that configures logging still receives them. X-Ray counts failures in stats().
        logging.getLogger("opentelemetry.exporter.otlp").addHandler(_NULL_HANDLER)
        self._endpoint = endpoint
        self._headers = {**headers, "content-type": "application/x-protobuf"}
        self._timeout = timeout
        self._stop = threading.Event()
        self.last_failure: str | None = None

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self._stop.is_set():
            return SpanExportResult.FAILURE
        body = encode_spans(spans).SerializePartialToString()
        self.last_failure = send_with_retries("POST", self._endpoint, body, self._headers, self._timeout, self._stop)
        return SpanExportResult.SUCCESS if self.last_failure is None else SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self._stop.set()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
