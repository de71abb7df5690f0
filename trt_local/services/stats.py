"""What the dashboard and the admin panel show about the business: queue, jobs and money,
failures, credits.

"Today" is the calendar day in the configured time zone, the same day the free quota uses. The
24-hour series are hourly buckets ending with the current (partial) hour. Revenue is what users
paid for generations: charges minus refunds; the panel's overview adds money in (top-ups by
method) and refunds by period. Everything here reads; nothing changes state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from trt_local.core.pricing import credits_value_minor
from trt_local.kie.client import KieClient
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage import overview, stats
from trt_local.storage.db import Database
from trt_local.storage.overview import JobCounts, Periods, Sums, UserCounts
from trt_local.storage.stats import HOUR_S, FailureRow

HOURS = 24
DAY_S = 86_400
FAILURES_SHOWN = 8
LOW_CREDITS = Decimal("100")  # below this many Kie credits the dashboard warns


@dataclass(frozen=True, slots=True)
class QueueState:
    queued: int  # waiting for Kie to accept them (queued + creating)
    running: int  # Kie is generating
    delivering: int  # finished, result not yet sent

    @property
    def open(self) -> int:
        return self.queued + self.running + self.delivering


@dataclass(frozen=True, slots=True)
class Activity:
    """Today's totals and the last 24 hours, hour by hour (oldest first)."""

    day: str
    jobs_today: int
    revenue_today_minor: int  # charges minus refunds
    refunds_today_minor: int
    topups_today_minor: int
    jobs_per_hour: tuple[int, ...]
    revenue_per_hour: tuple[int, ...]
    currency: str


@dataclass(frozen=True, slots=True)
class Overview:
    """The admin panel's Stats: today (local), the last 7 and 30 days, all time."""

    users: UserCounts
    jobs: JobCounts
    topups: dict[str, tuple[Sums, int]]  # method → (today / 7 d / 30 d, all time)
    refunds: dict[str, Sums]  # 'refund' (jobs) and 'payment_refund' (Stars) → sums
    queue: QueueState
    currency: str


def day_start(now: float, timezone: str) -> tuple[str, float]:
    """The local calendar day of ``now`` and the epoch second it began."""
    local = datetime.fromtimestamp(now, ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local.date().isoformat(), midnight.timestamp()


class StatsService:
    def __init__(
        self,
        db: Database,
        settings: RuntimeSettings,
        kie: KieClient,
        *,
        clock: Callable[[], float],
    ) -> None:
        self._db = db
        self._settings = settings
        self._kie = kie
        self._clock = clock

    async def queue(self) -> QueueState:
        counts = await stats.open_job_counts(self._db)
        return QueueState(
            queued=counts.get("queued", 0) + counts.get("creating", 0),
            running=counts.get("running", 0),
            delivering=counts.get("succeeded", 0),
        )

    async def activity(self) -> Activity:
        now = self._clock()
        prices = self._settings.prices
        day, midnight = day_start(now, prices.timezone)
        # One pass over the ledger covers both the 24 h series and today (which began < 24 h ago).
        window_start = (now // HOUR_S - (HOURS - 1)) * HOUR_S
        today_start = (midnight // HOUR_S) * HOUR_S
        start = min(window_start, today_start)
        hours = int((now - start) // HOUR_S) + 1
        ledger = await stats.ledger_per_hour(self._db, start, hours)
        charges = [-value for value in ledger.get("charge", [0] * hours)]
        refunds = ledger.get("refund", [0] * hours)
        topups = ledger.get("topup", [0] * hours)
        revenue = [charge - refund for charge, refund in zip(charges, refunds, strict=True)]
        # Buckets from midnight's hour on are today (in a half-hour time zone the half hour
        # before midnight counts too: a small price for one query).
        first_today = int((today_start - start) // HOUR_S)
        offset = hours - HOURS
        return Activity(
            day=day,
            jobs_today=await stats.jobs_between(self._db, midnight, now + 1),
            revenue_today_minor=sum(revenue[first_today:]),
            refunds_today_minor=sum(refunds[first_today:]),
            topups_today_minor=sum(topups[first_today:]),
            jobs_per_hour=tuple(await stats.jobs_per_hour(self._db, window_start, HOURS)),
            revenue_per_hour=tuple(revenue[offset:]),
            currency=prices.currency,
        )

    async def overview(self) -> Overview:
        now = self._clock()
        _, midnight = day_start(now, self._settings.prices.timezone)
        periods = Periods(today=midnight, week=now - 7 * DAY_S, month=now - 30 * DAY_S)
        return Overview(
            users=await overview.user_counts(self._db, periods),
            jobs=await overview.job_counts(self._db, periods),
            topups=await overview.topups_by_method(self._db, periods),
            refunds=await overview.refunds(self._db, periods),
            queue=await self.queue(),
            currency=self._settings.prices.currency,
        )

    def credits_value_minor(self, credits: Decimal) -> int:
        """What ``credits`` are worth at Kie's rate, in the bot's currency (minor units)."""
        return credits_value_minor(credits, self._settings.prices)

    async def recent_failures(self, limit: int = FAILURES_SHOWN) -> list[FailureRow]:
        """Jobs that failed in the last 24 hours, newest first."""
        return await stats.recent_failures(self._db, self._clock() - HOURS * HOUR_S, limit)

    async def kie_credits(self) -> Decimal:
        """The Kie account balance; raises the client's ``KieError`` when it cannot be read."""
        return await self._kie.credits()
