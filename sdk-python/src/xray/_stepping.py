"""The step half of ``XRay``: ``step``, ``step_async`` and the bookkeeping of a step's life (begin,
record, end) that ``step_scope`` shares, with the best-effort helpers both halves of the client use."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from xray._calls import call_step_fn, enter_scope, is_async_fn, leave_scope, scope_of
from xray._decision import UNSET, is_array
from xray._options import ResolvedOptions, capture_of
from xray._steps import _NO_RESULT, RunState, StepRecord, begin_step, fail_step, finish_step

if TYPE_CHECKING:
    from xray._recorder import RecorderDeps
    from xray._types import Counters

T = TypeVar("T")


class StepRecorder(Protocol):
    """The ``record`` a step function receives; ``streamed`` once it was called."""

    streamed: bool

    def __call__(self, decision: Any) -> None: ...


class StepMethods:
    """Mixed into ``XRay``, whose constructor sets the state below."""

    _options: ResolvedOptions
    _stats: Counters
    _deps: RecorderDeps
    _runs: dict[str, RunState]
    _closing: bool
    _key: int

    def step(
        self,
        run_id: str,
        step_type: str,
        name: str,
        fn: Callable[..., T],
        input: Any = UNSET,
        *,
        capture: str | None = None,
    ) -> T:
        """Runs one step: calls ``fn(input, record)`` (or ``fn(input)``) and returns what it returned.

        Its decisions are the list ``fn`` returns or, once it called ``record``, the ones recorded.
        For a coroutine function, returns an awaitable (``await xray.step(...)``), as ``step_async``.
        """
        if is_async_fn(fn):  # T is then the awaitable fn returns, and step_async's is one too
            return cast(T, self.step_async(run_id, step_type, name, fn, input, capture=capture))
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
        if inspect.isawaitable(result):  # a plain function that returned a coroutine: T is an awaitable
            return cast(T, self._await_step(step, run_id, input, result, record))
        return self._after_step(step, run_id, input, result, record)

    async def step_async(
        self,
        run_id: str,
        step_type: str,
        name: str,
        fn: Callable[..., Any],
        input: Any = UNSET,
        *,
        capture: str | None = None,
    ) -> Any:
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

    # ---- a step's life ------------------------------------------------------------------------

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
        except Exception as err:
            self._internal_error(err)
            return None

    def _recorder_for(self, step: StepRecord | None, run_id: str) -> StepRecorder:
        def record(decision: Any) -> None:
            recorder.streamed = True
            self._record_into(step, run_id, decision)

        recorder = cast(StepRecorder, record)  # a function, given its attribute next
        recorder.streamed = False
        return recorder

    def _record_into(self, step: StepRecord | None, run_id: str, decision: Any) -> None:
        if step is None:
            self._stats.drop("after_shutdown" if self._closing else "unknown_run")
            return
        with step.recorder.lock:  # the ended check and the add, atomic with the step's finish
            if step.ended:
                self._stats.drop("after_step_end")
                return
            try:
                step.recorder.add(decision)
            except Exception as err:
                self._internal_error(err)

    def _after_step(self, step: StepRecord | None, run_id: str, input: Any, result: T, record: StepRecorder) -> T:
        if step is None:
            if is_array(result) and not record.streamed:
                try:
                    self._stats.drop("after_shutdown" if self._closing else "unknown_run", len(result))
                except Exception:
                    pass
            return result
        self._end_step(step, input, None, result=result, streamed_only=record.streamed)
        return result

    async def _await_step(
        self, step: StepRecord | None, run_id: str, input: Any, awaitable: Awaitable[Any], record: StepRecorder
    ) -> Any:
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

    def _end_step(
        self,
        step: StepRecord,
        input: Any,
        error: BaseException | None,
        result: Any = _NO_RESULT,
        streamed_only: bool = False,
    ) -> None:
        self._stats.add("steps_recorded")
        if error is not None:
            self._safely(lambda: fail_step(step, input, error))
        else:
            self._safely(lambda: finish_step(self._deps, step, input, _NO_RESULT if streamed_only else result))

    # ---- best effort: X-Ray's own failures are counted, never raised ---------------------------

    def _ignored(self, value: T) -> T:
        self._stats.add("ignored_calls")
        return value

    def _safely(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception as err:
            self._internal_error(err)

    def _internal_error(self, err: BaseException) -> None:
        self._stats.add("internal_errors")
        self._deps.warn("internal", "internal error; recording continues best-effort", err)
