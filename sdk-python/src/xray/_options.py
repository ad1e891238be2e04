"""Options of ``XRay``: defaults, environment variables and validation (port of sdk/src/options.ts).

Bad configuration raises here, at construction, with a sentence saying what to change; bad
environment values are ignored instead (an operator's typo must not crash the application).
"""

from __future__ import annotations

import math
import os
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeGuard

from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator

from xray.conventions import (
    DEFAULT_DECISIONS_PER_SPAN,
    DEFAULT_INLINE_PAYLOAD_BYTES,
    DEFAULT_MAX_PAYLOAD_BYTES,
    CaptureLevels,
)

DEFAULT_ENDPOINT = "http://127.0.0.1:4318/v1/traces"
DEFAULT_SERVICE_NAME = "xray-pipeline"
DEFAULT_MAX_EXPORT_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_QUEUE_SPANS = 4096
DEFAULT_MAX_QUEUE_BYTES = 128 * 1024 * 1024
DEFAULT_EXPORT_TIMEOUT = 10.0
DEFAULT_FLUSH_TIMEOUT = 10.0
MIN_PAYLOAD_BYTES = 256
MIN_EXPORT_BYTES = 64 * 1024


@dataclass
class ResolvedOptions:
    endpoint: str
    headers: dict[str, str]
    service_name: str
    capture: str
    watch_list: frozenset[str]
    sampling_seed: int
    decisions_per_span: int
    max_payload_bytes: int
    inline_payload_bytes: int
    payload_endpoint: str
    max_export_bytes: int
    max_queue_spans: int
    max_queue_bytes: int
    export_timeout: float
    flush_timeout: float
    exporter: SpanExporter | None = None
    id_generator: IdGenerator | None = None


def is_capture_level(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value in CaptureLevels.ALL


def capture_of(value: object) -> str | None:
    """A per-run or per-step capture level; invalid values are ignored, never raised."""
    return value if is_capture_level(value) else None


def resolve_options(
    *,
    endpoint: str | None = None,
    api_key: str | None = None,
    headers: Mapping[str, str] | None = None,
    service_name: str | None = None,
    capture: str | None = None,
    watch_list: Iterable[str | int] | None = None,
    sampling_seed: int = 0,
    decisions_per_span: int = DEFAULT_DECISIONS_PER_SPAN,
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
    inline_payload_bytes: int | None = None,
    payload_endpoint: str | None = None,
    max_export_bytes: int = DEFAULT_MAX_EXPORT_BYTES,
    max_queue_spans: int = DEFAULT_MAX_QUEUE_SPANS,
    max_queue_bytes: int = DEFAULT_MAX_QUEUE_BYTES,
    export_timeout: float = DEFAULT_EXPORT_TIMEOUT,
    flush_timeout: float = DEFAULT_FLUSH_TIMEOUT,
    exporter: SpanExporter | None = None,
    id_generator: IdGenerator | None = None,
    env: Mapping[str, str] | None = None,
) -> ResolvedOptions:
    env = os.environ if env is None else env
    endpoint = endpoint if endpoint is not None else (env.get("XRAY_ENDPOINT") or DEFAULT_ENDPOINT)
    origin = _http_origin(endpoint)
    if origin is None:
        raise ValueError(
            f'X-Ray endpoint "{endpoint}" is not an http(s) URL. Expected e.g. {DEFAULT_ENDPOINT} '
            "(option endpoint or env XRAY_ENDPOINT)."
        )
    payload_endpoint = (
        payload_endpoint if payload_endpoint is not None else (env.get("XRAY_PAYLOAD_ENDPOINT") or origin)
    )
    if _http_origin(payload_endpoint) is None:
        raise ValueError(
            f'X-Ray payload endpoint "{payload_endpoint}" is not an http(s) URL. Expected the X-Ray receiver\'s '
            "base URL, e.g. http://127.0.0.1:4318 (option payload_endpoint or env XRAY_PAYLOAD_ENDPOINT)."
        )
    if capture is not None and not is_capture_level(capture):
        raise ValueError(
            f"X-Ray option capture must be one of {', '.join(sorted(CaptureLevels.ALL))}, got {capture!r}."
        )
    env_capture = env.get("XRAY_CAPTURE")
    key = api_key if api_key is not None else env.get("XRAY_API_KEY")
    all_headers: dict[str, str] = {}
    if key is not None and key.strip():
        all_headers["authorization"] = f"Bearer {key.strip()}"
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise TypeError("X-Ray option headers must be a mapping of header names to values.")
        all_headers.update({str(k): str(v) for k, v in headers.items()})
    _require_int("sampling_seed", sampling_seed, -(2**53 - 1), upper=2**53 - 1)
    _require_int("decisions_per_span", decisions_per_span, 1)
    _require_int("max_payload_bytes", max_payload_bytes, MIN_PAYLOAD_BYTES)
    inline = (
        inline_payload_bytes
        if inline_payload_bytes is not None
        else min(DEFAULT_INLINE_PAYLOAD_BYTES, max_payload_bytes)
    )
    _require_int("inline_payload_bytes", inline, MIN_PAYLOAD_BYTES)
    if inline > max_payload_bytes:
        raise ValueError(
            f"X-Ray option inline_payload_bytes must be <= max_payload_bytes ({max_payload_bytes}), got {inline}."
        )
    # One decision carries up to three inline payloads; a span must hold at least one whole decision.
    _require_int("max_export_bytes", max_export_bytes, max(MIN_EXPORT_BYTES, 4 * inline))
    _require_int("max_queue_spans", max_queue_spans, 1)
    _require_int("max_queue_bytes", max_queue_bytes, max_export_bytes)
    _require_seconds("export_timeout", export_timeout, positive=True)
    _require_seconds("flush_timeout", flush_timeout, positive=False)
    return ResolvedOptions(
        endpoint=endpoint,
        headers=all_headers,
        service_name=str(service_name) if service_name is not None else DEFAULT_SERVICE_NAME,
        capture=capture
        if capture is not None
        else (env_capture if is_capture_level(env_capture) else CaptureLevels.SAMPLED),
        watch_list=_watch_list(watch_list, env.get("XRAY_WATCH_LIST")),
        sampling_seed=sampling_seed,
        decisions_per_span=decisions_per_span,
        max_payload_bytes=max_payload_bytes,
        inline_payload_bytes=inline,
        payload_endpoint=payload_endpoint,
        max_export_bytes=max_export_bytes,
        max_queue_spans=max_queue_spans,
        max_queue_bytes=max_queue_bytes,
        export_timeout=float(export_timeout),
        flush_timeout=float(flush_timeout),
        exporter=exporter,
        id_generator=id_generator,
    )


def _http_origin(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _watch_list(option: Iterable[str | int] | None, env_value: str | None) -> frozenset[str]:
    if option is not None:
        if isinstance(option, (str, bytes)):
            raise TypeError("X-Ray option watch_list must be an iterable of item ids, not a single string.")
        try:
            return frozenset(str(i) for i in option)
        except TypeError as err:
            raise TypeError("X-Ray option watch_list must be an iterable of item ids.") from err
    return frozenset(i.strip() for i in (env_value or "").split(",") if i.strip())


def _require_int(name: str, value: object, minimum: int, upper: int | None = None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < minimum
        or (upper is not None and value > upper)
    ):
        bound = f">= {minimum}" if upper is None else f"between {minimum} and {upper}"
        raise ValueError(f"X-Ray option {name} must be an integer {bound}, got {value!r}.")


def _require_seconds(name: str, value: object, *, positive: bool) -> None:
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        kind = "> 0" if positive else ">= 0"
        raise ValueError(f"X-Ray option {name} must be a number of seconds {kind}, got {value!r}.")
