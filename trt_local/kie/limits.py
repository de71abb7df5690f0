"""Client-side rate limits for Kie.ai (API.md §10), shared by every caller of one account.

Kie drops (does not queue) requests over 20 creates per 10 s and 10 status polls per second, so
the client waits before sending instead. A sliding window is used rather than a token bucket:
a bucket of capacity N refilled at N per period admits up to 2N in one period, which would
overshoot Kie's window. ``aiolimiter`` is that kind of bucket and reads the loop's clock, so it
can neither keep the limit nor be driven by a fake clock in tests.

One limiter object must be shared by everything that talks to the same Kie account: the
composition root builds one ``KieClient`` (or passes the same limiters to every client).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

CREATES_PER_WINDOW = 18  # Kie allows 20 per 10 s; keep headroom for clock skew.
CREATE_WINDOW_SECONDS = 10.0
POLLS_PER_SECOND = 8  # Kie allows 10 per second.


class Limiter(Protocol):
    """Anything with an awaitable ``acquire()`` (this module's limiter, or aiolimiter's)."""

    async def acquire(self) -> None: ...


class SlidingWindowLimiter:
    """Admit at most ``max_calls`` acquisitions in any ``period`` seconds, first come first served."""

    def __init__(
        self,
        max_calls: int,
        period: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_calls < 1 or period <= 0:
            raise ValueError("max_calls must be >= 1 and period > 0")
        self.max_calls = max_calls
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more call fits in the window, then count it."""
        # Waiters queue on the lock, so they are admitted in arrival order.
        async with self._lock:
            while True:
                now = self._clock()
                while self._stamps and self._stamps[0] <= now - self.period:
                    self._stamps.popleft()
                if len(self._stamps) < self.max_calls:
                    self._stamps.append(now)
                    return
                await self._sleep(self._stamps[0] + self.period - now)
