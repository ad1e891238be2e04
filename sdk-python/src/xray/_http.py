"""HTTP requests with retries inside one time window, shared by the OTLP exporter and the payload uploader.

Retries 429/502/503/504 and network errors, waiting ``Retry-After`` or a jittered backoff; never
another status (400, 401, 413 are final). Every attempt's socket timeout is the time left in the window.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
import urllib.error
import urllib.request

INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 5.0
BACKOFF_MULTIPLIER = 1.5
JITTER = 0.2
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
SHUT_DOWN = "the client shut down first"


def send_with_retries(
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    stop: threading.Event,
) -> str | None:
    """Sends until a 2xx (None) or a final failure (why, as a phrase), within ``timeout`` seconds in all."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        if stop.is_set():
            return SHUT_DOWN
        left = deadline - time.monotonic()
        if left <= 0:
            return "timed out"
        status, retry_after, error = attempt_once(method, url, body, headers, left)
        if status is not None and 200 <= status < 300:
            return None
        why = f"HTTP {status}" if status is not None else error
        if stop.is_set() or (status is not None and status not in RETRYABLE_STATUSES):
            return why
        delay = retry_after if retry_after is not None else backoff(attempt)
        if time.monotonic() + delay >= deadline:
            return f"{why}, retries exhausted"
        if stop.wait(delay):
            return SHUT_DOWN


def attempt_once(
    method: str, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int | None, float | None, str]:
    """One request: (status or None, Retry-After seconds or None, the network error's text)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:  # the URL's scheme is http or https, checked by _options
        with urllib.request.urlopen(request, timeout=max(0.001, timeout)) as response:
            response.read()
            return int(response.status), None, ""
    except urllib.error.HTTPError as err:
        return int(err.code), retry_after_seconds(err.headers.get("retry-after")), ""
    except Exception as err:  # network errors, timeouts
        return None, None, str(err) or type(err).__name__


def backoff(attempt: int) -> float:
    base = min(MAX_BACKOFF, INITIAL_BACKOFF * BACKOFF_MULTIPLIER ** (attempt - 1))
    return base * (1 - JITTER + 2 * JITTER * random.random())


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds: delay-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, at.timestamp() - time.time())
