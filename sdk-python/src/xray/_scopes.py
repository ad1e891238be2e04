"""The context managers of the public API: ``XRay.run`` and ``XRay.step_scope``."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from xray._calls import enter_scope, leave_scope
from xray._decision import UNSET

if TYPE_CHECKING:
    from xray.client import XRay

T = TypeVar("T")


class Run:
    """A run as a context manager (``with xray.run(name, input) as run:``; ``async with`` works too).

    On a normal exit the run ends with ``run.output`` (or what ``run.end(output)`` gave first); when
    the block raises, it ends with status error and the exception propagates unchanged.
    """

    def __init__(self, client: XRay, pipeline_name: str, input: Any, capture: str | None) -> None:
        self._client = client
        self.run_id = client.start_run(pipeline_name, input, capture=capture)
        self.output: Any = UNSET
        self._ended = False
        self._token: Any = None

    def step(
        self, step_type: str, name: str, fn: Callable[..., T], input: Any = UNSET, *, capture: str | None = None
    ) -> T:
        """``XRay.step`` on this run."""
        return self._client.step(self.run_id, step_type, name, fn, input, capture=capture)

    async def step_async(
        self, step_type: str, name: str, fn: Callable[..., Any], input: Any = UNSET, *, capture: str | None = None
    ) -> Any:
        """``XRay.step_async`` on this run."""
        return await self._client.step_async(self.run_id, step_type, name, fn, input, capture=capture)

    def step_scope(self, step_type: str, name: str, input: Any = UNSET, *, capture: str | None = None) -> StepScope:
        """``XRay.step_scope`` on this run."""
        return self._client.step_scope(self.run_id, step_type, name, input, capture=capture)

    def end(self, output: Any = UNSET, error: BaseException | None = None) -> None:
        """Ends the run now (only the first call counts)."""
        if self._ended:
            return
        self._ended = True
        self._client.end_run(self.run_id, output if output is not UNSET else self.output, error)

    def __enter__(self) -> Run:
        self._token = enter_scope(self._client._key, self.run_id, None)
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if self._token is not None:
            leave_scope(self._token)
            self._token = None
        self.end(error=ev)
        return False

    async def __aenter__(self) -> Run:
        return self.__enter__()

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        return self.__exit__(et, ev, tb)


class StepScope:
    """A step as a context manager: decisions go through ``record`` (or ``record_all``).

    ``with xray.step_scope(run_id, StepTypes.FILTER, "filter", docs) as step: step.record({...})``.
    Steps started inside the block are nested in it. When the block raises, the step ends with
    status error and the exception propagates unchanged.
    """

    def __init__(self, client: XRay, run_id: str, step_type: str, name: str, input: Any, capture: str | None) -> None:
        self._client = client
        self._run_id = run_id
        self._args = (step_type, name, input, capture)
        self._step: Any = None
        self._token: Any = None
        self.step_id: str | None = None

    def record(self, decision: Any) -> None:
        """Records one decision (never raises)."""
        self._client._record_into(self._step, self._run_id, decision)

    def record_all(self, decisions: Any) -> None:
        """Records each decision of an iterable (never raises)."""
        try:
            items = list(decisions)
        except Exception:
            self._client._internal_error(TypeError("record_all needs an iterable of decisions"))
            return
        for d in items:
            self.record(d)

    def __enter__(self) -> StepScope:
        step_type, name, input, capture = self._args
        self._step = self._client._begin_step(self._run_id, step_type, name, input, capture)
        if self._step is not None:
            self.step_id = self._step.step_id
            self._token = enter_scope(self._client._key, self._run_id, self._step)
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if self._token is not None:
            leave_scope(self._token)
            self._token = None
        if self._step is not None:
            self._client._end_step(self._step, self._args[2], ev, streamed_only=True)
        return False

    async def __aenter__(self) -> StepScope:
        return self.__enter__()

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        return self.__exit__(et, ev, tb)
