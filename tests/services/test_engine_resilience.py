"""Nothing stays open and nothing stalls: a bug in a step meets the deadline, and a Telegram that
hangs on one user's notice holds up nobody else's job."""

from __future__ import annotations

import asyncio
import logging
import re

import httpx
import pytest

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieClient, KieSandbox
from trt_local.logs import RedactingFormatter
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine, EngineLimits
from trt_local.services.errors import ErrorLog
from trt_local.services.generation import GenerationService
from trt_local.services.ports import AlertCode, DeliveryError, FailureReason, JobView, Refund
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserView
from trt_local.storage.db import Database
from trt_local.storage.errors import ErrorsRepo

from .conftest import MakeEngine, MakeUser
from .helpers import API_KEY, FakeClock, RecordingNotifier, run_until, status_is

PAID = "nano-banana-pro"  # 1415 kopecks at the default prices
CAT = {"prompt": "a cat on a roof"}


class PollsExplode(httpx.AsyncBaseTransport):
    """Kie answers creates; reading a task's state trips a bug on our side (not a Kie error)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.polls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/recordInfo"):
            self.polls += 1
            raise RuntimeError("a bug in the poll path")
        return await self.inner.handle_async_request(request)


async def confirm(generation: GenerationService, user: UserView, ref: str) -> JobView:
    return await generation.confirm(user=user, chat_id=user.id, model_id=PAID, values=CAT, ref=ref)


async def test_a_job_whose_poll_keeps_crashing_is_failed_refunded_and_reported_once(
    db: Database,
    sandbox: KieSandbox,
    settings: RuntimeSettings,
    billing: Billing,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = PollsExplode(sandbox)
    kie = KieClient(API_KEY, transport=broken, clock=clock, sleep=clock.sleep)
    errors = ErrorLog(ErrorsRepo(db), redact=RedactingFormatter([API_KEY]).redact, clock=clock)
    engine = Engine(db, kie, notifier, settings, clock=clock, sleep=clock.sleep, errors=errors)
    generation = GenerationService(db, settings, engine.settlement, clock=clock, wake=engine.wake)
    job = await confirm(generation, await make_user(400, balance=5000), "crashy")
    try:
        with caplog.at_level(logging.ERROR, logger="trt.engine"):
            await run_until(engine, clock, status_is(generation, job.id, JobStatus.FAILED))
    finally:
        await kie.aclose()

    failed = await generation.get(job.id)
    assert failed is not None and failed.started_at is not None
    assert clock.now >= failed.deadline_at  # it had its whole deadline, then no more
    assert broken.polls <= 12  # retried about once a minute, not in a tight loop
    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(1415, False))]
    assert await billing.balance(400) == 5000
    [alert] = notifier.alerts
    assert alert.code is AlertCode.INTERNAL_ERROR and f"job {job.id}" in alert.detail
    error_id = re.search(r"error ([0-9A-F]{6})", alert.detail)
    assert error_id is not None
    assert failed.error_detail is not None and error_id.group(1) in failed.error_detail
    logged = [r for r in caplog.records if error_id.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the log
    stored = await errors.get(error_id.group(1))  # and kept for the admins
    assert stored is not None and stored.source == "job" and stored.user_id == 400
    assert stored.place == f"job {job.id} ({PAID}): poll"
    assert "a bug in the poll path" in stored.traceback and API_KEY not in stored.traceback


class HangsOnFailures(RecordingNotifier):
    """Telegram stops answering while the bot tells one user that their job failed."""

    def __init__(self) -> None:
        super().__init__()
        self.hanging = asyncio.Event()

    async def job_failed(self, job: JobView, reason: FailureReason, refund: Refund) -> None:
        self.hanging.set()
        await asyncio.Event().wait()  # never answers


async def test_a_hanging_failure_notice_stalls_no_other_job_and_is_sent_after_a_restart(
    db: Database,
    kie: KieClient,
    sandbox: KieSandbox,
    settings: RuntimeSettings,
    make_engine: MakeEngine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    stuck = HangsOnFailures()
    engine = Engine(
        db,
        kie,
        stuck,
        settings,
        clock=clock,
        sleep=clock.sleep,
        limits=EngineLimits(stop_grace_s=0),
    )
    generation = GenerationService(db, settings, engine.settlement, clock=clock, wake=engine.wake)
    sandbox.fail_tasks("400", "Your prompt was flagged by the content policy", count=1)
    refused = await confirm(generation, await make_user(401, balance=5000), "refused")
    await engine.start()
    try:
        await asyncio.wait_for(stuck.hanging.wait(), timeout=5)
        fine = await confirm(generation, await make_user(402, balance=5000), "fine")
        await stuck.wait_for(lambda: fine.id in stuck.delivered_ids())
    finally:
        await asyncio.wait_for(engine.stop(), timeout=5)

    # The refused job's user was never told (Telegram hung): the restart tells them, once.
    restarted = make_engine()
    await restarted.resume()
    await restarted.notices.drain()
    assert notifier.failed == [(refused.id, FailureReason.CONTENT_REJECTED, Refund(1415, False))]
    again = make_engine()
    await again.resume()
    await again.notices.drain()
    assert len(notifier.failed) == 1


class CannotTell(RecordingNotifier):
    """Telegram keeps failing the failure notice (after the bot's own retries)."""

    async def job_failed(self, job: JobView, reason: FailureReason, refund: Refund) -> None:
        raise DeliveryError("Timed out")


async def test_a_failure_notice_that_never_got_through_is_sent_after_a_restart(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    make_engine: MakeEngine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    engine = Engine(db, kie, CannotTell(), settings, clock=clock, sleep=clock.sleep)
    generation = GenerationService(db, settings, engine.settlement, clock=clock, wake=engine.wake)
    job = await confirm(generation, await make_user(403, balance=5000), "untold")
    assert await generation.fail_and_refund(job.id, FailureReason.UPSTREAM_FAILED, "test")
    await engine.notices.drain()

    restarted = make_engine()  # the recording notifier: this time Telegram answers
    await restarted.resume()
    await restarted.notices.drain()
    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(1415, False))]
