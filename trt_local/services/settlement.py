"""Failing a job and giving the money back, exactly once.

``fail_and_refund`` is the only way a job becomes ``failed``. In one transaction it moves the job
out of a non-terminal state (a conditional UPDATE: a second caller finds nothing to move) and
returns the charge (``ledger.post(kind="refund", ref=<job ref>)``, itself idempotent) or the free
generation. The poller, the deadline and an admin may race to call it; the write lock and the
conditional UPDATE let exactly one of them win, and only the winner tells the user.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from trt_local.core.jobs import JobStatus
from trt_local.core.pricing import QuoteBasis
from trt_local.services.job_views import to_view
from trt_local.services.ports import FailureReason, Notifier, Refund
from trt_local.storage.db import Database
from trt_local.storage.free_usage import give_back_tx
from trt_local.storage.jobs import OPEN_STATUSES, get_tx, update_tx
from trt_local.storage.ledger import post

log = logging.getLogger("trt.jobs")

MAX_DETAIL_LENGTH = 1000


async def notify_quietly(call: Awaitable[None], what: str) -> None:
    """Await a notifier call whose failure must not undo or block the money flow.

    The notifier is the bot's code behind a port: whatever it raises (a Telegram outage, a bug)
    is logged with its traceback and the job carries on; the state in the database is the truth.
    """
    try:
        await call
    except Exception:
        log.exception("notifier failed to %s", what)


class Settlement:
    def __init__(self, db: Database, notifier: Notifier, *, clock: Callable[[], float]) -> None:
        self._db = db
        self._notifier = notifier
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
            elif record.basis is QuoteBasis.FREE and record.free_day:
                returned = await give_back_tx(tx, record.user_id, record.free_day)
                refund = Refund(amount_minor=0, free_returned=returned)
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
        await notify_quietly(
            self._notifier.job_failed(to_view(failed), reason, refund), "report a failed job"
        )
        return True
