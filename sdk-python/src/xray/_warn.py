"""One warning per cause per client, through ``logging`` (port of sdk/src/warn.ts)."""

from __future__ import annotations

import logging
import threading
from typing import Literal, Protocol

LOGGER = logging.getLogger("xray")
LOGGER.addHandler(logging.NullHandler())  # silent unless the application configures logging, as OTel diag

WarnCause = Literal[
    "queue_full",
    "export_failure",
    "payload_queue_full",
    "payload_upload",
    "invalid_decision",
    "serialization",
    "internal",
]


class Warn(Protocol):
    def __call__(self, cause: WarnCause, message: str, detail: object = None) -> None: ...


def create_warner() -> Warn:
    """Logs the first occurrence of each cause only; ``XRay.stats()`` counts the rest."""
    seen: set[str] = set()
    lock = threading.Lock()

    def warn(cause: WarnCause, message: str, detail: object = None) -> None:
        if cause in seen:
            return
        with lock:
            if cause in seen:
                return
            seen.add(cause)
        try:
            suffix = ""
            if detail is not None:
                try:
                    suffix = f": {detail!s}"
                except Exception:
                    suffix = ""
            LOGGER.warning("X-Ray SDK: %s (further %s warnings suppressed; see XRay.stats())%s", message, cause, suffix)
        except Exception:  # a broken logger or detail must not break recording
            pass

    return warn
