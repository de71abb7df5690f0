"""Per-user anti-flood: token buckets for messages and button presses.

Seed numbers: messages 1.5/s with a burst of 5, callbacks 2/s with a burst of 6. A limited user is
told once per limited stretch how long to wait; the rest of the flood is dropped silently so the
bot does not flood back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass(slots=True)
class FloodVerdict:
    allowed: bool
    retry_after: int = 0
    warn: bool = False


@dataclass(slots=True)
class AntiFlood:
    rate: float
    burst: int
    clock: Callable[[], float]
    _buckets: dict[int, _Bucket] = field(default_factory=dict)

    def check(self, user_id: int) -> FloodVerdict:
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return FloodVerdict(True)
        wait = max(1, math.ceil((1 - bucket.tokens) / self.rate))
        warn = not bucket.warned
        bucket.warned = True
        if len(self._buckets) > 50_000:
            self._forget_idle(now)
        return FloodVerdict(False, retry_after=wait, warn=warn)

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.rate
        for user_id in [u for u, b in self._buckets.items() if now - b.updated > full_after]:
            del self._buckets[user_id]
