"""Kie faults the client retries with backoff, on the fake clock: 429/455 bursts on create, 429,
455, 5xx, timeouts and 401/402 on poll. What the user is told, and that the money is right.

(End to end: tests/e2e/test_faults_kie.py; single-fault mechanics: test_engine_create.py,
test_polling.py, test_refunds.py.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import AlertCode, FailureReason, JobView, Phase, Refund
from trt_local.storage.db import Database

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier, run_until

PAID = "nano-banana-pro"
PRICE = 1415
CAT = {"prompt": "a cat on a roof"}
BALANCE = 5000


async def confirmed(generation: GenerationService, make_user: MakeUser, user_id: int) -> JobView:
    user = await make_user(user_id, balance=BALANCE)
    return await generation.confirm(
        user=user, chat_id=user_id, model_id=PAID, values=CAT, ref=f"job-{user_id}"
    )


async def refunds(db: Database, user_id: int) -> int:
    return int(
        await db.scalar(
            "SELECT COUNT(*) FROM ledger WHERE user_id = ? AND kind = 'refund'", (user_id,)
        )
    )


def all_in(
    generation: GenerationService, jobs: list[JobView], status: JobStatus
) -> Callable[[], Awaitable[bool]]:
    """A ``run_until`` condition: every one of ``jobs`` has reached ``status``."""

    async def check() -> bool:
        for job in jobs:
            current = await generation.get(job.id)
            if current is None or current.status is not status:
                return False
        return True

    return check


@pytest.mark.parametrize("code", [429, 455])
async def test_a_burst_of_refusals_on_create_keeps_every_job_queued_then_delivers_each_once(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    code: int,
) -> None:
    jobs = [await confirmed(generation, make_user, user_id) for user_id in range(300, 306)]
    # Kie sheds load for a while: far more refusals than the client's own retries absorb.
    sandbox.fail_next("create", code, http_status=code, times=30)

    await engine.run_once()
    told_queued = {job_id for job_id, phase, _ in notifier.progress if phase is Phase.QUEUED}
    assert told_queued == {job.id for job in jobs}  # "waiting in line", not an error
    await run_until(engine, clock, all_in(generation, jobs, JobStatus.DELIVERED))

    assert sorted(notifier.delivered_ids()) == sorted(job.id for job in jobs)  # each once
    assert sum(r.url.endswith("/createTask") for r in sandbox.requests) == 30 + len(jobs)
    assert len(sandbox.created) == len(jobs)  # one Kie task per job, none doubled
    assert notifier.failed == [] and notifier.alerts == []
    for user_id in range(300, 306):
        assert await billing.balance(user_id) == BALANCE - PRICE


POLL_FAULTS = {
    "429": lambda sandbox: sandbox.fail_next("record", 429, http_status=429, times=9),
    "455": lambda sandbox: sandbox.fail_next("record", 455, times=9),
    "500": lambda sandbox: sandbox.fail_next("record", 500, http_status=500, times=9),
    "timeout": lambda sandbox: sandbox.drop_response_next(9, operation="record"),
}


@pytest.mark.parametrize("fault", sorted(POLL_FAULTS))
async def test_poll_failures_for_a_while_still_deliver_once_and_keep_the_charge(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    fault: str,
) -> None:
    job = await confirmed(generation, make_user, 310)
    await engine.run_once()  # created and running
    POLL_FAULTS[fault](sandbox)  # beyond the client's retries, twice over

    await run_until(engine, clock, all_in(generation, [job], JobStatus.DELIVERED))

    assert notifier.delivered_ids() == [job.id]
    assert notifier.failed == [] and notifier.alerts == []
    assert await billing.balance(310) == BALANCE - PRICE


@pytest.mark.parametrize("fault", sorted(POLL_FAULTS))
async def test_polls_failing_past_the_deadline_time_out_and_refund_once(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    db: Database,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    fault: str,
) -> None:
    job = await confirmed(generation, make_user, 311)
    await engine.run_once()
    for _ in range(300):  # Kie stays broken for longer than the job may take
        POLL_FAULTS[fault](sandbox)

    await run_until(engine, clock, all_in(generation, [job], JobStatus.FAILED))
    for _ in range(3):
        clock.advance(600)
        await engine.run_once()

    assert notifier.failed == [(job.id, FailureReason.TIMEOUT, Refund(PRICE, False))]
    assert notifier.delivered == [] and notifier.alerts == []
    assert await refunds(db, 311) == 1
    assert await billing.balance(311) == BALANCE


@pytest.mark.parametrize(
    ("code", "alert"), [(401, AlertCode.KIE_UNAUTHORIZED), (402, AlertCode.KIE_NO_CREDITS)]
)
async def test_an_account_problem_while_polling_alerts_once_and_refunds_every_job(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    db: Database,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    code: int,
    alert: AlertCode,
) -> None:
    sandbox.hang_tasks()
    jobs = [await confirmed(generation, make_user, user_id) for user_id in (320, 321, 322)]
    await engine.run_once()  # all three running at Kie
    sandbox.fail_next("record", code, times=10_000)  # then the key is revoked / out of credits

    await run_until(engine, clock, all_in(generation, jobs, JobStatus.FAILED))

    assert [a.code for a in notifier.alerts] == [alert]  # once, not once per job or per poll
    assert sorted(notifier.failed) == sorted(
        (job.id, FailureReason.TIMEOUT, Refund(PRICE, False)) for job in jobs
    )
    for user_id in (320, 321, 322):
        assert await refunds(db, user_id) == 1
        assert await billing.balance(user_id) == BALANCE
