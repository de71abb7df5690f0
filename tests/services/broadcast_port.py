"""A recording broadcast port for the service tests: copies, previews, progress and reports, with
scripted failures per user and sends that wait until a test lets them go."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from trt_local.services.broadcast_port import BroadcastMessage, SendRefused
from trt_local.storage.broadcasts import BroadcastRecord

from .helpers import FakeClock


@dataclass
class FakeBroadcastPort:
    clock: FakeClock
    step_s: float = 0.0  # each copy takes this long on the clock
    sent: list[int] = field(default_factory=list)  # users who got a copy, in order
    attempts: list[int] = field(default_factory=list)
    plans: dict[int, list[Exception]] = field(default_factory=dict)  # raised by the next sends
    holds: dict[int, asyncio.Event] = field(default_factory=dict)  # a send waits for its event
    previews: list[tuple[int, BroadcastMessage]] = field(default_factory=list)
    refuse_previews: str | None = None
    shown: list[BroadcastRecord] = field(default_factory=list)  # progress messages
    reports: list[BroadcastRecord] = field(default_factory=list)  # final reports
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, user_id: int, message: BroadcastMessage) -> None:
        self.attempts.append(user_id)
        self._changed.set()
        hold = self.holds.get(user_id)
        if hold is not None:
            await hold.wait()
        self.clock.advance(self.step_s)
        plan = self.plans.get(user_id)
        if plan:
            raise plan.pop(0)
        self.sent.append(user_id)
        self._changed.set()

    async def preview(self, chat_id: int, message: BroadcastMessage) -> None:
        if self.refuse_previews is not None:
            raise SendRefused(self.refuse_previews)
        self.previews.append((chat_id, message))

    async def progress(self, broadcast: BroadcastRecord) -> None:
        self.shown.append(broadcast)
        self._changed.set()

    async def finished(self, broadcast: BroadcastRecord) -> None:
        self.reports.append(broadcast)
        self._changed.set()

    def hold(self, *user_ids: int) -> None:
        for user_id in user_ids:
            self.holds[user_id] = asyncio.Event()

    def release(self) -> None:
        for event in self.holds.values():
            event.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()
