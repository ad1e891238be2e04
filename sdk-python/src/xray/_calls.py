"""Calling the caller's step functions: arity, scope (contextvars) and the step lifecycle around them."""

from __future__ import annotations

import contextvars
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from xray._decision import UNSET

T = TypeVar("T")

# The run and step whose function is running, per client: {client key: (run id, step or None)}, None
# when no step function is running. A ContextVar travels with threads' contexts and asyncio tasks,
# never a global "current run". Each enter_scope sets a new dict: a context's dict is never mutated.
Scopes = dict[int, tuple[str, Any]]
SCOPE: contextvars.ContextVar[Scopes | None] = contextvars.ContextVar("xray_scope", default=None)


def scope_of(client: int) -> tuple[str, Any] | None:
    scopes = SCOPE.get()
    return None if scopes is None else scopes.get(client)


def enter_scope(client: int, run_id: str, step: Any) -> contextvars.Token[Scopes | None]:
    scopes = dict(SCOPE.get() or ())
    scopes[client] = (run_id, step)
    return SCOPE.set(scopes)


def leave_scope(token: contextvars.Token[Scopes | None]) -> None:
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


def call_step_fn(fn: Callable[..., T], input: Any, record: Callable[[Any], None]) -> T:
    """``fn(input, record)``, ``fn(input)`` or ``fn()``, as many as it takes (JavaScript ignores extras)."""
    value = None if input is UNSET else input
    arity = positional_arity(fn)
    if arity >= 2:
        return fn(value, record)
    if arity == 1:
        return fn(value)
    return fn()


def is_async_fn(fn: object) -> bool:
    """A coroutine function, or a callable object whose ``__call__`` is one."""
    return inspect.iscoroutinefunction(fn) or (callable(fn) and inspect.iscoroutinefunction(fn.__call__))
