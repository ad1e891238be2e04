"""At interpreter exit, pending spans are exported for at most ``ATEXIT_FLUSH_SECONDS`` per client."""

from __future__ import annotations

import atexit
import weakref
from typing import Any

ATEXIT_FLUSH_SECONDS = 2.0
_CLIENTS: weakref.WeakSet[Any] = weakref.WeakSet()


def flush_at_exit(client: Any) -> None:
    """Registers ``client`` (weakly: a client nobody holds is not kept alive for this)."""
    _CLIENTS.add(client)


@atexit.register
def _shutdown_all() -> None:
    for client in list(_CLIENTS):
        try:
            client.shutdown(min(client._options.flush_timeout, ATEXIT_FLUSH_SECONDS))
        except Exception:  # never at exit either
            pass
