"""Sending a queued job to Kie (``createTask``) and sorting out what a failure means.

``createTask`` has no idempotency key (API.md §11), so the job goes ``queued → creating`` in the
database *before* the request, and a failure is classified by whether Kie may have started a task:

- Kie provably started nothing (connection refused, 429, 455, 550; the client already retried a
  few times): back to ``queued`` with a growing backoff, a bounded number of rounds, then fail.
- The request may have reached Kie (read timeout, 5xx, a malformed answer): at most one more
  attempt, then fail — a second task would bill the Kie account twice.
- The account needs the admin (401/402/433) or Kie disabled the model (505): fail as
  ``unavailable`` and alert the admins once per problem.
- Kie refused the parameters (400/422): ``invalid_input`` (``content_rejected`` when it reads
  like a content-policy refusal).
- A code with its own reason (451 unreachable input, Suno's 409/413/531: services.kie_failures):
  fail with that reason, so the user learns what to change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from trt_local.core import crashpoints
from trt_local.core.crashpoints import crash_point
from trt_local.core.jobs import FIRST_POLL_DELAY_S, JobStatus
from trt_local.kie.client import KieClient
from trt_local.kie.errors import (
    BadRequestError,
    FeatureDisabledError,
    InvalidParametersError,
    KieAPIError,
    KieBusyError,
    KieError,
    KieProtocolError,
    KieTransportError,
    RateLimitedError,
)
from trt_local.services.alarms import Alarms
from trt_local.services.job_views import to_view
from trt_local.services.kie_failures import reason_for_code
from trt_local.services.ports import FailureReason, Phase
from trt_local.services.progress import Progress
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.settlement import Settlement
from trt_local.storage.jobs import JobRecord, JobsRepo

log = logging.getLogger("trt.engine")

MAX_CREATE_ROUNDS = 6  # each round is already up to 4 attempts inside the client
MAX_UNCERTAIN_RETRIES = 1  # API.md §11: after a read timeout or 5xx, retry at most once
REQUEUE_BASE_S = 10.0
REQUEUE_CAP_S = 120.0
MAINTENANCE_BASE_S = 60.0
MAINTENANCE_CAP_S = 600.0
UNCERTAIN_RETRY_S = 5.0


def requeue_delay(rounds: int, exc: KieError) -> float:
    """Seconds before the next round after ``rounds`` failed ones (1-based)."""
    if isinstance(exc, KieBusyError):  # 455 maintenance, 550 queue full: minutes, not seconds
        return min(MAINTENANCE_CAP_S, MAINTENANCE_BASE_S * 2.0 ** (rounds - 1))
    delay = min(REQUEUE_CAP_S, REQUEUE_BASE_S * 2.0 ** (rounds - 1))
    if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
        delay = max(delay, exc.retry_after)
    return delay


def nothing_started(exc: KieError) -> bool:
    """True when Kie cannot have started a task for the failed request."""
    if isinstance(exc, KieTransportError):
        return not exc.reached
    return isinstance(exc, RateLimitedError | KieBusyError)


def _coded_reason(exc: KieError) -> FailureReason | None:
    """The reason of a final error code that has its own (451, 409, 413, 531); busy ones retry."""
    if not isinstance(exc, KieAPIError) or exc.retryable:
        return None
    return reason_for_code(exc.code)


def may_have_started(exc: KieError) -> bool:
    """True when the request may have reached Kie and the outcome is unknown."""
    if isinstance(exc, KieTransportError | KieProtocolError):
        return True
    return exc.retryable


class Creator:
    def __init__(
        self,
        jobs: JobsRepo,
        kie: KieClient,
        settlement: Settlement,
        alarms: Alarms,
        progress: Progress,
        settings: RuntimeSettings,
        *,
        clock: Callable[[], float],
    ) -> None:
        self._settings = settings
        self._jobs = jobs
        self._kie = kie
        self._settlement = settlement
        self._alarms = alarms
        self._progress = progress
        self._clock = clock

    async def create(self, queued: JobRecord) -> None:
        """Send one queued job to Kie and record the outcome.

        The job stays ``queued`` while it waits for the create budget, so a stop in that wait
        leaves it queued; it turns ``creating`` right before the request. Everything after the
        claim uses the row the claim returned, never ``queued`` (read earlier, maybe stale).
        """
        await self._kie.wait_create_slot()
        now = self._clock()
        record = await self._jobs.claim(
            queued.id,
            expect=JobStatus.QUEUED,
            now=now,
            status=JobStatus.CREATING.value,
            create_attempts=queued.create_attempts + 1,
        )
        if record is None:
            return  # failed meanwhile (deadline, admin)
        crash_point(crashpoints.BEFORE_CREATE)
        try:
            task_id = await self._kie.create_task(
                record.model_id,
                record.kie_input,
                slot_taken=True,
                family=self._settings.family_of(record.model_id),
            )
        except KieError as exc:
            await self._failed(record, record.create_attempts, exc)
            return
        crash_point(crashpoints.AFTER_CREATE)
        self._alarms.clear_after_create(record.model_id)
        now = self._clock()
        running = await self._jobs.claim(
            record.id,
            expect=JobStatus.CREATING,
            now=now,
            status=JobStatus.RUNNING.value,
            task_id=task_id,
            started_at=now,
            # The generation's own deadline starts now: time spent in the queue is not its.
            deadline_at=now + self._settings.timing(record.output).deadline_s,
            next_poll_at=now + FIRST_POLL_DELAY_S,
            poll_failures=0,
        )
        if running is None:
            log.warning(
                "job %s was failed while Kie task %s was being created; the task is not used",
                record.id,
                task_id,
            )
            return
        log.info("job %s is running as Kie task %s", record.id, task_id)
        self._progress.report(to_view(running), Phase.GENERATING, 0.0)

    async def _failed(self, record: JobRecord, rounds: int, exc: KieError) -> None:
        detail = f"createTask: {type(exc).__name__}: {exc}"
        if exc.account_problem or isinstance(exc, FeatureDisabledError):
            await self._alarms.report(exc, record.model_id)
            await self._settlement.fail_and_refund(record.id, FailureReason.UNAVAILABLE, detail)
        elif (coded := _coded_reason(exc)) is not None:
            await self._settlement.fail_and_refund(record.id, coded, detail)
        elif isinstance(exc, BadRequestError | InvalidParametersError):
            reason = (
                FailureReason.CONTENT_REJECTED
                if exc.content_rejected
                else FailureReason.INVALID_INPUT
            )
            await self._settlement.fail_and_refund(record.id, reason, detail)
        elif nothing_started(exc):
            if rounds >= MAX_CREATE_ROUNDS:
                # 455 → unavailable, 550 → busy; a transport failure or 429 → upstream failed.
                code = exc.code if isinstance(exc, KieAPIError) else None
                reason = reason_for_code(code) or FailureReason.UPSTREAM_FAILED
                await self._settlement.fail_and_refund(record.id, reason, detail)
            else:
                await self._requeue(record, requeue_delay(rounds, exc), record.reached_failures)
        elif may_have_started(exc):
            if record.reached_failures >= MAX_UNCERTAIN_RETRIES:
                await self._settlement.fail_and_refund(
                    record.id, FailureReason.UPSTREAM_FAILED, detail
                )
            else:
                log.warning(
                    "job %s: createTask may have reached Kie (%s); trying once more",
                    record.id,
                    type(exc).__name__,
                )
                await self._requeue(record, UNCERTAIN_RETRY_S, record.reached_failures + 1)
        else:
            reason = (
                FailureReason.CONTENT_REJECTED
                if exc.content_rejected
                else FailureReason.UPSTREAM_FAILED
            )
            await self._settlement.fail_and_refund(record.id, reason, detail)

    async def _requeue(self, record: JobRecord, delay: float, reached_failures: int) -> None:
        now = self._clock()
        # Never later than the deadline: a job that cannot be sent in time is failed then.
        await self._jobs.update(
            record.id,
            expect=(JobStatus.CREATING,),
            now=now,
            status=JobStatus.QUEUED.value,
            next_poll_at=min(now + delay, record.deadline_at),
            reached_failures=reached_failures,
        )
        log.info("job %s: create postponed by %.0f s", record.id, delay)
        # API.md §9: a 429/455 keeps the job queued, and the user is told it is waiting.
        self._progress.report(to_view(record), Phase.QUEUED, now - record.created_at)
