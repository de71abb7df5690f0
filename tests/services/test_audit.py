"""The money and job audit (``trt doctor``) on real databases: a clean one, then each defect.

Jobs are made by the real confirm, engine and settlement; a defect is then written the way a bug
would leave it (a status changed without its refund, a ledger row with no job, …). Except in the
balance test, each defect keeps balances equal to ledger sums, as the bugs this audit exists for do.
"""

from __future__ import annotations

from pathlib import Path

from trt_local.core.jobs import JobStatus
from trt_local.services.audit import DEADLINE_GRACE_S, DELIVERY_GRACE_S, AuditCheck, run_audit
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import FailureReason, JobView
from trt_local.storage.db import Database
from trt_local.storage.ledger import post

from .conftest import MakeUser
from .helpers import FakeClock, run_until, status_is

PAID = "nano-banana-pro"  # 1415 kopecks with the default prices
FREE = "google/nano-banana"
CAT = {"prompt": "a cat on a roof"}


async def paid_job(generation: GenerationService, make_user: MakeUser, user_id: int) -> JobView:
    user = await make_user(user_id, balance=5000)
    return await generation.confirm(
        user=user, chat_id=user_id, model_id=PAID, values=CAT, ref=f"job-{user_id}"
    )


async def checks(db: Database, now: float) -> dict[str, AuditCheck]:
    return {check.name: check for check in await run_audit(db, now=now)}


def failing(found: dict[str, AuditCheck]) -> dict[str, tuple[str, ...]]:
    return {name: check.offenders for name, check in found.items() if not check.ok}


async def test_a_clean_database_passes_every_check(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    db: Database,
    make_user: MakeUser,
) -> None:
    delivered = await paid_job(generation, make_user, 40)
    await run_until(engine, clock, status_is(generation, delivered.id, JobStatus.DELIVERED))
    refunded = await paid_job(generation, make_user, 41)
    await generation.fail_and_refund(refunded.id, FailureReason.TIMEOUT, "test")
    free_user = await make_user(42)
    await generation.confirm(
        user=free_user, chat_id=42, model_id=FREE, values=CAT, ref="job-42-free"
    )
    await paid_job(generation, make_user, 43)  # queued, well within its deadline

    found = await checks(db, clock.now)

    assert [name for name in found] == ["balances", "refunds", "charges", "deadlines", "deliveries"]
    assert failing(found) == {}
    assert not any(check.warning or check.offenders for check in found.values())


async def test_a_failed_paid_job_without_its_refund_is_listed(
    generation: GenerationService, clock: FakeClock, db: Database, make_user: MakeUser
) -> None:
    jobs = [await paid_job(generation, make_user, user_id) for user_id in range(50, 57)]
    # Failed behind settlement's back (no refund), as the deadline bug left jobs.
    await db.write("UPDATE jobs SET status = 'failed' WHERE user_id >= 50")
    refunded = await paid_job(generation, make_user, 57)
    await generation.fail_and_refund(refunded.id, FailureReason.TIMEOUT, "fine")

    found = await checks(db, clock.now)

    assert set(failing(found)) == {"refunds"}
    refunds = found["refunds"]
    assert refunds.detail == "7 failed paid job(s) not refunded exactly once"
    assert len(refunds.offenders) == 5  # the first five, oldest first
    first = jobs[0]
    assert refunds.offenders[0] == (
        f"job {first.id} (ref job-50, user 50): price 1415, 0 refund(s) totalling 0"
    )


async def test_a_refund_of_a_delivered_job_is_listed(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    db: Database,
    make_user: MakeUser,
) -> None:
    job = await paid_job(generation, make_user, 60)
    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    async with db.transaction() as tx:  # the user got the picture and the money back
        await post(tx, user_id=60, amount_minor=1415, kind="refund", ref="job-60", now=clock.now)

    found = await checks(db, clock.now)

    assert failing(found) == {
        "refunds": (
            f"ledger row 3 (ref job-60, user 60): refund 1415 of job {job.id}, "
            "which is delivered (paid)",
        )
    }


async def test_charges_without_a_job_and_paid_jobs_without_a_charge_are_listed(
    generation: GenerationService, clock: FakeClock, db: Database, make_user: MakeUser
) -> None:
    await make_user(70, balance=5000)
    async with db.transaction() as tx:  # money taken for a job that was never written
        await post(tx, user_id=70, amount_minor=-1415, kind="charge", ref="70-ghost", now=1.0)
    other = await paid_job(generation, make_user, 71)
    # User 72 is charged under user 71's job, whose own charge lost its ref.
    await db.write("UPDATE ledger SET ref = 'moved' WHERE kind = 'charge' AND ref = 'job-71'")
    await make_user(72, balance=5000)
    async with db.transaction() as tx:
        await post(tx, user_id=72, amount_minor=-1415, kind="charge", ref="job-71", now=1.0)
    free_user = await make_user(73)
    free = await generation.confirm(
        user=free_user, chat_id=73, model_id=FREE, values=CAT, ref="job-73"
    )
    await db.write("UPDATE jobs SET basis = 'paid', price_minor = 315 WHERE id = ?", (free.id,))

    found = await checks(db, clock.now)

    assert set(failing(found)) == {"charges"}
    charges = found["charges"]
    assert charges.detail == "3 charge(s) without their job; 1 paid job(s) without a charge"
    assert charges.offenders[0].endswith("charge -1415, no job has this ref")
    assert charges.offenders[1].endswith("charge -1415, no job has this ref")  # 'moved'
    assert charges.offenders[2].endswith(f"job {other.id} is user 71's, paid, price 1415")
    assert (
        charges.offenders[3]
        == f"job {free.id} (ref job-73, user 73): queued, price 315, never charged"
    )


async def test_jobs_open_past_their_deadline_are_listed_and_parked_deliveries_warned(
    generation: GenerationService, clock: FakeClock, db: Database, make_user: MakeUser
) -> None:
    queued = await paid_job(generation, make_user, 80)
    running = await paid_job(generation, make_user, 81)
    retrying = await paid_job(generation, make_user, 82)
    parked = await paid_job(generation, make_user, 83)
    await db.write("UPDATE jobs SET status = 'running', task_id = 't' WHERE id = ?", (running.id,))
    await db.write(
        "UPDATE jobs SET status = 'succeeded', next_poll_at = deadline_at WHERE id = ?",
        (retrying.id,),
    )
    await db.write(
        "UPDATE jobs SET status = 'succeeded', next_poll_at = NULL, delivery_attempts = 8, "
        "finished_at = created_at WHERE id = ?",
        (parked.id,),
    )
    deadline = queued.deadline_at

    within_grace = await checks(db, deadline + DEADLINE_GRACE_S - 1)
    assert failing(within_grace) == {}
    late = await checks(db, deadline + DEADLINE_GRACE_S + 60)
    assert set(failing(late)) == {"deadlines"}
    assert late["deadlines"].detail == "2 job(s) open past their deadline"
    assert [line.split(":")[0] for line in late["deadlines"].offenders] == [
        f"job {queued.id} (user 80)",
        f"job {running.id} (user 81)",
    ]
    assert "min ago" in late["deadlines"].offenders[0]
    # A delivery still retrying has its backoff's time; then it is stuck too.
    very_late = await checks(db, deadline + DELIVERY_GRACE_S + 1)
    assert very_late["deadlines"].detail == "3 job(s) open past their deadline"

    deliveries = late["deliveries"]
    assert deliveries.ok and deliveries.warning
    assert deliveries.detail.startswith("1 delivery(ies) parked")
    assert deliveries.offenders[0].startswith(f"job {parked.id} (user 83): finished ")
    assert deliveries.offenders[0].endswith("8 attempts")


async def test_a_balance_that_is_not_its_ledger_sum_is_listed(
    tmp_path: Path, generation: GenerationService, make_user: MakeUser
) -> None:
    # Its own database file: the suite's money-invariant check must keep passing on the shared one.
    broken = await Database.open(tmp_path / "broken.db")
    try:
        for user_id in (90, 91):
            await broken.write(
                "INSERT INTO users (id, first_name, first_seen, last_seen, balance_minor) "
                "VALUES (?, 'x', 0, 0, 700)",
                (user_id,),
            )
        found = await checks(broken, 0.0)
    finally:
        await broken.close()

    assert failing(found) == {
        "balances": ("user 90: balance 700, ledger sum 0", "user 91: balance 700, ledger sum 0")
    }
    assert found["balances"].detail == "2 user(s) whose balance is not their ledger sum"
