"""Turn raw HTTP outcomes into Kie data or Kie errors (API.md §2 and §9).

Kie reports its business status in the body (``{"code", "msg", "data"}``) even under HTTP 200, so
success means HTTP 2xx *and* ``code == 200`` (and ``success == true`` for uploads). Transport
failures are split by whether the request could have reached Kie, which decides whether a
non-idempotent ``createTask`` may be sent again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from trt_local.kie.errors import (
    KieProtocolError,
    KieTransportError,
    UploadFailedError,
    api_error,
)
from trt_local.kie.redact import scrub

# Raised before a single byte left this machine: repeating the request cannot double a task.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


def transport_error(exc: httpx.RequestError, *, secret: str) -> KieTransportError:
    """Map an httpx request failure; ``reached`` is False only when nothing was sent."""
    reached = not isinstance(exc, _NOT_SENT)
    detail = scrub(str(exc), secret) or "no details"
    return KieTransportError(f"{type(exc).__name__}: {detail}", reached=reached)


def _retry_after(headers: httpx.Headers) -> float | None:
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        return None  # an HTTP date: rare, and our own backoff covers it
    return seconds if seconds >= 0 else None


def _message(body: Mapping[str, Any]) -> str:
    raw = body.get("msg") or body.get("message") or ""
    return raw if isinstance(raw, str) else str(raw)


def _body_code(body: Mapping[str, Any]) -> int | None:
    raw = body.get("code")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw)
    return None


def unwrap(
    status: int,
    headers: httpx.Headers,
    content: bytes,
    *,
    secret: str,
    require_success_flag: bool = False,
) -> Any:
    """Return the envelope's ``data`` or raise the matching :mod:`errors` class."""
    try:
        body = json.loads(content) if content.strip() else None
    except ValueError:
        body = None
    retry_after = _retry_after(headers)
    if not isinstance(body, Mapping):
        if 200 <= status < 300:
            raise KieProtocolError(f"HTTP {status} with a body that is not a JSON object")
        reason = httpx.codes.get_reason_phrase(status)
        raise api_error(status, reason, http_status=status, retry_after=retry_after)

    message = scrub(_message(body), secret)
    code = _body_code(body)
    if not 200 <= status < 300:
        # An HTTP error wins over a body that claims success; the body code is more specific.
        effective = code if code is not None and code != 200 else status
        raise api_error(effective, message, http_status=status, retry_after=retry_after)
    if code is None:
        raise KieProtocolError(f"HTTP {status} with no code in the body")
    if code != 200:
        raise api_error(code, message, http_status=status, retry_after=retry_after)
    if require_success_flag and body.get("success") is not True:
        raise UploadFailedError(
            code, message or "upload reported success=false", http_status=status
        )
    return body.get("data")


def require_mapping(data: object, what: str) -> Mapping[str, Any]:
    """Check that ``data`` is an object, or raise a protocol error naming ``what``."""
    if not isinstance(data, Mapping):
        raise KieProtocolError(f"{what}: expected an object in data, got {type(data).__name__}")
    return data
