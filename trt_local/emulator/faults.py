"""Fault injection for the emulator: scripted failures of chosen Bot API methods.

Usage: ``emu.inject("sendMessage", faults.retry_after(3), times=2)``; the method name ``"*"`` matches
every method. Faults are consumed first-in first-out, the method's own ones before the ``"*"`` ones.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from trt_local.emulator.errors import ApiError

FaultKind = Literal[
    "retry_after", "network", "conflict", "server_error", "bad_request", "forbidden"
]
ANY_METHOD = "*"


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    status: int
    description: str
    retry_after: int | None = None

    def to_api_error(self) -> ApiError:
        params = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return ApiError(self.status, self.description, params)


def retry_after(seconds: int) -> Fault:
    """429 with ``parameters.retry_after`` (PTB raises ``RetryAfter``)."""
    return Fault(
        "retry_after", 429, f"Too Many Requests: retry after {seconds}", retry_after=seconds
    )


def network_error() -> Fault:
    """No answer at all: the connection drops (PTB raises ``NetworkError``)."""
    return Fault("network", 0, "emulated network error")


def conflict() -> Fault:
    """409 as when another instance polls (PTB raises ``Conflict``)."""
    return Fault(
        "conflict",
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )


def server_error() -> Fault:
    """502 Bad Gateway (PTB raises ``NetworkError``)."""
    return Fault("server_error", 502, "Bad Gateway")


def bad_request(detail: str = "emulated failure") -> Fault:
    """400 (PTB raises ``BadRequest``)."""
    return Fault("bad_request", 400, f"Bad Request: {detail}")


def forbidden(detail: str = "bot was blocked by the user") -> Fault:
    """403 (PTB raises ``Forbidden``)."""
    return Fault("forbidden", 403, f"Forbidden: {detail}")


class FaultPlan:
    """Pending faults per canonical method name, plus per-method artificial latency."""

    def __init__(self) -> None:
        self._faults: dict[str, deque[Fault]] = {}
        self._delays: dict[str, float] = {}

    def add(self, method: str, fault: Fault, times: int) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults.setdefault(method, deque()).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        for key in (method, ANY_METHOD):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        return None

    def pending(self) -> int:
        return sum(len(q) for q in self._faults.values())

    def clear(self) -> None:
        self._faults.clear()
        self._delays.clear()

    def set_delay(self, method: str, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a delay cannot be negative")
        if seconds == 0:
            self._delays.pop(method, None)
        else:
            self._delays[method] = seconds

    def delay(self, method: str) -> float:
        return self._delays.get(method, self._delays.get(ANY_METHOD, 0.0))
