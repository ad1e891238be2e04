"""The X-Ray client (port of sdk/src/xray.ts): runs -> traces, steps -> spans, decisions -> events.
Only invalid options raise (from the constructor); X-Ray's own failures are counted in ``stats()``."""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator

from xray import conventions as C
from xray._calls import scope_of
from xray._decision import UNSET
from xray._decorator import step_decorator
from xray._exit import flush_at_exit
from xray._options import capture_of, resolve_options
from xray._pipeline import Pipeline
from xray._pyvalues import safe_str
from xray._scopes import Run, StepScope
from xray._stepping import StepMethods
from xray._steps import RunState, finish_run, open_run, random_run_id
from xray._types import XRayStats

T = TypeVar("T")
_CLIENT_KEYS = itertools.count(1)  # each client's key in the contextvars scope


class XRay(StepMethods):
    """Records pipeline runs as OpenTelemetry traces through its own tracer provider (never the global one).

    Every option is keyword-only and optional; defaults and environment variables are in the README.
    Times are in seconds (``export_timeout``, ``flush_timeout``, and ``flush``/``shutdown``'s ``timeout``).
    """

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        service_name: str | None = None,
        capture: str | None = None,
        watch_list: Iterable[str | int] | None = None,
        sampling_seed: int = 0,
        decisions_per_span: int = C.DEFAULT_DECISIONS_PER_SPAN,
        max_payload_bytes: int = C.DEFAULT_MAX_PAYLOAD_BYTES,
        inline_payload_bytes: int | None = None,
        payload_endpoint: str | None = None,
        max_export_bytes: int = 4 * 1024 * 1024,
        max_queue_spans: int = 4096,
        max_queue_bytes: int = 128 * 1024 * 1024,
        export_timeout: float = 10.0,
        flush_timeout: float = 10.0,
        exporter: SpanExporter | None = None,
        id_generator: IdGenerator | None = None,
    ) -> None:
        self._options = resolve_options(
            endpoint=endpoint,
            api_key=api_key,
            headers=headers,
            service_name=service_name,
            capture=capture,
            watch_list=watch_list,
            sampling_seed=sampling_seed,
            decisions_per_span=decisions_per_span,
            max_payload_bytes=max_payload_bytes,
            inline_payload_bytes=inline_payload_bytes,
            payload_endpoint=payload_endpoint,
            max_export_bytes=max_export_bytes,
            max_queue_spans=max_queue_spans,
            max_queue_bytes=max_queue_bytes,
            export_timeout=export_timeout,
            flush_timeout=flush_timeout,
            exporter=exporter,
            id_generator=id_generator,
        )
        self._p = Pipeline(self._options)
        self._stats = self._p.stats
        self._deps = self._p.deps
        self._runs: dict[str, RunState] = {}
        self._lock = threading.Lock()
        self._shutdown_result: bool | None = None
        self._closing = False
        self._shut_down = threading.Event()  # set when the first shutdown() has its result
        self._key = next(_CLIENT_KEYS)  # never reused, unlike id(self) after the client is collected
        flush_at_exit(self)

    # ---- runs ---------------------------------------------------------------------------------

    def start_run(self, pipeline_name: str, input: Any = UNSET, *, capture: str | None = None) -> str:
        """Starts a run; returns its id (the run span's trace id, 32 hex chars). Never raises."""
        if self._closing:
            return self._ignored(random_run_id())
        try:
            run = open_run(
                self._deps.tracer, self._deps.payloads, safe_str(pipeline_name, "unnamed"), input, capture_of(capture)
            )
            self._stats.add("spans_started")
            self._stats.add("runs_started")
            with self._lock:
                closing = self._closing  # under the lock: shutdown ends every run registered before it
                if not closing:
                    self._runs[run.run_id] = run
            if closing:  # shutdown began while the run opened: end it now, as shutdown would have
                self._abandon(run, "run started during shutdown")
            return run.run_id
        except Exception as err:
            self._internal_error(err)
            return random_run_id()

    def end_run(self, run_id: str, output: Any = UNSET, error: BaseException | None = None) -> None:
        """Ends a run: status error when ``error`` is given, ok otherwise; ``output`` is its result."""
        with self._lock:
            run = self._runs.pop(run_id, None) if isinstance(run_id, str) else None
        if run is None:
            self._ignored(None)
            return
        self._safely(lambda: finish_run(run, output, self._deps.payloads, error, None))

    def run(self, pipeline_name: str, input: Any = UNSET, *, capture: str | None = None) -> Run:
        """A run as a context manager: ``with xray.run("search", docs) as run: ...; run.output = result``."""
        return Run(self, pipeline_name, input, capture)

    def current_run_id(self) -> str | None:
        """The run whose ``with xray.run(...)`` block or step function is running here, if any."""
        scope = scope_of(self._key)
        return scope[0] if scope else None

    # ---- steps (step and step_async are StepMethods, in _stepping) ---------------------------

    def step_scope(
        self, run_id: str, step_type: str, name: str, input: Any = UNSET, *, capture: str | None = None
    ) -> StepScope:
        """A step as a context manager whose decisions go through ``step.record(...)``."""
        return StepScope(self, run_id, step_type, name, input, capture)

    def as_step(
        self, step_type: str, name: str | None = None, *, capture: str | None = None
    ) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: inside a run (``with xray.run(...)``), calls are steps of it (see ``_decorator``)."""
        return step_decorator(self, step_type, name, capture)

    # ---- lifecycle ----------------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Exports and uploads everything recorded so far; True when all of it was delivered within
        ``timeout`` seconds (default ``flush_timeout``). Never raises, never waits longer."""
        if self._closing:
            return self._ignored(False)
        return self._p.drain(self._timeout(timeout))

    def shutdown(self, timeout: float | None = None) -> bool:
        """Ends runs still open (status error), exports what is pending and closes, within ``timeout``
        seconds (default ``flush_timeout``). Idempotent; afterwards every method is a no-op."""
        with self._lock:
            first = not self._closing
            self._closing = True
            runs = list(self._runs.values())
            self._runs.clear()
        if not first:  # another caller (a thread, atexit) is shutting down: its result, within our bound
            self._shut_down.wait(self._timeout(timeout))
            return bool(self._shutdown_result)
        try:
            for run in runs:
                self._abandon(run, "run not ended before shutdown")
            self._shutdown_result = self._p.close(self._timeout(timeout))
        finally:
            self._shut_down.set()
        return self._shutdown_result

    def stats(self) -> XRayStats:
        """A snapshot of what the SDK recorded, dropped and absorbed."""
        return self._p.snapshot()

    def __enter__(self) -> XRay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # ---- internals ----------------------------------------------------------------------------

    def _abandon(self, run: RunState, why: str) -> None:
        self._stats.add("runs_abandoned")
        self._safely(functools.partial(finish_run, run, UNSET, self._deps.payloads, None, why))

    def _timeout(self, timeout: float | None) -> float:
        if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout >= 0:
            return float(timeout)
        return self._options.flush_timeout
