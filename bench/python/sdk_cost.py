#!/usr/bin/env python3
"""What recording decisions costs the host with the Python SDK, as ratios against bare OpenTelemetry
Python measured in the same run (the method of bench/src/sdk.ts; rules in PERFORMANCE.md).

    /work/main/.venv/bin/python bench/python/sdk_cost.py [--decisions 100000] [--reps 7]

Per capture level: one step of N decisions (item id, outcome, reason, score) recorded by the SDK,
exporting to an exporter that accepts everything at once (recording is measured, not the network),
against a bare ``span.add_event`` of the same attributes on a provider whose event limit holds them
all. Warm-up twice, then REPS interleaved repetitions (bare, full, sampled, metrics_only, ...);
the median of each is reported.
"""

from __future__ import annotations

import argparse
import gc
import http.server
import platform
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from opentelemetry import version as otel_version
from opentelemetry.sdk.trace import ReadableSpan, SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

import xray
from xray import XRay
from xray import conventions as C

LEVELS = (C.CaptureLevels.FULL, C.CaptureLevels.SAMPLED, C.CaptureLevels.METRICS_ONLY)
GOALS = {C.CaptureLevels.FULL: 1.5, C.CaptureLevels.SAMPLED: 0.5, C.CaptureLevels.METRICS_ONLY: 0.2}


class Discard(SpanExporter):
    """Accepts everything at once."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None


class _Accept(http.server.BaseHTTPRequestHandler):
    """Stands in for the receiver's payload route: reads the body, answers 200."""

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def payload_receiver() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Accept)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


PAYLOADS = ""


def make_decisions(n: int) -> list[dict[str, Any]]:
    return [
        {
            "item_id": f"item-{i}",
            "outcome": C.Outcomes.KEPT if i % 3 else C.Outcomes.ELIMINATED,
            "reason": "passes" if i % 3 else "Missing required keywords: security",
            "score": i / n,
        }
        for i in range(n)
    ]


def bare_add_event(attributes: list[dict[str, Any]]) -> float:
    """µs per decision of a bare ``span.add_event`` with the same attributes."""
    provider = TracerProvider(span_limits=SpanLimits(max_events=len(attributes)), shutdown_on_exit=False)
    span = provider.get_tracer("bench").start_span("step")
    t = time.perf_counter()
    for a in attributes:
        span.add_event(C.EVENT_XRAY_DECISION, a)
    elapsed = time.perf_counter() - t
    span.end()
    return elapsed * 1e6 / len(attributes)


def xray_step(decisions: list[dict[str, Any]], capture: str) -> tuple[float, int, int]:
    """µs per decision of one X-Ray step; with the decisions made and recorded, to check exactness."""
    client = XRay(exporter=Discard(), capture=capture, payload_endpoint=PAYLOADS)
    run_id = client.start_run("bench")
    t = time.perf_counter()
    client.step(run_id, C.StepTypes.FILTER, "filter", lambda _input: decisions)
    elapsed = time.perf_counter() - t
    client.end_run(run_id)
    client.shutdown(10)
    stats = client.stats()
    return elapsed * 1e6 / len(decisions), stats.decisions_made, stats.decisions_recorded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    global PAYLOADS
    PAYLOADS = payload_receiver()  # the step output (the survivors' ids) is over 16 KiB: uploaded
    n = args.decisions
    decisions = make_decisions(n)
    attributes = [
        {
            C.ATTR_XRAY_DECISION_ITEM_ID: d["item_id"],
            C.ATTR_XRAY_DECISION_OUTCOME: d["outcome"],
            C.ATTR_XRAY_DECISION_REASON: d["reason"],
            C.ATTR_XRAY_DECISION_SCORE: d["score"],
        }
        for d in decisions
    ]
    print(
        f"X-Ray Python SDK cost per decision - Python {platform.python_version()}, OpenTelemetry SDK "
        f"{otel_version.__version__}, xray-sdk {xray.__version__}, {n} decisions per step, median of {args.reps}",
        flush=True,
    )
    samples: dict[str, list[float]] = {"bare": [], **{level: [] for level in LEVELS}}
    recorded: dict[str, int] = {}
    for _ in range(2):  # warm-up
        bare_add_event(attributes)
        for level in LEVELS:
            xray_step(decisions, level)
    for _ in range(args.reps):
        gc.collect()
        samples["bare"].append(bare_add_event(attributes))
        for level in LEVELS:
            gc.collect()
            cost, made, rec = xray_step(decisions, level)
            if made != n:
                print(f"ERROR: {level} counted {made} decisions, expected {n}", file=sys.stderr)
                return 1
            samples[level].append(cost)
            recorded[level] = rec
    median = {k: statistics.median(v) for k, v in samples.items()}
    rows = [("bare span.add_event, µs/decision", f"{median['bare']:.2f}", "", "", "", "")]
    ok_all = True
    for level in LEVELS:
        ratio = median[level] / median["bare"]
        ok = ratio <= GOALS[level]
        ok_all = ok_all and ok
        rows.append(
            (
                f"{level}, µs/decision ({recorded[level]} recorded)",
                f"{median[level]:.2f}",
                "bare add_event",
                f"{ratio:.2f}x",
                f"<= {GOALS[level]}x",
                "ok" if ok else "MISSED",
            )
        )
    header = ("figure", "value", "baseline", "ratio", "goal", "verdict")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(f"\nall {n} decisions counted exactly at every level; goals {'met' if ok_all else 'NOT all met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
