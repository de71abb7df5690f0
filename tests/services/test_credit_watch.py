"""The credit watch checks the Kie balance on its own every few minutes and alerts once per
crossing below the threshold; Kie being unreachable for a check ends nothing."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

import pytest

from trt_local.kie import KieClient, KieSandbox
from trt_local.services.credit_watch import (
    CHECK_EVERY_S,
    FIRST_CHECK_AFTER_S,
    CreditWatch,
)
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stats import StatsService
from trt_local.storage.bot_state import BotStateRepo
from trt_local.storage.db import Database

from .helpers import FakeClock


class Ticks:
    """A sleep the test releases one wake-up at a time."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._go = asyncio.Semaphore(0)
        self.waiting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        self.waiting.set()
        await self._go.acquire()

    async def tick(self) -> None:
        """Let the watch wake once and wait until it sleeps again."""
        self.waiting.clear()
        self._go.release()
        await self.waiting.wait()


async def test_the_periodic_check_alerts_once_per_crossing(
    db: Database,
    settings: RuntimeSettings,
    kie: KieClient,
    sandbox: KieSandbox,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    alerts: list[tuple[Decimal, Decimal]] = []

    async def alert(credits: Decimal, threshold: Decimal) -> bool:
        alerts.append((credits, threshold))
        return True

    ticks = Ticks()
    stats = StatsService(db, settings, kie, clock=clock)
    watch = CreditWatch(stats, settings, BotStateRepo(db), alert, clock=clock, sleep=ticks.sleep)
    await settings.set_credit_alert(Decimal("500"))
    sandbox.credits = Decimal("800")
    watch.start()
    try:
        await ticks.waiting.wait()  # nothing is checked at start
        assert ticks.asked == [FIRST_CHECK_AFTER_S] and alerts == []
        await ticks.tick()
        sandbox.credits = Decimal("499.5")
        await ticks.tick()
        await ticks.tick()
        assert alerts == [(Decimal("499.5"), Decimal("500"))]
        sandbox.connect_error_next(4, operation="credit")  # every retry of one check fails
        with caplog.at_level(logging.WARNING, logger="trt.credits"):
            await ticks.tick()  # Kie unreachable for a check: logged, the watch goes on
        assert "could not read the Kie credits" in caplog.text
        sandbox.credits = Decimal("600")
        await ticks.tick()  # recovered: armed again
        sandbox.credits = Decimal("10")
        await ticks.tick()
        assert alerts == [(Decimal("499.5"), Decimal("500")), (Decimal("10"), Decimal("500"))]
        assert ticks.asked[1:] == [CHECK_EVERY_S] * 6
    finally:
        await watch.stop()


async def test_an_alert_nobody_received_is_tried_again(
    db: Database, settings: RuntimeSettings, kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    outcomes = [False, True]
    tries: list[Decimal] = []

    async def alert(credits: Decimal, threshold: Decimal) -> bool:
        tries.append(credits)
        return outcomes.pop(0)

    sandbox.credits = Decimal("1")
    watch = CreditWatch(
        StatsService(db, settings, kie, clock=clock), settings, BotStateRepo(db), alert, clock=clock
    )
    await watch.check()
    assert await watch.low() is None  # not delivered: not remembered
    await watch.check()
    await watch.check()
    assert tries == [Decimal("1"), Decimal("1")]
    low = await watch.low()
    assert low is not None and low.credits == Decimal("1") and low.at == clock.now
