"""Fault injection for the emulator: scripted failures of chosen Bot API methods.

Usage: ``emu.inject("sendMessage", faults.retry_after(3), times=2)``; the method name ``"*"`` matches
every method. Faults are consumed first-in first-out, the method's own ones before the ``"*"`` ones.
``when`` narrows a fault to the calls whose parameters it accepts, e.g. only the edit that says
"done": ``emu.inject("editMessageText", fault, when=lambda p: "done" in p.get("text", ""))``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from trt_local.emulator.errors import ApiError

FaultKind = Literal[
    "retry_after", "network", "lost_answer", "conflict", "server_error", "bad_request", "forbidden"
]
ANY_METHOD = "*"
Matcher = Callable[[Mapping[str, str]], bool]  # a call's form parameters → does the fault apply


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


def lost_answer() -> Fault:
    """The call is carried out, then the connection drops before the answer arrives.

    The bot sees a ``NetworkError`` although Telegram did the work: a message was sent, an edit
    applied, a batch of updates handed out (still unconfirmed, so the next poll gets it again).
    """
    return Fault("lost_answer", 0, "emulated network error after the call was carried out")


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
        self._faults: dict[str, deque[tuple[Fault, Matcher | None]]] = {}
        self._delays: dict[str, float] = {}

    def add(self, method: str, fault: Fault, times: int, when: Matcher | None = None) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults.setdefault(method, deque()).extend([(fault, when)] * times)

    def take(self, method: str, params: Mapping[str, str] | None = None) -> Fault | None:
        """The first pending fault for ``method`` whose ``when`` accepts ``params`` (consumed)."""
        for key in (method, ANY_METHOD):
            queue = self._faults.get(key, deque())
            for index, (fault, when) in enumerate(queue):
                if when is None or when(params or {}):
                    del queue[index]
                    return fault
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
