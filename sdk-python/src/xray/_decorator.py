"""``XRay.as_step``: a decorator that makes a function's calls inside a run steps of that run."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from xray._decision import UNSET

if TYPE_CHECKING:
    from xray.client import XRay

T = TypeVar("T")


def step_decorator(
    client: XRay, step_type: str, name: str | None, capture: str | None
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Calls of the decorated function inside a run (``with xray.run(...)``) are steps of that run.

    The first positional argument is the step input (after ``self``/``cls`` for a method); a ``record``
    keyword parameter, when the function has one, receives the recorder. Outside a run the function is
    simply called.
    """

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        fn_name = getattr(fn, "__name__", "step")  # apart: inline, mypy infers it in name's type (with None)
        step_name: str = name or fn_name
        try:
            params = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            params = []
        wants_record = "record" in params
        # a method decorated in its class receives self (or cls, under @classmethod) first: not the input.
        # A bound method's signature already leaves self out.
        skip = 1 if params and params[0] in ("self", "cls") else 0

        def input_of(args: tuple[Any, ...]) -> Any:
            return args[skip] if len(args) > skip else UNSET

        def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[..., Any]:
            def inner(_input: Any, record: Callable[[Any], None]) -> Any:
                if wants_record and "record" not in kwargs:
                    return fn(*args, **kwargs, record=record)
                return fn(*args, **kwargs)

            return inner

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                run_id = client.current_run_id()
                if run_id is None:
                    return await fn(*args, **kwargs)
                return await client.step_async(
                    run_id, step_type, step_name, bind(args, kwargs), input_of(args), capture=capture
                )

            # fn is a coroutine function, so T is the coroutine it returns, as async_wrapper returns one
            return cast("Callable[..., T]", async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            run_id = client.current_run_id()
            if run_id is None:
                return fn(*args, **kwargs)
            return client.step(run_id, step_type, step_name, bind(args, kwargs), input_of(args), capture=capture)

        return wrapper

    return decorate
