"""X-Ray's own tracer provider, processor, exporter and uploader (port of sdk/src/provider.ts).

Never registered globally: the application's provider, limits, sampler and exporter neither apply to
X-Ray's spans nor see them.
"""

from __future__ import annotations

import time

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON

from xray._budget import QueueBudget
from xray._options import ResolvedOptions
from xray._otlp_http import XRayOtlpExporter
from xray._payloads import PayloadWriter
from xray._processor import BoundedBatchProcessor
from xray._recorder import RecorderDeps
from xray._types import Counters, XRayStats
from xray._uploader import PayloadUploader
from xray._warn import create_warner

TRACER_NAME = "xray-sdk"
MAX_EXPORT_SPANS = 512
SCHEDULED_DELAY = 0.2
ATTRIBUTE_COUNT_LIMIT = 128
MIN_ATTRIBUTE_VALUE_LENGTH = 64 * 1024
STEP_ATTRIBUTES_RESERVE_BYTES = 4096
UPLOAD_CONCURRENCY = 2
RECENT_PAYLOAD_DIGESTS = 4096
THREAD_JOIN = 0.2  # at close, the longest wait for the background threads to exit


def create_otlp_exporter(opts: ResolvedOptions) -> SpanExporter:
    """OTLP/HTTP protobuf to ``endpoint`` with the ingest key (``Authorization: Bearer``) and headers only:
    X-Ray's own exporter, so the application's ``OTEL_EXPORTER_OTLP_*`` settings never reach the receiver."""
    return XRayOtlpExporter(opts.endpoint, opts.headers, opts.export_timeout)


class Pipeline:
    """Everything behind one client: counters, budget, processor, provider, uploader, payload writer."""

    def __init__(self, opts: ResolvedOptions) -> None:
        self.stats = Counters()
        self.warn = create_warner()
        budget = QueueBudget(opts.max_queue_bytes, opts.max_export_bytes)
        self.exporter = opts.exporter if opts.exporter is not None else create_otlp_exporter(opts)
        self.processor = BoundedBatchProcessor(
            self.exporter,
            max_queue_spans=opts.max_queue_spans,
            max_queue_bytes=opts.max_queue_bytes,
            max_export_bytes=opts.max_export_bytes,
            max_export_spans=MAX_EXPORT_SPANS,
            scheduled_delay=SCHEDULED_DELAY,
            budget=budget,
            stats=self.stats,
            warn=self.warn,
        )
        self.provider = TracerProvider(
            sampler=ALWAYS_ON,  # explicit, so OTEL_TRACES_SAMPLER cannot sample X-Ray's runs away
            resource=Resource.create({SERVICE_NAME: opts.service_name}),
            shutdown_on_exit=False,  # X-Ray's own atexit hook is bounded in time
            span_limits=SpanLimits(
                max_events=opts.decisions_per_span,  # the recorder never puts more on a span
                max_attributes=ATTRIBUTE_COUNT_LIMIT,
                max_event_attributes=ATTRIBUTE_COUNT_LIMIT,
                max_links=ATTRIBUTE_COUNT_LIMIT,
                max_span_attributes=ATTRIBUTE_COUNT_LIMIT,
                max_attribute_length=max(MIN_ATTRIBUTE_VALUE_LENGTH, opts.inline_payload_bytes),
            ),
            id_generator=opts.id_generator,  # None: the SDK's random one
        )
        self.provider.add_span_processor(self.processor)
        self.uploader = PayloadUploader(
            opts.payload_endpoint,
            opts.headers,
            budget,
            opts.export_timeout,
            UPLOAD_CONCURRENCY,
            RECENT_PAYLOAD_DIGESTS,
            self.stats,
            self.warn,
        )
        self.payloads = PayloadWriter(
            opts.max_payload_bytes, opts.inline_payload_bytes, self.stats, self.uploader, self.warn
        )
        self.deps = RecorderDeps(
            tracer=self.provider.get_tracer(TRACER_NAME),
            payloads=self.payloads,
            decisions_per_span=opts.decisions_per_span,
            max_span_bytes=opts.max_export_bytes - 2 * opts.inline_payload_bytes - STEP_ATTRIBUTES_RESERVE_BYTES,
            sampling_seed=opts.sampling_seed,
            watch_list=opts.watch_list,
            stats=self.stats,
            warn=self.warn,
            hint_bytes=self.processor.hint_event_bytes,
        )

    def drain(self, timeout: float) -> bool:
        """Both queues delivered within ``timeout`` seconds; a timeout is counted in ``flush_timeouts``."""
        deadline = time.monotonic() + timeout
        try:
            spans = self.processor.drain(timeout)
            payloads = self.uploader.drain(max(0.0, deadline - time.monotonic()))
        except Exception as err:
            self.stats.add("internal_errors")
            self.warn("internal", "internal error; recording continues best-effort", err)
            return False
        if time.monotonic() >= deadline and not (spans and payloads):
            self.stats.add("flush_timeouts")
        return spans and payloads

    def close(self, timeout: float) -> bool:
        """Stops accepting spans, exports what is queued, abandons what is still pending after ``timeout``."""
        deadline = time.monotonic() + timeout
        self.processor.shutdown()
        ok = self.drain(timeout)
        self.uploader.close()
        self.processor.close_exporter()
        join = min(THREAD_JOIN, max(0.0, deadline - time.monotonic()))
        self.processor.join(join)
        self.uploader.join(join)
        return ok

    def snapshot(self) -> XRayStats:
        out = self.stats.snapshot()
        out.queued_spans, out.queued_bytes = self.processor.pending
        out.queued_payloads, out.queued_payload_bytes = self.uploader.pending
        return out
