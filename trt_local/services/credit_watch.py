"""Watching the Kie balance: the admins hear once when it falls below the alert threshold.

Every few minutes the watch reads the credits. Falling below the threshold (a live setting,
``RuntimeSettings.credit_alert_threshold``) alerts the admins once; the crossing is remembered in
``bot_state``, so a restart while the balance stays low says nothing new. Climbing back to the
threshold or above re-arms the alert for the next fall. The alert goes out before the crossing is
stored: a crash in between repeats it once rather than losing it, and an alert no admin received
is tried again at the next check.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from trt_local.kie.errors import KieError
from trt_local.services.background import BackgroundTask, run_every
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stats import StatsService
from trt_local.storage.bot_state import BotStateRepo

log = logging.getLogger("trt.credits")

STATE_KEY = "kie.credits_low"
CHECK_EVERY_S = 300.0
FIRST_CHECK_AFTER_S = 60.0  # not at start: the bot first gets on with its users

# Tells the admins: (credits left, threshold) → True if at least one admin got it.
CreditAlert = Callable[[Decimal, Decimal], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class LowCredits:
    """The remembered crossing: what the balance was when the admins were told, and when."""

    credits: Decimal
    threshold: Decimal
    at: float


class CreditWatch:
    def __init__(
        self,
        stats: StatsService,
        settings: RuntimeSettings,
        state: BotStateRepo,
        alert: CreditAlert,
        *,
        clock: Callable[[], float],
        every_s: float = CHECK_EVERY_S,
        first_after_s: float = FIRST_CHECK_AFTER_S,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._stats = stats
        self._settings = settings
        self._state = state
        self._alert = alert
        self._clock = clock
        self._every_s = every_s
        self._first_after_s = first_after_s
        self._sleep = sleep
        self._background = BackgroundTask("trt-credit-watch", self._run)
        self._lock = asyncio.Lock()  # a check from the panel and the timer's never overlap

    async def low(self) -> LowCredits | None:
        """The crossing the admins were told about and that has not been climbed back from."""
        raw = await self._state.get(STATE_KEY)
        if not isinstance(raw, dict):
            return None
        try:
            return LowCredits(Decimal(raw["credits"]), Decimal(raw["threshold"]), float(raw["at"]))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None

    async def check(self) -> Decimal:
        """Read the credits and alert on a new crossing; raises the client's ``KieError``."""
        async with self._lock:
            credits = await self._stats.kie_credits()
            await self.observe(credits)
            return credits

    async def observe(self, credits: Decimal) -> None:
        threshold = self._settings.credit_alert_threshold
        told = await self._state.get(STATE_KEY) is not None
        if credits >= threshold:
            if told:
                log.info("Kie credits are back at %s (alert threshold %s)", credits, threshold)
                await self._state.delete(STATE_KEY)
            return
        if told:
            return  # this crossing was reported
        log.warning("Kie credits fell to %s, below the alert threshold %s", credits, threshold)
        if not await self._alert(credits, threshold):
            return  # nobody got it: the next check tries again
        await self._state.put(
            STATE_KEY, {"credits": str(credits), "threshold": str(threshold), "at": self._clock()}
        )

    # -- the periodic check ---------------------------------------------------------------------

    def start(self) -> None:
        self._background.start()

    async def stop(self) -> None:
        await self._background.stop()

    async def _run(self) -> None:
        await run_every(
            self._check_logged,
            first_after_s=self._first_after_s,
            retry_after_s=self._every_s,
            sleep=self._sleep,
            log=log,
            failed="the Kie credit check failed",
        )

    async def _check_logged(self) -> float:
        """One timed check; Kie out of reach is a warning, not a failure (the next check retries)."""
        try:
            await self.check()
        except KieError as exc:
            log.warning("could not read the Kie credits: %s", exc)
        return self._every_s
