"""The X-Ray client (port of sdk/src/xray.ts): runs -> traces, steps -> spans, decisions -> events.
Only invalid options raise (from the constructor); X-Ray's own failures are counted in ``stats()``."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator

from xray import conventions as C
from xray._calls import call_step_fn, enter_scope, is_async_fn, leave_scope, scope_of
from xray._decision import UNSET, is_array
from xray._pyvalues import safe_str
from xray._options import capture_of, resolve_options
from xray._pipeline import Pipeline
from xray._decorator import step_decorator
from xray._exit import flush_at_exit
from xray._scopes import Run, StepScope
from xray._steps import (
    _NO_RESULT,
    RunState,
    StepRecord,
    begin_step,
    fail_step,
    finish_run,
    finish_step,
    open_run,
    random_run_id,
)
from xray._types import XRayStats

T = TypeVar("T")


class XRay:
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
        self._key = id(self)
        flush_at_exit(self)

    # ---- runs ---------------------------------------------------------------------------------

    def start_run(self, pipeline_name: str, input: Any = UNSET, *, capture: str | None = None) -> str:
        """Starts a run; returns its id (the run span's trace id, 32 hex chars). Never raises."""
        if self._closing:
            return self._ignored(random_run_id())
        try:
            run = open_run(self._deps.tracer, self._deps.payloads, safe_str(pipeline_name, "unnamed"), input, capture_of(capture))
            self._stats.add("spans_started")
            self._stats.add("runs_started")
            with self._lock:
                self._runs[run.run_id] = run
            return run.run_id
        except Exception as err:  # noqa: BLE001
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

    # ---- steps --------------------------------------------------------------------------------

    def step(self, run_id: str, step_type: str, name: str, fn: Callable[..., Any], input: Any = UNSET, *, capture: str | None = None) -> Any:
        """Runs one step: calls ``fn(input, record)`` (or ``fn(input)``) and returns what it returned.

        Its decisions are the list ``fn`` returns or, once it called ``record``, the ones recorded.
        For a coroutine function, returns an awaitable (``await xray.step(...)``), as ``step_async``.
        """
        if is_async_fn(fn):
            return self.step_async(run_id, step_type, name, fn, input, capture=capture)
        step = self._begin_step(run_id, step_type, name, input, capture)
        record = self._recorder_for(step, run_id)
        token = enter_scope(self._key, run_id, step) if step is not None else None
        try:
            result = call_step_fn(fn, input, record)
        except BaseException as err:
            if step is not None:
                self._end_step(step, input, err)
            raise
        finally:
            if token is not None:
                leave_scope(token)
        if inspect.isawaitable(result):  # a plain function that returned a coroutine
            return self._await_step(step, run_id, input, result, record)
        return self._after_step(step, run_id, input, result, record)

    async def step_async(self, run_id: str, step_type: str, name: str, fn: Callable[..., Any], input: Any = UNSET, *, capture: str | None = None) -> Any:
        """``step`` for async code: awaits ``fn``'s result when it is awaitable (sync ``fn`` works too)."""
        step = self._begin_step(run_id, step_type, name, input, capture)
        record = self._recorder_for(step, run_id)
        token = enter_scope(self._key, run_id, step) if step is not None else None
        try:
            result = call_step_fn(fn, input, record)
            if inspect.isawaitable(result):
                result = await result
        except BaseException as err:
            if step is not None:
                self._end_step(step, input, err)
            raise
        finally:
            if token is not None:
                leave_scope(token)
        return self._after_step(step, run_id, input, result, record)

    def step_scope(self, run_id: str, step_type: str, name: str, input: Any = UNSET, *, capture: str | None = None) -> StepScope:
        """A step as a context manager whose decisions go through ``step.record(...)``."""
        return StepScope(self, run_id, step_type, name, input, capture)

    def as_step(self, step_type: str, name: str | None = None, *, capture: str | None = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
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
            if self._closing:
                return bool(self._shutdown_result)
            self._closing = True
            runs = list(self._runs.values())
            self._runs.clear()
        for run in runs:
            self._stats.add("runs_abandoned")
            self._safely(lambda run=run: finish_run(run, UNSET, self._deps.payloads, None, "run not ended before shutdown"))  # type: ignore[misc]
        self._shutdown_result = self._p.close(self._timeout(timeout))
        return self._shutdown_result

    def stats(self) -> XRayStats:
        """A snapshot of what the SDK recorded, dropped and absorbed."""
        return self._p.snapshot()

    def __enter__(self) -> XRay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
    # ---- internals ----------------------------------------------------------------------------

    def _timeout(self, timeout: float | None) -> float:
        ok = isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout >= 0
        return float(timeout) if ok else self._options.flush_timeout  # type: ignore[arg-type]

    def _begin_step(self, run_id: str, step_type: str, name: str, input: Any, capture: str | None) -> StepRecord | None:
        run = None if self._closing else self._runs.get(run_id) if isinstance(run_id, str) else None
        if run is None:
            self._ignored(None)
            return None
        try:
            scope = scope_of(self._key)
            parent = scope[1] if scope is not None and scope[0] == run_id else None
            level = capture_of(capture) or run.capture or self._options.capture
            return begin_step(self._deps, run, parent, step_type, name, input, level)
        except Exception as err:  # noqa: BLE001
            self._internal_error(err)
            return None

    def _recorder_for(self, step: StepRecord | None, run_id: str) -> Callable[[Any], None]:
        def record(decision: Any) -> None:
            record.streamed = True  # type: ignore[attr-defined]
            self._record_into(step, run_id, decision)

        record.streamed = False  # type: ignore[attr-defined]
        return record

    def _record_into(self, step: StepRecord | None, run_id: str, decision: Any) -> None:
        if step is None:
            self._stats.drop("after_shutdown" if self._closing else "unknown_run")
            return
        if step.ended:
            self._stats.drop("after_step_end")
            return
        step.streamed = True
        try:
            step.recorder.add(decision)
        except Exception as err:  # noqa: BLE001
            self._internal_error(err)

    def _after_step(self, step: StepRecord | None, run_id: str, input: Any, result: Any, record: Any = None) -> Any:
        if step is None:
            if is_array(result) and not getattr(record, "streamed", False):
                try:
                    self._stats.drop("after_shutdown" if self._closing else "unknown_run", len(result))
                except Exception:  # noqa: BLE001
                    pass
            return result
        self._end_step(step, input, None, result=result)
        return result

    async def _await_step(self, step: StepRecord | None, run_id: str, input: Any, awaitable: Awaitable[Any], record: Any) -> Any:
        token = enter_scope(self._key, run_id, step) if step is not None else None
        try:
            result = await awaitable
        except BaseException as err:
            if step is not None:
                self._end_step(step, input, err)
            raise
        finally:
            if token is not None:
                leave_scope(token)
        return self._after_step(step, run_id, input, result, record)

    def _end_step(self, step: StepRecord, input: Any, error: BaseException | None, result: Any = _NO_RESULT, streamed_only: bool = False) -> None:
        self._stats.add("steps_recorded")
        if error is not None:
            self._safely(lambda: fail_step(step, input, error))
        else:
            self._safely(lambda: finish_step(self._deps, step, input, _NO_RESULT if streamed_only else result))

    def _ignored(self, value: T) -> T:
        self._stats.add("ignored_calls")
        return value
    def _safely(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception as err:  # noqa: BLE001
            self._internal_error(err)

    def _internal_error(self, err: BaseException) -> None:
        self._stats.add("internal_errors")
        self._deps.warn("internal", "internal error; recording continues best-effort", err)
