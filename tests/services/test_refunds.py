"""Failures refund exactly once: Kie ``fail``, the deadline, an admin — even when they race."""

from __future__ import annotations

import asyncio

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import FailureReason, JobView, Refund
from trt_local.storage.db import Database

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier, non_empty, run_until, status_is, status_of

PAID = "nano-banana-pro"
CAT = {"prompt": "a cat on a roof"}


async def refunds(db: Database, user_id: int) -> int:
    return int(
        await db.scalar(
            "SELECT COUNT(*) FROM ledger WHERE user_id = ? AND kind = 'refund'", (user_id,)
        )
    )


async def confirmed(generation: GenerationService, make_user: MakeUser, user_id: int) -> JobView:
    user = await make_user(user_id, balance=5000)
    return await generation.confirm(
        user=user, chat_id=user_id, model_id=PAID, values=CAT, ref=f"job-{user_id}"
    )


async def test_kie_fail_refunds_once_even_when_failed_again(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    db: Database,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.fail_tasks("500", "Internal error")
    job = await confirmed(generation, make_user, 30)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.FAILED))

    assert await billing.balance(30) == 5000
    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(1415, False))]
    assert not await generation.fail_and_refund(job.id, FailureReason.TIMEOUT, "again")
    assert await refunds(db, 30) == 1
    assert len(notifier.failed) == 1
    stored = await generation.get(job.id)
    assert stored is not None and stored.error == FailureReason.UPSTREAM_FAILED
    assert stored.error_detail is not None and "failCode=500" in stored.error_detail


async def test_content_policy_failure_is_reported_as_content_rejected(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.fail_tasks("400", "Your prompt contains prohibited content")
    job = await confirmed(generation, make_user, 31)

    await run_until(engine, clock, non_empty(notifier.failed))

    assert notifier.failed == [(job.id, FailureReason.CONTENT_REJECTED, Refund(1415, False))]


async def test_racing_failures_refund_once(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    db: Database,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.hang_tasks()
    job = await confirmed(generation, make_user, 32)
    await engine.run_once()  # created and running
    assert await status_of(generation, job.id) is JobStatus.RUNNING
    clock.now = job.deadline_at + 1  # the poller will find the deadline passed

    outcomes = await asyncio.gather(
        generation.fail_and_refund(job.id, FailureReason.UPSTREAM_FAILED, "admin"),
        engine.run_once(),
        generation.fail_and_refund(job.id, FailureReason.TIMEOUT, "admin again"),
    )

    assert [outcomes[0], outcomes[2]].count(True) <= 1
    assert await status_of(generation, job.id) is JobStatus.FAILED
    assert await refunds(db, 32) == 1
    assert len(notifier.failed) == 1
    assert await billing.balance(32) == 5000


async def test_deadline_fails_and_refunds_a_job_kie_never_finishes(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.hang_tasks()
    job = await confirmed(generation, make_user, 33)

    await run_until(engine, clock, non_empty(notifier.failed))

    assert notifier.failed == [(job.id, FailureReason.TIMEOUT, Refund(1415, False))]
    failed = await generation.get(job.id)
    assert failed is not None and failed.started_at is not None
    # The generation's deadline counts from Kie's acceptance, not from the confirm.
    assert clock.now >= failed.deadline_at == failed.started_at + 10 * 60
    assert await billing.balance(33) == 5000


async def test_a_job_kie_never_accepts_is_failed_as_unavailable_and_refunded(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.fail_next("create", 455, times=10_000)  # maintenance for longer than the deadline
    job = await confirmed(generation, make_user, 34)

    await run_until(engine, clock, non_empty(notifier.failed))

    # Six rounds of growing backoff (about 35 min), then the user gets the money back.
    assert notifier.failed == [(job.id, FailureReason.UNAVAILABLE, Refund(1415, False))]
    assert clock.now < job.deadline_at
    assert sandbox.created == []


async def test_a_delivered_job_cannot_be_refunded(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    job = await confirmed(generation, make_user, 35)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert not await generation.fail_and_refund(job.id, FailureReason.UPSTREAM_FAILED, "late")
    assert await billing.balance(35) == 5000 - 1415
    assert notifier.failed == []
