"""Confirm: one transaction writes the job and takes the money (or a free generation), once."""

from __future__ import annotations

import asyncio
from typing import Any

import aiosqlite
import pytest

from trt_local.core import (
    InputError,
    InsufficientFunds,
    JobLimitReached,
    ModelUnavailable,
    default_catalog,
)
from trt_local.core.jobs import JobStatus
from trt_local.core.pricing import QuoteBasis
from trt_local.kie import KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import FailureReason, Refund
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database
from trt_local.storage.free_grants import FreeGrantsRepo, grant

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier

PAID = "nano-banana-pro"  # 18 credits → 1415 kopecks with the default prices
FREE = "google/nano-banana"  # a free model: 4 credits → 315 kopecks once the quota is used
CAT = {"prompt": "a cat on a roof"}


def catalog_title(model_id: str) -> str:
    model = default_catalog().get(model_id)
    assert model is not None
    return model.title


async def ledger_rows(db: Database, user_id: int, kind: str) -> int:
    return int(
        await db.scalar(
            "SELECT COUNT(*) FROM ledger WHERE user_id = ? AND kind = ?", (user_id, kind)
        )
    )


async def test_confirm_charges_once_and_writes_one_ledger_row(
    generation: GenerationService, billing: Billing, db: Database, make_user: MakeUser
) -> None:
    user = await make_user(10, balance=5000)
    quoted = await generation.quote(user, PAID, CAT)

    job = await generation.confirm(
        user=user, chat_id=10, model_id=PAID, values=CAT, ref="r-1", status_message_id=77
    )

    assert (job.status, job.basis, job.duplicate) == (JobStatus.QUEUED, QuoteBasis.PAID, False)
    assert job.price_minor == quoted.price_minor == 1415
    assert (job.status_message_id, job.title, job.params) == (77, catalog_title(PAID), CAT)
    assert await billing.balance(10) == 5000 - 1415
    assert await ledger_rows(db, 10, "charge") == 1
    [charge] = [row for row in await billing.ledger(10) if row.kind == "charge"]
    assert (charge.amount_minor, charge.ref) == (-1415, "r-1")


async def test_a_confirm_holds_the_write_lock_for_few_trips_to_the_database_thread(
    generation: GenerationService, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Confirms are serialized by the write lock, so its trips to SQLite's thread bound how many
    # users can pay per second: 25 trips made 360 confirms/s on 1M ledger rows
    # (bench/money.py), 8 make 500-800 on a busy machine.
    user = await make_user(11, balance=5000)
    trips = 0
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal trips
        trips += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    job = await generation.confirm(user=user, chat_id=11, model_id=PAID, values=CAT, ref="r-t")

    assert job.status is JobStatus.QUEUED and not job.duplicate
    assert trips <= 8


async def test_five_concurrent_confirms_with_one_ref_make_one_job_and_one_charge(
    generation: GenerationService, billing: Billing, db: Database, make_user: MakeUser
) -> None:
    user = await make_user(11, balance=10_000)

    results = await asyncio.gather(
        *(
            generation.confirm(user=user, chat_id=11, model_id=PAID, values=CAT, ref="tap")
            for _ in range(5)
        )
    )

    assert len({job.id for job in results}) == 1
    assert sorted(job.duplicate for job in results) == [False, True, True, True, True]
    assert await db.scalar("SELECT COUNT(*) FROM jobs") == 1
    assert await ledger_rows(db, 11, "charge") == 1
    assert await billing.balance(11) == 10_000 - 1415


async def test_no_balance_raises_and_leaves_no_job_and_no_kie_call(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    billing: Billing,
    db: Database,
    make_user: MakeUser,
) -> None:
    user = await make_user(12, balance=100)

    with pytest.raises(InsufficientFunds) as caught:
        await generation.confirm(user=user, chat_id=12, model_id=PAID, values=CAT, ref="poor")
    await engine.run_once()

    assert caught.value.missing_minor == 1415 - 100
    assert await db.scalar("SELECT COUNT(*) FROM jobs") == 0
    assert await billing.balance(12) == 100
    assert sandbox.requests == []


async def test_per_user_cap_counts_open_jobs_from_the_database(
    generation: GenerationService, billing: Billing, make_user: MakeUser
) -> None:
    user = await make_user(13, balance=100_000)
    jobs = [
        await generation.confirm(user=user, chat_id=13, model_id=PAID, values=CAT, ref=f"c{n}")
        for n in range(3)
    ]

    with pytest.raises(JobLimitReached) as caught:
        await generation.confirm(user=user, chat_id=13, model_id=PAID, values=CAT, ref="c3")
    assert (caught.value.scope, caught.value.limit) == ("user", 3)
    assert await billing.balance(13) == 100_000 - 3 * 1415

    # A finished job frees its slot.
    assert await generation.fail_and_refund(jobs[0].id, FailureReason.UPSTREAM_FAILED, "test")
    fourth = await generation.confirm(user=user, chat_id=13, model_id=PAID, values=CAT, ref="c3")
    assert fourth.status is JobStatus.QUEUED


async def test_free_quota_is_used_then_given_back_when_the_job_fails(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    await settings.update_prices(free_per_day=2)
    user = await make_user(16, balance=1000)
    assert (await generation.quote(user, FREE, CAT)).free_left == 2

    first = await generation.confirm(user=user, chat_id=16, model_id=FREE, values=CAT, ref="f1")
    await generation.confirm(user=user, chat_id=16, model_id=FREE, values=CAT, ref="f2")
    third = await generation.confirm(user=user, chat_id=16, model_id=FREE, values=CAT, ref="f3")

    assert (first.basis, first.price_minor) == (QuoteBasis.FREE, 0)
    assert (third.basis, third.price_minor) == (QuoteBasis.PAID, 315)
    assert await billing.balance(16) == 1000 - 315

    assert await generation.free_left(16) == 0
    assert await generation.fail_and_refund(first.id, FailureReason.UPSTREAM_FAILED, "test")
    await engine.notices.drain()
    assert notifier.failed == [(first.id, FailureReason.UPSTREAM_FAILED, Refund(0, True))]
    assert (await generation.quote(user, FREE, CAT)).free_left == 1
    assert await generation.free_left(16) == 1
    assert await billing.balance(16) == 1000 - 315


async def test_a_free_generation_failing_after_midnight_is_given_back_to_the_new_day(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    await settings.update_prices(free_per_day=1, timezone="Europe/Moscow")
    user = await make_user(18)
    clock.now = 1_750_017_600.0  # 2025-06-15 23:00 in Moscow
    job = await generation.confirm(user=user, chat_id=18, model_id=FREE, values=CAT, ref="m1")
    assert job.basis is QuoteBasis.FREE

    clock.advance(2 * 3600)  # 01:00 on the 16th: a fresh day with its own free generation
    assert await generation.free_left(18) == 1
    assert await generation.fail_and_refund(job.id, FailureReason.UPSTREAM_FAILED, "test")
    await engine.notices.drain()

    # The user is told it was returned, so today holds it: two free generations today.
    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(0, True))]
    assert await generation.free_left(18) == 2
    assert (await generation.quote(user, FREE, CAT)).free_left == 2
    for ref in ("m2", "m3"):
        again = await generation.confirm(user=user, chat_id=18, model_id=FREE, values=CAT, ref=ref)
        assert again.basis is QuoteBasis.FREE
    assert (await generation.quote(user, FREE, CAT)).basis is QuoteBasis.PAID


async def test_granted_free_generations_follow_the_daily_quota_and_come_back_on_failure(
    db: Database,
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    await settings.update_prices(free_per_day=1)
    user = await make_user(19)
    async with db.transaction() as tx:
        await grant(tx, user_id=19, amount=2, kind="promo", ref="SPRING:19", now=clock.now)

    daily = await generation.confirm(user=user, chat_id=19, model_id=FREE, values=CAT, ref="b1")
    quote = await generation.quote(user, FREE, CAT)
    assert (quote.basis, quote.free_left, quote.bonus_left, quote.uses_bonus) == (
        QuoteBasis.FREE,
        0,
        2,
        True,
    )
    bonus = await generation.confirm(user=user, chat_id=19, model_id=FREE, values=CAT, ref="b2")
    assert (daily.basis, bonus.basis) == (QuoteBasis.FREE, QuoteBasis.FREE)
    assert await FreeGrantsRepo(db).count(19) == 1

    assert await generation.fail_and_refund(bonus.id, FailureReason.UPSTREAM_FAILED, "test")
    await engine.notices.drain()
    assert notifier.failed == [(bonus.id, FailureReason.UPSTREAM_FAILED, Refund(0, True))]
    assert await FreeGrantsRepo(db).count(19) == 2  # the granted one came back, not today's
    assert await generation.free_left(19) == 0


async def test_free_quota_follows_the_configured_calendar_day(
    generation: GenerationService,
    settings: RuntimeSettings,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    await settings.update_prices(free_per_day=1, timezone="Europe/Moscow")
    user = await make_user(17)
    clock.now = 1_750_017_600.0  # 2025-06-15 23:00 in Moscow (20:00 UTC)
    await generation.confirm(user=user, chat_id=17, model_id=FREE, values=CAT, ref="d1")
    assert (await generation.quote(user, FREE, CAT)).basis is QuoteBasis.PAID

    clock.advance(2 * 3600)  # 01:00 the next day in Moscow, still the same day in UTC
    assert (await generation.quote(user, FREE, CAT)).basis is QuoteBasis.FREE


async def test_admin_pays_nothing_and_may_run_a_disabled_model(
    generation: GenerationService, billing: Billing, db: Database, make_user: MakeUser
) -> None:
    admin = await make_user(18, admin=True)
    user = await make_user(19, balance=5000)

    job = await generation.confirm(user=admin, chat_id=18, model_id=PAID, values=CAT, ref="a1")
    assert (job.basis, job.price_minor) == (QuoteBasis.ADMIN, 0)
    assert await billing.balance(18) == 0
    assert await db.scalar("SELECT COUNT(*) FROM ledger WHERE user_id = 18") == 0

    disabled = "google/imagen4-fast"  # off by default: admins may run it once to check the price
    trial = await generation.confirm(
        user=admin, chat_id=18, model_id=disabled, values=CAT, ref="a2"
    )
    assert trial.model_id == disabled
    with pytest.raises(ModelUnavailable):
        await generation.confirm(user=user, chat_id=19, model_id=disabled, values=CAT, ref="u1")


async def test_invalid_input_is_refused_before_anything_is_written(
    generation: GenerationService, billing: Billing, db: Database, make_user: MakeUser
) -> None:
    user = await make_user(20, balance=5000)

    with pytest.raises(InputError):
        await generation.confirm(user=user, chat_id=20, model_id=PAID, values={}, ref="bad")
    with pytest.raises(ModelUnavailable):
        await generation.confirm(user=user, chat_id=20, model_id="no/such", values=CAT, ref="x")

    assert await db.scalar("SELECT COUNT(*) FROM jobs") == 0
    assert await billing.balance(20) == 5000


async def test_a_ref_of_another_users_job_is_refused(
    generation: GenerationService, make_user: MakeUser
) -> None:
    owner, other = await make_user(21, balance=5000), await make_user(22, balance=5000)
    await generation.confirm(user=owner, chat_id=21, model_id=PAID, values=CAT, ref="shared")

    with pytest.raises(ValueError, match="another user"):
        await generation.confirm(user=other, chat_id=22, model_id=PAID, values=CAT, ref="shared")


async def test_confirm_wakes_the_engine(
    db: Database, settings: RuntimeSettings, engine: Engine, clock: FakeClock, make_user: MakeUser
) -> None:
    woken: list[bool] = []
    service = GenerationService(
        db, settings, engine.settlement, clock=clock, wake=lambda: woken.append(True)
    )
    user = await make_user(23, balance=5000)

    await service.confirm(user=user, chat_id=23, model_id=PAID, values=CAT, ref="w1")
    await service.confirm(user=user, chat_id=23, model_id=PAID, values=CAT, ref="w1")

    assert woken == [True]  # the duplicate tap adds no work
