"""The generation engine: one scheduler task that moves every open job along.

All job state lives in the database; each open job carries ``next_poll_at``, the time the engine
acts on it next (send the create, poll, deliver). One pass of the scheduler:

1. fails queued jobs whose deadline has passed (``timeout``, refunded);
2. launches creates for due queued jobs, oldest first, while fewer than the global cap are at Kie
   (the client's limiter keeps ≤ 18 per 10 s); the rest wait in the queue and their users see
   their place in it — a busy evening queues paid jobs, it never refuses them;
3. launches polls for due running jobs, most-likely-done first (the client's limiter keeps
   ≤ 8/s, so when more are due than the budget allows, the order decides who waits);
4. launches deliveries for due succeeded jobs;

each kind within its own concurrency budget. Notices to users and admins go out through their own
queue (:mod:`notices`), so Telegram trouble never stalls a pass. Between passes the task sleeps
until the earliest ``next_poll_at`` of work it could start (a poll is what frees a slot for the
queue at the cap) or a :meth:`Engine.wake` (a new job, a finished step) — no busy loop, so an
idle bot uses no CPU. A pass never acts on a row it read before a step on that job ended.
``start`` resumes after a crash or restart; ``stop`` is prompt (in-flight steps get a few seconds)
and leaves every job resumable (a create cut off mid-request is failed and refunded on the next
start, because its Kie task may or may not exist).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from trt_local.core.jobs import JobStatus
from trt_local.kie.client import KieClient
from trt_local.services.alarms import Alarms
from trt_local.services.creator import Creator
from trt_local.services.delivery import Delivery
from trt_local.services.errors import ErrorLog, new_error_id
from trt_local.services.job_views import to_view
from trt_local.services.notices import Notices
from trt_local.services.poller import Poller
from trt_local.services.ports import (
    MAX_UPLOAD_BYTES,
    AdminAlert,
    AlertCode,
    FailureReason,
    Notifier,
    Phase,
    QueuePlace,
)
from trt_local.services.progress import Progress
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.settlement import Settlement
from trt_local.storage.db import Database
from trt_local.storage.jobs import JobRecord, JobsRepo

log = logging.getLogger("trt.engine")

Step = Callable[[JobRecord], Awaitable[None]]
CRASH_RETRY_S = 60.0  # after an unexpected error in a step, try that job again this much later
DELIVERY_GRACE_S = 600.0  # a finished result may take this long past the deadline to send
LOOP_ERROR_PAUSE_S = 5.0
PLACES_EVERY_S = 5.0  # queue places are worked out at most this often
CREATES_PER_S = 1.8  # Kie's create budget as the client keeps it (18 per 10 s)
# The states a step is due in (next_poll_at): create, poll, deliver.
_STEP_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED)


def queue_wait_s(position: int, free_slots: int, cap: int, typical_s: float) -> float:
    """Roughly how long until the job at ``position`` is sent to Kie.

    The first ``free_slots`` go as fast as the create budget allows; each later group of ``cap``
    waits for a generation's typical duration to free its slots.
    """
    wait = position / CREATES_PER_S
    beyond = position - free_slots
    if beyond > 0:
        wait += math.ceil(beyond / max(1, cap)) * typical_s
    return wait


@dataclass(frozen=True, slots=True)
class EngineLimits:
    """How many steps of each kind may run at once."""

    creates: int = 4
    polls: int = 8
    deliveries: int = 3
    stop_grace_s: float = 5.0  # how long stop() lets in-flight steps finish
    max_file_bytes: int = MAX_UPLOAD_BYTES  # larger results are passed on as links


class Engine:
    def __init__(
        self,
        db: Database,
        kie: KieClient,
        notifier: Notifier,
        settings: RuntimeSettings,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        limits: EngineLimits | None = None,
        errors: ErrorLog | None = None,
    ) -> None:
        self._jobs = JobsRepo(db)
        self._errors = errors  # unexpected step errors, kept for the admins
        self._clock = clock
        self._sleep = sleep
        self._limits = limits or EngineLimits()
        self._settings = settings
        self.notices = Notices(notifier, mark_notified=lambda job_id: self._mark_notified(job_id))
        self.settlement = Settlement(db, self.notices, settings, clock=clock)
        self.alarms = Alarms(self.notices, settings)
        self._progress = Progress(self.notices, clock=clock)
        self._creator = Creator(
            self._jobs, kie, self.settlement, self.alarms, self._progress, settings, clock=clock
        )
        self._poller = Poller(
            self._jobs, kie, self.settlement, self.alarms, self._progress, settings, clock=clock
        )
        self._delivery = Delivery(
            self._jobs,
            kie,
            notifier,
            self.notices,
            self.settlement,
            clock=clock,
            max_bytes=self._limits.max_file_bytes,
        )
        self._places_at = -math.inf
        self._busy: dict[int, tuple[str, asyncio.Task[None]]] = {}
        # Steps (job id → kind) that ended during the current pass. The pass's reads may predate
        # their writes: such a row is stale until the next pass (which the ending step wakes), and
        # such a step still counts as in flight (a create that ended may be at Kie uncounted).
        self._ended: dict[int, str] = {}
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    async def _mark_notified(self, job_id: int) -> None:
        await self.settlement.mark_notified(job_id)

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Resume unfinished jobs, then start the scheduler task."""
        if self._runner is not None:
            return
        await self.resume()
        self._stopping = False
        self.notices.start()
        self._runner = asyncio.create_task(self._run(), name="trt-engine")

    async def stop(self) -> None:
        """Stop the scheduler; give in-flight steps a moment to finish, then cancel them."""
        runner, self._runner = self._runner, None
        if runner is not None:
            # Ask the loop to leave at its next wait rather than cancelling it mid-pass (in the
            # middle of a database write); cancel only if the pass does not end in time.
            self._stopping = True
            self.wake()
            done, _ = await asyncio.wait({runner}, timeout=self._limits.stop_grace_s)
            if not done:
                runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        # Steps usually finish within milliseconds; letting them do so keeps their outcome. A
        # create cut off mid-request leaves a job whose Kie task may exist (refunded on the next
        # start), and a send cut off before its status write is repeated after the restart.
        tasks = [task for _, task in self._busy.values()]
        if tasks:
            await asyncio.wait(tasks, timeout=self._limits.stop_grace_s)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Failure notices not out by now are sent on the next start (jobs.notified_at).
        await self.notices.stop(self._limits.stop_grace_s)

    def wake(self) -> None:
        """Run a scheduling pass now (a job was queued or made due)."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._runner is not None and not self._runner.done()

    async def resume(self) -> None:
        """Make every unfinished job resumable after a crash or a restart."""
        now = self._clock()
        for record in await self._jobs.in_status(JobStatus.CREATING):
            log.warning(
                "job %s was being sent to Kie when the bot stopped; its Kie task may or may not "
                "exist, so it is failed and refunded",
                record.id,
            )
            await self.settlement.fail_and_refund(
                record.id, FailureReason.UPSTREAM_FAILED, "interrupted while creating the Kie task"
            )
        polled = await self._jobs.reschedule_all(JobStatus.RUNNING, now)
        # Includes parked deliveries: after a restart each is tried once more.
        undelivered = await self._jobs.reschedule_all(JobStatus.SUCCEEDED, now)
        if polled or undelivered:
            log.info("resuming %d running and %d undelivered job(s)", polled, undelivered)
        told = await self.settlement.renotify()
        if told:
            log.info("sending %d failure notice(s) a stop kept from going out", told)

    # -- scheduling -----------------------------------------------------------------------------

    async def run_once(self) -> float | None:
        """One pass that waits for the work it started; returns the next due time (tests)."""
        waiting = await self._dispatch()
        await self.drain()
        await self.notices.drain()
        # As the loop does: work held back (the queue at the cap) waits for a step, not a time.
        timed = [status for status in _STEP_STATUSES if status not in waiting]
        next_at = await self._jobs.next_due(statuses=timed)
        return next_at if next_at is not None else await self._jobs.next_due()

    async def drain(self) -> None:
        """Wait until no step is in flight."""
        while self._busy:
            await asyncio.gather(*(task for _, task in self._busy.values()), return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                waiting = await self._dispatch()
                # Due work that had to wait starts when a step ends (which wakes the loop) or, for
                # the queue at the global cap, when a poll frees a slot: only the others are timed.
                timed = [status for status in _STEP_STATUSES if status not in waiting]
                next_at = await self._jobs.next_due(list(self._busy), statuses=timed)
            except Exception:
                # The scheduler must outlive a failed pass (a locked or full disk, a bug):
                # log it with its traceback and try again shortly.
                log.exception("engine pass failed; retrying in %.0f s", LOOP_ERROR_PAUSE_S)
                next_at = self._clock() + LOOP_ERROR_PAUSE_S
            if self._stopping:
                break
            delay = None if next_at is None else max(0.0, next_at - self._clock())
            await self._wait(delay)

    async def _wait(self, delay: float | None) -> None:
        """Until ``delay`` seconds pass (None: forever) or :meth:`wake` is called."""
        if delay == 0:
            await asyncio.sleep(0)  # let finished steps report back before the next pass
            return
        waiters: set[asyncio.Task[object]] = {asyncio.create_task(self._wake.wait())}
        if delay is not None:
            waiters.add(asyncio.create_task(self._pause(delay)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    async def _pause(self, seconds: float) -> None:
        await self._sleep(seconds)

    async def _dispatch(self) -> set[JobStatus]:
        """Start every due step the budgets allow; returns the states whose due work waits."""
        self._ended.clear()
        now = self._clock()
        for record in await self._jobs.past_deadline(JobStatus.QUEUED, now):
            if record.id not in self._busy:
                await self.settlement.fail_and_refund(
                    record.id, FailureReason.TIMEOUT, "deadline passed before Kie accepted it"
                )
        limits = self._limits
        in_flight = self._in_flight("create")
        # A create in flight is 'queued' (waiting for Kie's budget) or 'creating' (sent) in the
        # table; either way it holds a slot under the cap, as every running job does.
        at_kie = await self._jobs.count_running() + in_flight
        free_slots = max(0, self._settings.global_job_cap - at_kie)
        creates = min(limits.creates, in_flight + free_slots)
        waiting: set[JobStatus] = set()
        if self._launch(
            "create",
            # Only the head of the queue can be sent now; one row more tells whether work waits.
            # Reading the whole queue on every pass would cost O(queue) per pass.
            await self._jobs.due(JobStatus.QUEUED, now, limit=creates + 1),
            self._creator.create,
            creates,
        ):
            waiting.add(JobStatus.QUEUED)
        await self._report_places(now, free_slots)
        running = await self._jobs.due(JobStatus.RUNNING, now)
        running.sort(key=lambda record: self._poller.priority(record, now), reverse=True)
        if self._launch("poll", running, self._poller.poll, limits.polls):
            waiting.add(JobStatus.RUNNING)
        deliverable = await self._jobs.due(
            JobStatus.SUCCEEDED, now, limit=limits.deliveries + self._in_flight("deliver") + 1
        )
        if self._launch("deliver", deliverable, self._delivery.deliver, limits.deliveries):
            waiting.add(JobStatus.SUCCEEDED)
        return waiting

    def _in_flight(self, kind: str) -> int:
        busy = sum(1 for busy_kind, _ in self._busy.values() if busy_kind == kind)
        return busy + sum(1 for ended_kind in self._ended.values() if ended_kind == kind)

    def _launch(self, kind: str, records: Sequence[JobRecord], step: Step, limit: int) -> bool:
        in_flight = self._in_flight(kind)
        waiting = [r for r in records if r.id not in self._busy and r.id not in self._ended]
        free = max(0, limit - in_flight)
        for record in waiting[:free]:
            task = asyncio.create_task(self._guarded(kind, record, step), name=f"job-{record.id}")
            self._busy[record.id] = (kind, task)
            task.add_done_callback(functools.partial(self._finished, record.id))
        return len(waiting) > free

    def _finished(self, job_id: int, _task: asyncio.Task[None]) -> None:
        busy = self._busy.pop(job_id, None)
        if busy is not None:
            self._ended[job_id] = busy[0]
        self.wake()

    async def _guarded(self, kind: str, record: JobRecord, step: Step) -> None:
        try:
            await step(record)
        except Exception as exc:
            # A bug or an unexpected error must not stop the engine or leave the job due in a
            # tight loop: log it, and make the job wait (a half-done create is failed instead).
            error_id = new_error_id()
            log.exception("error %s: job %s: unexpected error in %s", error_id, record.id, kind)
            if self._errors is not None:
                await self._errors.record(
                    error_id,
                    source="job",
                    place=f"job {record.id} ({record.model_id}): {kind}",
                    user_id=record.user_id,
                    error=exc,
                )
            try:
                await self._after_crash(record, error_id)
            except Exception:
                log.exception("job %s: could not reschedule after the error", record.id)

    async def _report_places(self, now: float, free_slots: int) -> None:
        """Tell queued users their place in the queue (each user's edits are throttled)."""
        if now - self._places_at < PLACES_EVERY_S:
            return
        self._places_at = now
        queued = await self._jobs.in_status(JobStatus.QUEUED)  # in queue order (by id)
        waiting = [r for r in queued if r.id not in self._busy and r.id not in self._ended]
        cap = self._settings.global_job_cap
        for position, record in enumerate(waiting, start=1):
            typical = self._settings.timing(record.output).typical_s
            place = QueuePlace(position, queue_wait_s(position, free_slots, cap, typical))
            self._progress.report(to_view(record), Phase.QUEUED, now - record.created_at, place)

    async def _after_crash(self, record: JobRecord, error_id: str) -> None:
        """After a step raised: try again later, but never past the deadline."""
        current = await self._jobs.get(record.id)
        if current is None or current.status.is_terminal:
            return
        detail = f"internal error {error_id}"
        if current.status is JobStatus.CREATING:
            await self.settlement.fail_and_refund(
                record.id, FailureReason.UPSTREAM_FAILED, f"{detail} while creating"
            )
            return
        now = self._clock()
        limit = current.deadline_at
        if current.status is JobStatus.SUCCEEDED:
            finished = current.finished_at if current.finished_at is not None else now
            limit = max(limit, finished + DELIVERY_GRACE_S)
        if now >= limit:
            failed = await self.settlement.fail_and_refund(
                record.id, FailureReason.UPSTREAM_FAILED, f"{detail}; deadline passed"
            )
            if failed:
                self.notices.alert(
                    AdminAlert(
                        AlertCode.INTERNAL_ERROR,
                        f"job {record.id} (user {record.user_id}) kept failing with an internal "
                        f"error (error {error_id}, see the log); it was failed and refunded",
                    )
                )
            return
        await self._jobs.update(
            record.id,
            expect=(current.status,),
            now=now,
            next_poll_at=min(now + CRASH_RETRY_S, limit),
        )
