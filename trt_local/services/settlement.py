"""Failing a job and giving the money back, exactly once.

``fail_and_refund`` is the only way a job becomes ``failed``. In one transaction it moves the job
out of a non-terminal state (a conditional UPDATE: a second caller finds nothing to move) and
returns the charge (``ledger.post(kind="refund", ref=<job ref>)``, itself idempotent) or the free
generation — to the quota of the day it fails on, which is the day the user is told it is back,
or to the user's granted free generations if it used one.
The poller, the deadline and an admin may race to call it; the write lock and the conditional
UPDATE let exactly one of them win, and only the winner queues the notice to the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from trt_local.core.jobs import JobStatus
from trt_local.core.pricing import QuoteBasis, quota_day
from trt_local.services.job_views import to_view
from trt_local.services.notices import Notices
from trt_local.services.ports import FailureReason, Refund
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database
from trt_local.storage.free_grants import grant
from trt_local.storage.free_usage import give_back_tx
from trt_local.storage.jobs import OPEN_STATUSES, JobRecord, JobsRepo, get_tx, update_tx
from trt_local.storage.ledger import post

log = logging.getLogger("trt.jobs")

MAX_DETAIL_LENGTH = 1000
RENOTIFY_WITHIN_S = 24 * 3600  # failure notices lost to a crash are sent if younger than this


def refund_of(record: JobRecord) -> Refund:
    """What failing ``record`` gave back (a failed job's charge or free generation)."""
    if record.basis is QuoteBasis.PAID:
        return Refund(amount_minor=record.price_minor, free_returned=False)
    return Refund(amount_minor=0, free_returned=record.basis is QuoteBasis.FREE)


class Settlement:
    def __init__(
        self,
        db: Database,
        notices: Notices,
        settings: RuntimeSettings,
        *,
        clock: Callable[[], float],
    ) -> None:
        self._db = db
        self._jobs = JobsRepo(db)
        self._notices = notices
        self._settings = settings
        self._clock = clock

    async def fail_and_refund(self, job_id: int, reason: FailureReason, detail: str = "") -> bool:
        """Fail a non-terminal job and refund it; False (and nothing done) if it was terminal."""
        now = self._clock()
        async with self._db.transaction() as tx:
            record = await get_tx(tx, job_id)
            if record is None:
                raise LookupError(f"no job {job_id}")
            moved = await update_tx(
                tx,
                job_id,
                expect=OPEN_STATUSES,
                now=now,
                status=JobStatus.FAILED.value,
                error_code=reason.value,
                error_detail=detail[:MAX_DETAIL_LENGTH],
                finished_at=now,
                next_poll_at=None,
            )
            if not moved:
                return False
            refund = Refund(amount_minor=0, free_returned=False)
            if record.basis is QuoteBasis.PAID and record.price_minor > 0:
                after = await post(
                    tx,
                    user_id=record.user_id,
                    amount_minor=record.price_minor,
                    kind="refund",
                    ref=record.ref,
                    now=now,
                    reason=f"job {job_id}: {reason.value}",
                )
                if after is not None:
                    refund = Refund(amount_minor=record.price_minor, free_returned=False)
                else:  # cannot happen while jobs fail only here; keep the money right regardless
                    log.error("job %s: a refund for ref %s already existed", job_id, record.ref)
            elif record.basis is QuoteBasis.FREE and record.free_source == "bonus":
                await grant(
                    tx, user_id=record.user_id, amount=1, kind="refund", ref=record.ref, now=now
                )
                refund = Refund(amount_minor=0, free_returned=True)
            elif record.basis is QuoteBasis.FREE and record.free_day:
                today = quota_day(now, self._settings.prices)
                await give_back_tx(tx, record.user_id, today)
                refund = Refund(amount_minor=0, free_returned=True)
            failed = await get_tx(tx, job_id)
        assert failed is not None
        log.info(
            "job %s failed (%s, was %s): %s; refunded %d, free returned %s",
            job_id,
            reason.value,
            record.status.value,
            detail[:200] or "-",
            refund.amount_minor,
            refund.free_returned,
        )
        self._notices.failed(to_view(failed), reason, refund)
        return True

    async def mark_notified(self, job_id: int) -> None:
        await self._jobs.update(
            job_id, expect=(JobStatus.FAILED,), now=self._clock(), notified_at=self._clock()
        )

    async def renotify(self) -> int:
        """Queue the failure notices a stop or crash kept from going out; returns how many."""
        since = self._clock() - RENOTIFY_WITHIN_S
        records = await self._jobs.unnotified_failures(since)
        for record in records:
            reason = FailureReason(record.error_code or FailureReason.UPSTREAM_FAILED.value)
            self._notices.failed(to_view(record), reason, refund_of(record))
        return len(records)
