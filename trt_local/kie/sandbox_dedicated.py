"""What the sandbox's dedicated families share: field checks and Kie's timestamps (API.md §5).

Runway, Flux Kontext and 4o Image each have their own module (``sandbox_<family>``); the checks
here answer a bad field the way Kie does, with a 422 envelope naming it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from trt_local.kie.sandbox_http import SandboxReject


def need_text(body: dict[str, Any], name: str, *, max_length: int | None = None) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SandboxReject(422, f"{name} is required")
    if max_length is not None and len(value) > max_length:
        raise SandboxReject(422, f"{name} is longer than {max_length} characters")
    return value


def one_of(body: dict[str, Any], name: str, allowed: Collection[object]) -> None:
    """A present field must hold one of ``allowed`` (absent is the caller's business)."""
    if name in body and body[name] not in allowed:
        raise SandboxReject(422, f"{name} must be one of {sorted(map(str, allowed))}")


def need_url(raw: object, name: str) -> str:
    if not isinstance(raw, str) or not raw.startswith(("http://", "https://")):
        raise SandboxReject(422, f"{name} must be an http(s) URL")
    return raw


def without_callback(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "callBackUrl"}


def millis(at: float, epoch: float) -> int:
    """Kie's wall-clock milliseconds for the sandbox clock's ``at``."""
    return int((epoch + at) * 1000)


def wall_text(at: float, epoch: float) -> str:
    """Runway's ``generateTime`` format: "2023-08-15 14:30:45"."""
    return datetime.fromtimestamp(epoch + at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def code_value(code: str) -> int | str | None:
    """A task's failure code as these families send it: a number when it is one, else null."""
    code = code.strip()
    if not code:
        return None
    return int(code) if code.isdigit() else code
