"""Outgoing notices — progress edits, "done" edits, failure notices, admin alerts — sent by one
background worker, never awaited by an engine step: a slow or failing Telegram stalls no poll,
create or delivery.

Progress coalesces: only the latest pending one per job is sent, and a job's final notice drops
its pending progress. A failure notice is durable: the job keeps ``notified_at`` NULL until the
notice went out, and the engine queues unnotified failures again when it starts. Progress and
alerts are not kept: the next poll reports again, and a problem that persists alerts again.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Hashable

from trt_local.services.ports import (
    AdminAlert,
    DeliveryError,
    FailureReason,
    JobView,
    Notifier,
    Phase,
    QueuePlace,
    Refund,
)

log = logging.getLogger("trt.notices")

Send = Callable[[], Awaitable[object]]
MarkNotified = Callable[[int], Awaitable[None]]

CONCURRENCY = 8  # notices in flight at once (each chat's own edits are serialized by the bot)


async def notify_quietly(call: Awaitable[None], what: str) -> bool:
    """Await a notifier call whose failure must not undo or block the money flow; True if it
    went through.

    The notifier is the bot's code behind a port: whatever it raises (a Telegram outage, a bug)
    is logged and the job carries on; the state in the database is the truth.
    """
    try:
        await call
    except DeliveryError as exc:
        log.warning("could not %s: %s", what, exc)
        return False
    except Exception:
        log.exception("notifier failed to %s", what)
        return False
    return True


async def _nothing(_job_id: int) -> None:
    return None


class Notices:
    def __init__(
        self,
        notifier: Notifier,
        *,
        mark_notified: MarkNotified = _nothing,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._notifier = notifier
        self._mark_notified = mark_notified
        self._pending: dict[Hashable, Send] = {}  # insertion order is sending order
        self._ids = itertools.count()
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._news = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._worker: asyncio.Task[None] | None = None

    # -- what the engine says -------------------------------------------------------------------

    def progress(
        self, job: JobView, phase: Phase, elapsed_s: float, place: QueuePlace | None = None
    ) -> None:
        """Queue a status edit; replaces a progress edit of the same job not sent yet."""
        if ("final", job.id) in self._pending:
            return
        self._put(
            ("progress", job.id),
            lambda: notify_quietly(
                self._notifier.job_progress(job, phase, elapsed_s, place), "report progress"
            ),
        )

    def done(self, job: JobView) -> None:
        """Queue the final "done" edit of a delivered job (best effort)."""
        self._final(job.id, lambda: notify_quietly(self._notifier.job_done(job), "say done"))

    def failed(self, job: JobView, reason: FailureReason, refund: Refund) -> None:
        """Queue the failure notice; the job is marked notified once it went out."""

        async def send() -> None:
            told = await notify_quietly(
                self._notifier.job_failed(job, reason, refund), "report a failed job"
            )
            if told:  # else it stays unnotified and is sent again after a restart
                await self._mark_notified(job.id)

        self._final(job.id, send)

    def alert(self, alert: AdminAlert) -> None:
        self._put(
            ("alert", next(self._ids)),
            lambda: notify_quietly(self._notifier.alert_admins(alert), "alert the admins"),
        )

    def _final(self, job_id: int, send: Send) -> None:
        self._pending.pop(("progress", job_id), None)
        self._put(("final", job_id), send)

    def _put(self, key: Hashable, send: Send) -> None:
        self._pending[key] = send
        self._idle.clear()
        self._news.set()

    # -- the worker -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._run(), name="trt-notices")

    async def stop(self, grace_s: float) -> None:
        """Stop taking new work; give notices in flight ``grace_s`` to finish, then cancel."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
        tasks = set(self._in_flight)
        if tasks:
            await asyncio.wait(tasks, timeout=grace_s)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self) -> None:
        """Wait until nothing is pending or in flight; without a worker, send inline (tests)."""
        if self._worker is None:
            while self._pending:
                await self._run_one(self._take())
            self._check_idle()
            return
        await self._idle.wait()

    def _take(self) -> Send:
        return self._pending.pop(next(iter(self._pending)))

    async def _run(self) -> None:
        while True:
            await self._news.wait()
            self._news.clear()
            while self._pending:
                await self._slots.acquire()
                if not self._pending:
                    self._slots.release()
                    break
                task = asyncio.create_task(self._run_one(self._take()))
                self._in_flight.add(task)
                task.add_done_callback(self._task_done)
            self._check_idle()

    async def _run_one(self, send: Send) -> None:
        try:
            await send()
        except Exception:
            log.exception("a notice failed")

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slots.release()
        self._check_idle()

    def _check_idle(self) -> None:
        if not self._pending and not self._in_flight:
            self._idle.set()
