"""Test doubles for the engine tests: a fake clock, a recording Notifier, a gated transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from trt_local.core.jobs import JobStatus
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import (
    AdminAlert,
    DeliveryError,
    FailureReason,
    JobView,
    Phase,
    QueuePlace,
    Refund,
    ResultFile,
)

API_KEY = "sk-engine-test-SECRET-42"
START = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC, 18:06 in Moscow


class FakeClock:
    """Wall-clock seconds that move only when code sleeps or a test advances them."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Delivered:
    job: JobView
    files: list[ResultFile]


@dataclass
class RecordingNotifier:
    """The Notifier port as a test sees it: every call recorded, sends can be made to fail."""

    progress: list[tuple[int, Phase, float]] = field(default_factory=list)
    places: list[tuple[int, QueuePlace]] = field(default_factory=list)
    delivered: list[Delivered] = field(default_factory=list)  # one entry per part sent
    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, FailureReason, Refund]] = field(default_factory=list)
    alerts: list[AdminAlert] = field(default_factory=list)
    failing_sends: int = 0  # the next N send_part() calls raise DeliveryError
    send_attempts: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def job_progress(
        self, job: JobView, phase: Phase, elapsed_s: float, place: QueuePlace | None = None
    ) -> None:
        self.progress.append((job.id, phase, elapsed_s))
        if place is not None:
            self.places.append((job.id, place))
        self._changed.set()

    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        self.send_attempts += 1
        self._changed.set()
        if self.failing_sends:
            self.failing_sends -= 1
            raise DeliveryError("Telegram is down")
        first = sum(len(item.files) for item in self.delivered if item.job.id == job.id)
        self.delivered.append(Delivered(job, list(files)))
        return [f"tg-file-{job.id}-{first + n}" for n in range(len(files))]

    async def job_done(self, job: JobView) -> None:
        self.done.append(job.id)
        self._changed.set()

    async def job_failed(self, job: JobView, reason: FailureReason, refund: Refund) -> None:
        self.failed.append((job.id, reason, refund))
        self._changed.set()

    async def alert_admins(self, alert: AdminAlert) -> None:
        self.alerts.append(alert)
        self._changed.set()

    async def wait_for(
        self,
        condition: Callable[[], bool],
        timeout: float = 5,  # noqa: ASYNC109 - a bounded wait, like the emulator's
    ) -> None:
        """Wait (at most ``timeout`` s) until a notifier call makes ``condition`` true."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    def delivered_ids(self) -> list[int]:
        return [item.job.id for item in self.delivered]


class Gate(httpx.AsyncBaseTransport):
    """Wraps a transport: records polled task ids and can hold createTask until released."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.polled: list[str] = []
        self.empty_results = False  # a "success" recordInfo answer loses its result URLs
        self.repeat_results = 1  # a "success" answer lists its result URLs this many times
        self.hold_creates = False
        self.create_arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/recordInfo"):
            self.polled.append(request.url.params.get("taskId", ""))
        if path.endswith("/createTask") and self.hold_creates:
            self.create_arrived.set()
            await self.release.wait()
        response = await self.inner.handle_async_request(request)
        if path.endswith("/recordInfo") and (self.empty_results or self.repeat_results > 1):
            body = json.loads(await response.aread())
            data = body.get("data") or {}
            if data.get("state") == "success":
                urls = json.loads(data["resultJson"]).get("resultUrls", [])
                urls = [] if self.empty_results else urls * self.repeat_results
                data["resultJson"] = json.dumps({"resultUrls": urls})
                return httpx.Response(response.status_code, json=body)
        return response


async def run_until(
    engine: Engine,
    clock: FakeClock,
    done: Callable[[], Awaitable[bool]],
    *,
    max_passes: int = 300,
) -> None:
    """Drive the engine pass by pass, jumping the clock to the next due time, until ``done``."""
    for _ in range(max_passes):
        if await done():
            return
        next_at = await engine.run_once()
        if next_at is not None and next_at > clock.now:
            clock.now = next_at
    raise AssertionError("the engine never reached the expected state")


async def status_of(generation: GenerationService, job_id: int) -> JobStatus:
    job = await generation.get(job_id)
    assert job is not None
    return job.status


def status_is(
    generation: GenerationService, job_id: int, status: JobStatus
) -> Callable[[], Awaitable[bool]]:
    """A ``run_until`` condition: the job has reached ``status``."""

    async def check() -> bool:
        return await status_of(generation, job_id) is status

    return check


def non_empty(items: Sequence[object]) -> Callable[[], Awaitable[bool]]:
    """A ``run_until`` condition: the notifier recorded something in ``items``."""

    async def check() -> bool:
        return bool(items)

    return check
