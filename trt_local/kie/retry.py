"""Retry schedules for Kie calls (API.md §11): exponential backoff with full jitter, capped attempts.

Which failures may be retried differs by call: ``createTask`` is not idempotent (a repeated create
can start and bill a second task), so it is repeated only when the request provably never reached
Kie, or when Kie refused it outright (429, 455 maintenance, 550 queue full). Status, credit, upload and download calls are safe
to repeat and are retried on every transient failure.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from trt_local.kie.errors import KieBusyError, KieError, KieTransportError, RateLimitedError
from trt_local.kie.limits import Sleep

Jitter = Callable[[float], float]
T = TypeVar("T")

logger = logging.getLogger("trt.kie")


def full_jitter(ceiling: float) -> float:
    """AWS-style full jitter: a uniform delay in ``[0, ceiling]``."""
    return random.uniform(0.0, ceiling)


def create_may_retry(exc: KieError) -> bool:
    """A create is repeated only if no task can have been started by the failed attempt."""
    if isinstance(exc, KieTransportError):
        return not exc.reached
    # 429, 455 and 550 turn the request away before a task exists (API.md §9, §12).
    return isinstance(exc, RateLimitedError | KieBusyError)


def idempotent_may_retry(exc: KieError) -> bool:
    """Calls without side effects are repeated on every transient failure."""
    return exc.retryable


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently one kind of call is retried."""

    max_attempts: int
    base_delay: float = 1.0
    max_delay: float = 60.0
    maintenance_delay: float = 5.0

    def delay(self, attempt: int, exc: KieError, jitter: Jitter = full_jitter) -> float:
        """Seconds to wait after failed ``attempt`` (1-based) before the next one."""
        maintenance = isinstance(exc, KieBusyError)  # 455 and 550: Kie needs minutes
        ceiling = (self.maintenance_delay if maintenance else self.base_delay) * 2 ** (attempt - 1)
        if isinstance(exc, RateLimitedError):
            ceiling *= 2  # a 429 means Kie is shedding load: back off harder
        delay = jitter(min(self.max_delay, ceiling))
        if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
            delay = max(delay, min(exc.retry_after, self.max_delay))
        return delay

    async def run(
        self,
        what: str,
        may_retry: Callable[[KieError], bool],
        attempt: Callable[[], Awaitable[T]],
        *,
        sleep: Sleep,
        jitter: Jitter = full_jitter,
    ) -> T:
        """Await ``attempt`` until it succeeds, a failure may not be retried, or attempts run out."""
        number = 1
        while True:
            try:
                return await attempt()
            except KieError as exc:
                if number >= self.max_attempts or not may_retry(exc):
                    raise
                delay = self.delay(number, exc, jitter)
                logger.info(
                    "kie %s attempt %d/%d failed (%s); retrying in %.1f s",
                    what,
                    number,
                    self.max_attempts,
                    type(exc).__name__,
                    delay,
                )
            await sleep(delay)
            number += 1


CREATE_RETRY = RetryPolicy(max_attempts=4)
STATUS_RETRY = RetryPolicy(max_attempts=4)
