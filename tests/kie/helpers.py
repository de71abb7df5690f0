"""Test helpers for the Kie tests: a fake clock, an envelope builder, the test key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from trt_local.kie import KieClient

API_KEY = "sk-test-SECRET-0123456789"


class FakeClock:
    """A clock that only moves when the code under test sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def envelope(
    data: Any = None, *, code: int = 200, msg: str = "success", status: int = 200, **extra: Any
) -> httpx.Response:
    """A Kie JSON envelope response."""
    return httpx.Response(status, json={"code": code, "msg": msg, "data": data, **extra})


MakeClient = Callable[..., KieClient]
Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Scripted:
    """A MockTransport handler answering from a script; the last step repeats forever."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            # A fresh copy each time: a repeated step must not hand out a consumed response.
            return httpx.Response(step.status_code, headers=step.headers, content=step.content)
        return step(request)
