"""One log line per Kie request: method, path, HTTP status, body code, latency, task and model.

Only paths (never query strings or full media URLs) and scrubbed error texts are written, so the
log can be shared when asking for help without leaking the key or a signed link.
"""

from __future__ import annotations

import logging

from trt_local.kie.errors import KieAPIError, KieError

logger = logging.getLogger("trt.kie")


def log_call(
    level: int,
    method: str,
    path: str,
    *,
    status: int | None,
    code: int | None,
    seconds: float,
    task_id: str = "",
    model: str = "",
    error: KieError | None = None,
) -> None:
    """Log one finished request; ``path`` must already be stripped of its query string."""
    if not logger.isEnabledFor(level):
        return
    logger.log(
        level,
        "kie %s %s http=%s code=%s %.0fms task=%s model=%s%s",
        method,
        path,
        "-" if status is None else status,
        "-" if code is None else code,
        seconds * 1000.0,
        task_id or "-",
        model or "-",
        "" if error is None else f" error={type(error).__name__}: {error}",
    )


def log_api_call(
    method: str,
    path: str,
    *,
    status: int | None,
    seconds: float,
    task_id: str = "",
    model: str = "",
    error: KieError | None = None,
    routine: bool = False,
) -> None:
    """Log a JSON API call: failures at WARNING, ``routine`` successes (polls) at DEBUG."""
    if error is not None:
        code = error.code if isinstance(error, KieAPIError) else None
        level = logging.WARNING
    else:
        code, level = 200, logging.DEBUG if routine else logging.INFO
    log_call(
        level,
        method,
        path,
        status=status,
        code=code,
        seconds=seconds,
        task_id=task_id,
        model=model,
        error=error,
    )
