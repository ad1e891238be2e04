"""X-Ray's own OTLP/HTTP exporter: X-Ray's headers only, protobuf that decodes, retries within the bound."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import HungServer, Recorded
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SpanExportResult

from xray import KEPT, XRay
from xray._otlp_http import XRayOtlpExporter


class Receiver:
    """Records every request (POST and PUT); answers from ``replies`` (status, headers) in turn, then 200."""

    def __init__(self, replies: list[tuple[int, dict[str, str]]] | None = None) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.replies = list(replies or [])
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                outer.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status, headers = outer.replies.pop(0) if outer.replies else (200, {})
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", "0")
                self.end_headers()

            # Payload uploads (PUT /v1/payloads/...) are answered like span exports, as the receiver does.
            do_PUT = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def record_one(x: XRay) -> None:
    with x.run("search", ["a", "b"]) as run:
        run.step("filter", "f", lambda docs: [{"item_id": d, "outcome": KEPT} for d in docs], ["a", "b"])


def test_sends_only_xray_headers_and_plain_protobuf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-vendor=secret,authorization=Basic%20vendor")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-honeycomb-team=vendor-key")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip")
    receiver = Receiver()
    x = XRay(endpoint=receiver.url, api_key="xr-key", headers={"x-team": "t1"}, capture="full")
    try:
        record_one(x)
        assert x.flush(5) is True
        assert receiver.requests, "nothing reached the receiver"
        for headers, _body in receiver.requests:
            assert headers["authorization"] == "Bearer xr-key"
            assert headers["x-team"] == "t1"
            assert headers["content-type"] == "application/x-protobuf"
            assert "x-vendor" not in headers and "x-honeycomb-team" not in headers
            assert "content-encoding" not in headers
            assert set(headers) <= {"authorization", "x-team", "content-type", "content-length"} | {
                "host",
                "user-agent",
                "accept-encoding",
                "connection",
            }
        names = []
        for _, body in receiver.requests:
            req = ExportTraceServiceRequest()
            req.ParseFromString(body)  # gzip would not parse
            names += [s.name for rs in req.resource_spans for ss in rs.scope_spans for s in ss.spans]
        assert sorted(names) == ["f", "search"]
    finally:
        x.shutdown(1)
        receiver.close()


def test_503_with_retry_after_is_retried() -> None:
    receiver = Receiver([(503, {"Retry-After": "0"})])
    x = XRay(endpoint=receiver.url, capture="full", export_timeout=5)
    try:
        record_one(x)
        assert x.flush(5) is True
        assert len(receiver.requests) == 2
        assert x.stats().export_failures == 0 and x.stats().spans_exported == 2
    finally:
        x.shutdown(1)
        receiver.close()


def test_400_is_not_retried() -> None:
    receiver = Receiver([(400, {}), (400, {})])
    x = XRay(endpoint=receiver.url, capture="full", export_timeout=5)
    try:
        record_one(x)
        assert x.flush(5) is False
        assert len(receiver.requests) == 1
        assert x.stats().export_failures == 1
    finally:
        x.shutdown(1)
        receiver.close()


def test_export_stays_within_export_timeout_against_a_hung_server() -> None:
    server = HungServer()
    recorded = Recorded(capture="full")
    try:
        record_one(recorded.xray)
        exporter = XRayOtlpExporter(f"http://127.0.0.1:{server.port}/v1/traces", {}, 0.6)
        t = time.monotonic()
        assert exporter.export(recorded.spans()) is SpanExportResult.FAILURE
        took = time.monotonic() - t
        assert took < 0.6 + 0.5, f"export took {took:.2f}s with export_timeout 0.6s"
        assert exporter.last_failure is not None
    finally:
        recorded.xray.shutdown(1)
        server.close()


SCENARIO = Path(__file__).resolve().parents[2] / "e2e" / "python" / "scenario.py"


@pytest.mark.parametrize("status", [200, 400])
def test_e2e_scenario_exits_non_zero_when_not_delivered(status: int) -> None:
    receiver = Receiver([(status, {})] * 50)
    try:
        env = {**os.environ, "XRAY_ENDPOINT": receiver.url, "XRAY_API_KEY": "k"}
        env["XRAY_PAYLOAD_ENDPOINT"] = receiver.url.removesuffix("/v1/traces")
        done = subprocess.run([sys.executable, str(SCENARIO)], env=env, capture_output=True, text=True, timeout=60)
    finally:
        receiver.close()
    if status == 200:
        assert done.returncode == 0 and done.stdout.startswith("run "), done.stderr
    else:
        assert done.returncode == 1 and "did not all reach the receiver" in done.stderr
        assert "export failures" in done.stderr and "'spans_dropped'" in done.stderr
