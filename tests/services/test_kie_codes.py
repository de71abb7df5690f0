"""Kie's §12 codes through the engine on the fake clock: what the user is told, and the refund.

Each code may come as the create answer (the creator reads the error) or as a finished task's
failCode (the poller reads the record); both go through services.kie_failures, so the reason is
the same either way. (End to end through the emulator: tests/e2e/test_kie_codes.py.)
"""

from __future__ import annotations

import pytest

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.creator import MAINTENANCE_BASE_S
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import FailureReason, JobView, Phase, Refund

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier, non_empty, run_until, status_is, status_of

PAID = "nano-banana-pro"
PRICE = 1415
BALANCE = 5000
FINAL = {
    409: FailureReason.ALREADY_EXISTS,
    413: FailureReason.MATCHES_EXISTING_WORK,
    451: FailureReason.INPUT_UNREACHABLE,
    531: FailureReason.LYRICS_MALFORMED,
}
AS_TASK = {**FINAL, 550: FailureReason.BUSY, 455: FailureReason.UNAVAILABLE}


async def confirmed(generation: GenerationService, make_user: MakeUser, user_id: int) -> JobView:
    user = await make_user(user_id, balance=BALANCE)
    return await generation.confirm(
        user=user,
        chat_id=user_id,
        model_id=PAID,
        values={"prompt": "a cat on a roof"},
        ref=f"job-{user_id}",
    )


@pytest.mark.parametrize("code", sorted(FINAL))
async def test_a_final_code_on_create_fails_at_once_with_its_reason_and_refunds(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    code: int,
) -> None:
    job = await confirmed(generation, make_user, 500)
    sandbox.fail_next("create", code, message="nope")

    await engine.run_once()

    assert notifier.failed == [(job.id, FINAL[code], Refund(PRICE, False))]
    assert sum(r.url.endswith("/createTask") for r in sandbox.requests) == 1  # not repeated
    assert await billing.balance(500) == BALANCE
    assert notifier.alerts == []  # nothing for the admin to fix


@pytest.mark.parametrize("code", sorted(AS_TASK))
async def test_a_task_failing_with_a_code_tells_its_reason_and_refunds(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    code: int,
) -> None:
    sandbox.fail_tasks(str(code), "Kie says no", count=1)
    job = await confirmed(generation, make_user, 501)

    await run_until(engine, clock, non_empty(notifier.failed))

    assert notifier.failed == [(job.id, AS_TASK[code], Refund(PRICE, False))]
    assert await billing.balance(501) == BALANCE
    view = await generation.get(job.id)
    assert view is not None and f"failCode={code}" in (view.error_detail or "")


async def test_a_full_queue_keeps_the_job_queued_with_the_long_backoff_then_delivers(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    job = await confirmed(generation, make_user, 502)
    sandbox.fail_next("create", 550, message="queue full", times=6)  # beyond the client's 4
    started = clock.now

    next_at = await engine.run_once()

    assert await status_of(generation, job.id) is JobStatus.QUEUED
    assert [phase for _, phase, _ in notifier.progress] == [Phase.QUEUED]  # "waiting in line"
    assert next_at is not None and next_at - clock.now >= MAINTENANCE_BASE_S
    assert clock.now - started >= 5 + 10 + 20  # the client's own retries waited like 455
    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    assert len(sandbox.created) == 1 and notifier.failed == []
    assert await billing.balance(502) == BALANCE - PRICE


async def test_a_queue_that_stays_full_fails_as_busy_and_refunds(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.fail_next("create", 550, message="queue full", times=10_000)
    job = await confirmed(generation, make_user, 503)

    await run_until(engine, clock, non_empty(notifier.failed))

    assert notifier.failed == [(job.id, FailureReason.BUSY, Refund(PRICE, False))]
    assert sandbox.created == [] and await billing.balance(503) == BALANCE
