"""Polling a running job (``recordInfo``) and acting on its state.

- still running: the next poll follows ``core.jobs.poll_delay_for`` (never past the deadline);
  at the deadline one last poll decides, then the job fails with ``timeout``.
- ``success`` with output → ``succeeded`` and due for delivery at once (Kie URLs expire);
  ``success`` without output → ``no_result``; ``fail`` → the reason of its failCode when that
  code has one (services.kie_failures: 451, 550, …), else ``content_rejected`` or
  ``upstream_failed``.
- a poll error is transient: keep polling with backoff; a 404 right after creation gets a few
  grace polls (Kie may lag), then the job fails.

:func:`poll_priority` orders due polls when there are more than the poll budget: the jobs most
likely to be done (longest running relative to their kind's typical duration) go first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from trt_local.core import crashpoints
from trt_local.core.crashpoints import crash_point
from trt_local.core.jobs import JobStatus, poll_delay_for
from trt_local.kie.client import KieClient
from trt_local.kie.errors import KieError, NotFoundError
from trt_local.kie.records import TaskRecord
from trt_local.services.alarms import Alarms
from trt_local.services.job_views import to_view
from trt_local.services.kie_failures import reason_for_code
from trt_local.services.ports import FailureReason
from trt_local.services.progress import Progress, phase_for
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.settlement import Settlement
from trt_local.storage.jobs import JobRecord, JobsRepo, dump_json

log = logging.getLogger("trt.engine")

NOT_FOUND_GRACE_POLLS = 3
NOT_FOUND_RETRY_S = 3.0
ERROR_BACKOFF_BASE_S = 5.0
ERROR_BACKOFF_CAP_S = 60.0


def poll_priority(record: JobRecord, now: float, typical_s: float) -> float:
    """How likely the job is done: its running time over the typical one (higher first)."""
    started = record.started_at if record.started_at is not None else record.created_at
    return (now - started) / max(typical_s, 1.0)


def result_text(record: TaskRecord) -> str | None:
    """The text of a text result (``resultObject``), e.g. a transcript."""
    obj = record.result_object
    if obj is None:
        return None
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        return str(obj["text"])
    if isinstance(obj, str):
        return obj
    return json.dumps(obj, ensure_ascii=False, indent=1)


class Poller:
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
        self._jobs = jobs
        self._kie = kie
        self._settlement = settlement
        self._alarms = alarms
        self._progress = progress
        self._settings = settings
        self._clock = clock

    def priority(self, record: JobRecord, now: float) -> float:
        return poll_priority(record, now, self._settings.timing(record.output).typical_s)

    async def poll(self, record: JobRecord) -> None:
        """Ask Kie about one running job and move it on."""
        if record.task_id is None:  # cannot happen: running implies a task id
            await self._fail(record, FailureReason.UPSTREAM_FAILED, "running without a task id")
            return
        try:
            info = await self._kie.record_info(
                record.task_id, family=self._settings.family_of(record.model_id)
            )
        except NotFoundError as exc:
            await self._not_found(record, exc)
            return
        except KieError as exc:
            await self._poll_failed(record, exc)
            return
        crash_point(crashpoints.WHILE_POLLING)
        if info.is_failed:
            reason = reason_for_code(info.fail_code) or (
                FailureReason.CONTENT_REJECTED
                if info.content_rejected
                else FailureReason.UPSTREAM_FAILED
            )
            detail = f"Kie task failed: failCode={info.fail_code or '-'} failMsg={info.fail_msg}"
            await self._fail(record, reason, detail)
        elif info.is_success:
            await self._succeeded(record, info)
        else:
            await self._still_running(record)

    async def _succeeded(self, record: JobRecord, info: TaskRecord) -> None:
        if not info.has_output:
            await self._fail(record, FailureReason.NO_RESULT, "Kie reported success without output")
            return
        now = self._clock()
        result: dict[str, object] = {"urls": list(info.result_urls), "text": result_text(info)}
        if info.items:
            result["items"] = [item.as_json() for item in info.items]
        if info.extras:
            result["extras"] = dict(info.extras)
        moved = await self._jobs.update(
            record.id,
            expect=(JobStatus.RUNNING,),
            now=now,
            status=JobStatus.SUCCEEDED.value,
            result=dump_json(result),
            finished_at=now,
            next_poll_at=now,
            poll_failures=0,
        )
        self._progress.forget(record.id)
        if moved:
            log.info("job %s succeeded with %d file(s)", record.id, len(info.result_urls))

    async def _still_running(self, record: JobRecord) -> None:
        now = self._clock()
        if now >= record.deadline_at:
            await self._fail(record, FailureReason.TIMEOUT, "deadline passed while generating")
            return
        started = record.started_at if record.started_at is not None else now
        elapsed = now - started
        timing = self._settings.timing(record.output)
        moved = await self._jobs.update(
            record.id,
            expect=(JobStatus.RUNNING,),
            now=now,
            next_poll_at=min(now + poll_delay_for(elapsed, timing.typical_s), record.deadline_at),
            poll_failures=0,
        )
        if moved:
            phase = phase_for(elapsed, timing)
            self._progress.report(to_view(record), phase, elapsed)

    async def _not_found(self, record: JobRecord, exc: NotFoundError) -> None:
        failures = record.poll_failures + 1
        if failures > NOT_FOUND_GRACE_POLLS:
            await self._fail(record, FailureReason.UPSTREAM_FAILED, f"recordInfo: {exc}")
            return
        await self._retry(record, failures, NOT_FOUND_RETRY_S)

    async def _poll_failed(self, record: JobRecord, exc: KieError) -> None:
        if exc.account_problem:
            await self._alarms.report(exc, record.model_id)
        failures = record.poll_failures + 1
        log.warning("job %s: poll %d failed (%s: %s)", record.id, failures, type(exc).__name__, exc)
        delay = min(ERROR_BACKOFF_CAP_S, ERROR_BACKOFF_BASE_S * 2 ** (failures - 1))
        await self._retry(record, failures, delay)

    async def _retry(self, record: JobRecord, failures: int, delay: float) -> None:
        now = self._clock()
        if now >= record.deadline_at:
            await self._fail(record, FailureReason.TIMEOUT, "deadline passed; Kie did not answer")
            return
        await self._jobs.update(
            record.id,
            expect=(JobStatus.RUNNING,),
            now=now,
            next_poll_at=min(now + delay, record.deadline_at),
            poll_failures=failures,
        )

    async def _fail(self, record: JobRecord, reason: FailureReason, detail: str) -> None:
        self._progress.forget(record.id)
        await self._settlement.fail_and_refund(record.id, reason, detail)
