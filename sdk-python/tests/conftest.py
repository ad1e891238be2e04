"""Shared helpers: a client with an in-memory exporter, fixed ids, the shared vectors."""

from __future__ import annotations

import json
import pathlib
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator

from xray import KEPT, XRay

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "otel" / "test-vectors"


def vectors(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


class FixedIds(IdGenerator):
    """The vector's trace id, then its span ids in the order spans start."""

    def __init__(self, trace_id: str, span_ids: list[str]) -> None:
        self._trace = int(trace_id, 16)
        self._spans = [int(s, 16) for s in span_ids]
        self._next = 0

    def generate_trace_id(self) -> int:
        return self._trace

    def generate_span_id(self) -> int:
        sid = self._spans[self._next]
        self._next += 1
        return sid


class Recorded:
    """A client writing to memory, and its finished spans."""

    def __init__(self, **options: Any) -> None:
        self.exporter = InMemorySpanExporter()
        if "payload_endpoint" not in options:  # large step outputs are uploaded: to a local stand-in
            options["payload_endpoint"] = shared_payload_server().url
        self.xray = XRay(exporter=self.exporter, **options)

    def spans(self) -> list[ReadableSpan]:
        assert self.xray.flush(5), "flush to the in-memory exporter failed"
        return list(self.exporter.get_finished_spans())

    def kind(self, kind: str) -> list[ReadableSpan]:
        return [s for s in self.spans() if (s.attributes or {}).get("xray.span.kind") == kind]

    def decisions(self) -> list[dict[str, Any]]:
        return [dict(e.attributes or {}) for s in self.spans() for e in s.events if e.name == "xray.decision"]


@pytest.fixture
def recorded() -> Iterator[Callable[..., Recorded]]:
    made: list[Recorded] = []

    def make(**options: Any) -> Recorded:
        r = Recorded(**options)
        made.append(r)
        return r

    yield make
    for r in made:
        r.xray.shutdown(1)


class PayloadServer:
    """A stand-in for the receiver's payload route: records PUTs, answers 200."""

    def __init__(self) -> None:
        import http.server
        import threading

        puts: list[tuple[str, str | None, str]] = []
        self.puts = puts

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                puts.append((self.path, self.headers.get("authorization"), str(len(body))))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


_SHARED: list[PayloadServer] = []


def shared_payload_server() -> PayloadServer:
    if not _SHARED:
        _SHARED.append(PayloadServer())
    return _SHARED[0]


@pytest.fixture
def payload_server() -> Iterator[PayloadServer]:
    s = PayloadServer()
    yield s
    s.server.shutdown()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class HungServer:
    """Accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


def busy_run(x: XRay, n: int = 2000) -> None:
    run_id = x.start_run("p", list(range(n)))
    x.step(
        run_id,
        "filter",
        "f",
        lambda docs: [{"item_id": d, "outcome": KEPT, "input": {"doc": d}} for d in docs],
        list(range(n)),
    )
    x.end_run(run_id, {"big": "x" * 40000})  # over 16 KiB: an upload too
