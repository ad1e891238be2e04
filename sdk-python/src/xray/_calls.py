"""Calling the caller's step functions: arity, scope (contextvars) and the step lifecycle around them."""

from __future__ import annotations

import contextvars
import inspect
from collections.abc import Callable
from typing import Any

from xray._decision import UNSET

# The run and step whose function is running, per client: {client key: (run id, step or None)}.
# A ContextVar travels with threads' contexts and asyncio tasks, never a global "current run".
SCOPE: contextvars.ContextVar[dict[int, tuple[str, Any]]] = contextvars.ContextVar("xray_scope", default={})


def scope_of(client: int) -> tuple[str, Any] | None:
    return SCOPE.get().get(client)


def enter_scope(client: int, run_id: str, step: Any) -> contextvars.Token[dict[int, tuple[str, Any]]]:
    scopes = dict(SCOPE.get())
    scopes[client] = (run_id, step)
    return SCOPE.set(scopes)


def leave_scope(token: contextvars.Token[dict[int, tuple[str, Any]]]) -> None:
    try:
        SCOPE.reset(token)
    except ValueError:  # reset from another context (a generator resumed elsewhere): leave it
        pass


def positional_arity(fn: Callable[..., Any]) -> int:
    """How many of (input, record) ``fn`` takes: 2 with ``*args``; 1 when unknown."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 1
    count = 0
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            return 2
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            count += 1
    return min(count, 2)


def call_step_fn(fn: Callable[..., Any], input: Any, record: Callable[[Any], None]) -> Any:
    """``fn(input, record)``, ``fn(input)`` or ``fn()``, as many as it takes (JavaScript ignores extras)."""
    value = None if input is UNSET else input
    arity = positional_arity(fn)
    if arity >= 2:
        return fn(value, record)
    if arity == 1:
        return fn(value)
    return fn()


def is_async_fn(fn: object) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))
