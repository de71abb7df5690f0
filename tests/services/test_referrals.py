"""Referrals, the welcome bonus and the top-up commission on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from trt_local.services.billing import Billing
from trt_local.services.referrals import ReferralService, code_from_start_payload
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserService
from trt_local.storage.db import Database
from trt_local.storage.free_grants import FreeGrantsRepo
from trt_local.storage.ledger import post
from trt_local.storage.users import UsersRepo

from .conftest import MakeUser
from .helpers import FakeClock


@pytest.fixture
def referrals(db: Database, settings: RuntimeSettings, clock: FakeClock) -> ReferralService:
    return ReferralService(db, settings, clock=clock)


async def free_of(db: Database, user_id: int) -> int:
    return await FreeGrantsRepo(db).count(user_id)


async def test_each_user_gets_one_short_code_made_when_first_asked(
    referrals: ReferralService, db: Database, make_user: MakeUser
) -> None:
    await make_user(400)
    await make_user(401)
    assert await db.scalar("SELECT referral_code FROM users WHERE id = 400") is None

    code = await referrals.code_for(400)

    assert code == await referrals.code_for(400)
    assert code_from_start_payload(f"ref_{code}") == code and len(code) == 8
    assert await referrals.code_for(401) != code


async def test_a_code_already_taken_is_drawn_again(
    db: Database, settings: RuntimeSettings, clock: FakeClock, make_user: MakeUser
) -> None:
    await make_user(402)
    await make_user(403)
    draws: Iterator[str] = iter(["taken111", "taken111", "fresh222"])
    service = ReferralService(db, settings, clock=clock, make_code=lambda: next(draws))

    assert await service.code_for(402) == "taken111"
    assert await service.code_for(403) == "fresh222"


async def test_an_invited_user_and_the_inviter_both_get_free_generations(
    referrals: ReferralService, db: Database, billing: Billing, make_user: MakeUser
) -> None:
    await make_user(410)
    await make_user(411)
    code = await referrals.code_for(410)

    bonus = await referrals.attribute(411, code)

    assert bonus is not None
    assert (bonus.referrer_id, bonus.referred_id, bonus.free_generations) == (410, 411, 10)
    assert (await free_of(db, 410), await free_of(db, 411)) == (10, 10)
    refs = {
        (g.user_id, g.kind, g.ref) for u in (410, 411) for g in await FreeGrantsRepo(db).entries(u)
    }
    assert refs == {(411, "referral", "ref:411:in"), (410, "referral", "ref:411:out")}
    assert await db.scalar("SELECT referrer_id FROM users WHERE id = 411") == 410
    assert await billing.ledger(410) == [] == await billing.ledger(411)  # money bonus is 0
    stats = await referrals.stats(410)
    assert (stats.invited, stats.earned_minor, stats.earned_free) == (1, 0, 10)
    assert (await referrals.stats(411)).earned_free == 0  # being invited is not earning


async def test_money_bonus_instead_of_free_generations(
    referrals: ReferralService,
    settings: RuntimeSettings,
    db: Database,
    billing: Billing,
    make_user: MakeUser,
) -> None:
    await settings.update_money_in(referral_free=0, referral_bonus_minor=2_500)
    await make_user(420)
    await make_user(421)

    bonus = await referrals.attribute(421, await referrals.code_for(420))

    assert bonus is not None and (bonus.amount_minor, bonus.free_generations) == (2_500, 0)
    for user_id, side in ((421, "in"), (420, "out")):
        [row] = await billing.ledger(user_id)
        assert (row.kind, row.ref, row.amount_minor) == ("referral", f"ref:421:{side}", 2_500)
    assert await free_of(db, 420) == 0
    assert (await referrals.stats(420)).earned_minor == 2_500


async def test_self_unknown_twice_and_blocked_inviters_do_nothing(
    referrals: ReferralService, db: Database, make_user: MakeUser
) -> None:
    for user_id in (430, 431, 432, 433):
        await make_user(user_id)
    own = await referrals.code_for(430)
    other = await referrals.code_for(431)
    blocked = await referrals.code_for(433)
    await db.write("UPDATE users SET blocked = 1 WHERE id = 433")

    assert await referrals.attribute(430, own) is None  # self
    assert await referrals.attribute(432, "zzzzzzzz") is None  # nobody's code
    assert await referrals.attribute(432, blocked) is None  # a blocked inviter earns nothing
    assert await referrals.attribute(432, other) is not None
    assert await referrals.attribute(432, own) is None  # never twice
    assert await referrals.attribute(431, own) is not None  # 431 invited 432, not vice versa

    assert [await free_of(db, u) for u in (430, 431, 432, 433)] == [10, 20, 10, 0]
    assert await db.scalar("SELECT COUNT(*) FROM referrals") == 2


async def test_commission_is_credited_once_per_top_up(
    referrals: ReferralService,
    settings: RuntimeSettings,
    db: Database,
    billing: Billing,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    await settings.update_money_in(referral_commission_pct=10)
    for user_id in (440, 441, 442):
        await make_user(user_id)
    await referrals.attribute(441, await referrals.code_for(440))

    async def top_up(user_id: int, ref: str, amount: int) -> object:
        # What a Stars or transfer credit does: the top-up and the commission in one transaction.
        async with db.transaction() as tx:
            await post(tx, user_id=user_id, amount_minor=amount, kind="topup", ref=ref, now=clock())
            return await referrals.commission_for_topup(tx, user_id, ref, amount, clock())

    first = await top_up(441, "stars:charge-1", 15_005)
    async with db.transaction() as tx:  # the same payment reported twice
        repeated = await referrals.commission_for_topup(tx, 441, "stars:charge-1", 15_005, clock())
    uninvited = await top_up(442, "stars:charge-2", 10_000)

    assert first is not None and (first.referrer_id, first.amount_minor) == (440, 1_500)
    assert repeated is None and uninvited is None
    [row] = await billing.ledger(440)
    assert (row.kind, row.ref, row.amount_minor) == ("referral", "commission:stars:charge-1", 1_500)
    assert (await referrals.stats(440)).earned_minor == 1_500


async def test_no_commission_at_zero_percent(
    referrals: ReferralService,
    db: Database,
    billing: Billing,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    await make_user(450)
    await make_user(451)
    await referrals.attribute(451, await referrals.code_for(450))
    async with db.transaction() as tx:
        assert await referrals.commission_for_topup(tx, 451, "t:1", 10_000, clock()) is None
    assert await billing.ledger(450) == []


async def test_welcome_bonus_is_given_once_when_a_user_is_first_seen(
    referrals: ReferralService,
    settings: RuntimeSettings,
    db: Database,
    billing: Billing,
    clock: FakeClock,
) -> None:
    users = UserService(
        UsersRepo(db), admin_ids=frozenset(), clock=clock, on_created=referrals.welcome
    )
    first = await users.seen(460, username=None, first_name="Ann")
    await settings.update_money_in(welcome_bonus_minor=5_000, welcome_free=3)

    new = await users.seen(461, username=None, first_name="Bob")
    again = await users.seen(461, username=None, first_name="Bob")

    assert first.is_new and new.is_new and not again.is_new
    assert new.balance_minor == again.balance_minor == 5_000
    [row] = await billing.ledger(461)
    assert (row.kind, row.ref) == ("bonus", "welcome:461")
    assert await free_of(db, 461) == 3
    gift = await referrals.welcome_given(461)
    assert (gift.amount_minor, gift.free_generations) == (5_000, 3)
    # The user seen before the bonus was switched on gets nothing later.
    assert await billing.balance(460) == 0 and await free_of(db, 460) == 0
    assert (await referrals.welcome_given(460)).amount_minor == 0
