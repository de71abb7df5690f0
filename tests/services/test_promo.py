"""Promo codes on a real SQLite file: what a code credits, every refusal, and the race for the
last use."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from trt_local.core.promo import PromoInvalid, PromoProblem, PromoRefusal, PromoRefused
from trt_local.services.billing import Billing
from trt_local.services.promo import PromoService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database
from trt_local.storage.free_grants import FreeGrantsRepo

from .conftest import MakeUser
from .helpers import FakeClock

ADMIN = 1
TODAY = date(2025, 6, 15)  # the FakeClock's day in Moscow (18:06)


@pytest.fixture
def promo(db: Database, settings: RuntimeSettings, clock: FakeClock) -> PromoService:
    return PromoService(db, settings, clock=clock)


async def refusal(promo: PromoService, user_id: int, code: str) -> PromoRefusal:
    with pytest.raises(PromoRefused) as caught:
        await promo.redeem(user_id, code)
    return caught.value.reason


async def test_a_money_code_credits_once_through_the_ledger(
    promo: PromoService, billing: Billing, make_user: MakeUser
) -> None:
    await make_user(200, balance=1_000)
    await promo.create(ADMIN, "SPRING", amount_minor=10_000)

    done = await promo.redeem(200, "SPRING")

    assert (done.code, done.amount_minor, done.free_generations) == ("SPRING", 10_000, 0)
    assert done.balance_minor == await billing.balance(200) == 11_000
    [row, _topup] = await billing.ledger(200)
    assert (row.kind, row.ref, row.amount_minor) == ("promo", "promo:SPRING:200", 10_000)
    assert await refusal(promo, 200, "SPRING") == PromoRefusal.ALREADY_USED
    assert await billing.balance(200) == 11_000
    [record] = await promo.codes()
    assert record.uses == 1


async def test_a_free_code_grants_free_generations_not_money(
    promo: PromoService, billing: Billing, db: Database, make_user: MakeUser
) -> None:
    await make_user(201)
    await promo.create(ADMIN, "GIFT5", free_generations=5)

    done = await promo.redeem(201, "gift5")

    assert (done.amount_minor, done.free_generations, done.bonus_free) == (0, 5, 5)
    assert await billing.balance(201) == 0 and await billing.ledger(201) == []
    [grant] = await FreeGrantsRepo(db).entries(201)
    assert (grant.kind, grant.ref, grant.amount) == ("promo", "promo:GIFT5:201", 5)


async def test_codes_ignore_case_and_a_duplicate_in_any_case_is_refused(
    promo: PromoService, make_user: MakeUser
) -> None:
    await make_user(202)
    created = await promo.create(ADMIN, "Summer-25", amount_minor=500)
    assert created.code == "SUMMER-25"

    with pytest.raises(PromoInvalid) as caught:
        await promo.create(ADMIN, "summer-25", free_generations=1)
    assert caught.value.problem == PromoProblem.DUPLICATE

    assert (await promo.redeem(202, "sUmMeR-25")).code == "SUMMER-25"
    assert await refusal(promo, 202, "SUMMER-25") == PromoRefusal.ALREADY_USED


async def test_every_refusal_has_its_reason_and_changes_nothing(
    promo: PromoService,
    billing: Billing,
    db: Database,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    for user_id in (210, 211, 212):
        await make_user(user_id)
    await promo.create(ADMIN, "OFFCODE", amount_minor=100)
    await promo.create(ADMIN, "ONCE", amount_minor=100, max_uses=1)
    await promo.create(ADMIN, "TODAY", amount_minor=100, expires=TODAY)
    assert await promo.switch_off(ADMIN, "offcode")
    await promo.redeem(210, "ONCE")
    await db.write("UPDATE users SET blocked = 1 WHERE id = 212")

    assert await refusal(promo, 211, "NOSUCH") == PromoRefusal.UNKNOWN
    assert await refusal(promo, 211, "not a code!") == PromoRefusal.UNKNOWN
    assert await refusal(promo, 211, "OFFCODE") == PromoRefusal.OFF
    assert await refusal(promo, 211, "ONCE") == PromoRefusal.EXHAUSTED
    assert await refusal(promo, 210, "ONCE") == PromoRefusal.ALREADY_USED
    assert await refusal(promo, 212, "TODAY") == PromoRefusal.BLOCKED
    assert (await promo.redeem(211, "TODAY")).amount_minor == 100  # valid through today
    clock.advance(7 * 3600)  # past midnight in Moscow
    assert await refusal(promo, 210, "TODAY") == PromoRefusal.EXPIRED

    assert [await billing.balance(u) for u in (210, 211, 212)] == [100, 100, 0]
    uses = {record.code: record.uses for record in await promo.codes()}
    assert uses == {"OFFCODE": 0, "ONCE": 1, "TODAY": 1}
    assert await db.scalar("SELECT COUNT(*) FROM promo_redemptions") == 2


async def test_twenty_users_racing_for_a_one_use_code_one_wins(
    promo: PromoService,
    db_path: Path,
    settings: RuntimeSettings,
    billing: Billing,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    users = list(range(300, 320))
    for user_id in users:
        await make_user(user_id)
    await promo.create(ADMIN, "LAST", amount_minor=777, max_uses=1)
    # A second connection to the same file, as a second writer would have: SQLite itself, not
    # only the in-process lock, has to keep the code to one use.
    other_db = await Database.open(db_path)
    try:
        other = PromoService(other_db, settings, clock=clock)
        services = [promo, other] * 10
        results = await asyncio.gather(
            *(service.redeem(user, "last") for service, user in zip(services, users, strict=True)),
            return_exceptions=True,
        )
    finally:
        await other_db.close()

    winners = [r for r in results if not isinstance(r, BaseException)]
    refusals = [r for r in results if isinstance(r, PromoRefused)]
    assert len(winners) == 1 and len(refusals) == 19
    assert {r.reason for r in refusals} == {PromoRefusal.EXHAUSTED}
    assert sum([await billing.balance(u) for u in users]) == 777
    [record] = await promo.codes()
    assert record.uses == 1


@pytest.mark.parametrize(
    ("code", "kwargs", "problem"),
    [
        ("ab", {"amount_minor": 100}, PromoProblem.BAD_CODE),
        ("x" * 33, {"amount_minor": 100}, PromoProblem.BAD_CODE),
        ("NO SPACE", {"amount_minor": 100}, PromoProblem.BAD_CODE),
        ("ЛЕТО", {"amount_minor": 100}, PromoProblem.BAD_CODE),
        ("NOTHING", {}, PromoProblem.NO_REWARD),
        ("NEGATIVE", {"amount_minor": -5}, PromoProblem.NO_REWARD),
        ("HUGE", {"amount_minor": 10_000_001}, PromoProblem.TOO_LARGE),
        ("MANYFREE", {"free_generations": 1001}, PromoProblem.TOO_LARGE),
        ("ZEROUSES", {"amount_minor": 100, "max_uses": 0}, PromoProblem.BAD_MAX_USES),
        ("PAST", {"amount_minor": 100, "expires": date(2025, 6, 14)}, PromoProblem.PAST_EXPIRY),
    ],
)
async def test_unusable_new_codes_are_refused_with_the_problem(
    promo: PromoService, code: str, kwargs: dict[str, object], problem: PromoProblem
) -> None:
    with pytest.raises(PromoInvalid) as caught:
        await promo.create(ADMIN, code, **kwargs)  # type: ignore[arg-type]
    assert caught.value.problem == problem
    assert await promo.codes() == []


async def test_switching_off_an_unknown_code_says_so(promo: PromoService) -> None:
    assert not await promo.switch_off(ADMIN, "NOSUCH")
    assert not await promo.switch_off(ADMIN, "bad code")
