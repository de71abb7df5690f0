"""Stars top-ups as a service: invoice, pre-checkout verdicts, one credit per charge, refunds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

import pytest

from trt_local.services.billing import Billing
from trt_local.services.referrals import ReferralService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stars import (
    INVOICE_TTL_S,
    NotRefundable,
    PaymentNotFound,
    RefundNotCovered,
    RefundRejected,
    RefundUnconfirmed,
    Refusal,
    StarsService,
    TopupOutOfRange,
)
from trt_local.services.users import UserView
from trt_local.storage.db import Database

from .conftest import MakeUser
from .helpers import FakeClock

ADMIN = 1


@dataclass
class FakeTelegram:
    """The refund port: records calls; can refuse, go silent, or run something meanwhile."""

    calls: list[tuple[int, str]] = field(default_factory=list)
    fail: Exception | None = None
    meanwhile: Callable[[], Awaitable[object]] | None = None

    async def refund_star_payment(self, user_id: int, charge_id: str) -> None:
        self.calls.append((user_id, charge_id))
        if self.meanwhile is not None:
            await self.meanwhile()
        if self.fail is not None:
            raise self.fail


@pytest.fixture
def telegram() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def stars(
    db: Database, settings: RuntimeSettings, telegram: FakeTelegram, clock: FakeClock
) -> StarsService:
    return StarsService(db, settings, telegram, clock=clock)


async def paid(stars: StarsService, user: UserView, amount: int, charge: str) -> int:
    """A top-up of ``amount`` paid with ``charge``; returns the payment id."""
    invoice = await stars.open_topup(user, amount)
    receipt = await stars.record_payment(user, invoice.payload, charge, invoice.stars)
    assert receipt.credited
    return receipt.payment_id


async def test_an_invoice_is_priced_in_whole_stars_within_the_range(
    stars: StarsService, make_user: MakeUser
) -> None:
    ann = await make_user(201)
    invoice = await stars.open_topup(ann, 10_000)
    assert (invoice.amount_minor, invoice.stars) == (10_000, 160)
    assert invoice.payload.startswith(f"topup:{invoice.payment_id}:")
    assert (await stars.open_topup(ann, 7_777)).stars == 125  # 124.43 rounded up
    for amount in (4_999, 5_000_001, 0):
        with pytest.raises(TopupOutOfRange) as caught:
            await stars.open_topup(ann, amount)
        assert (caught.value.min_minor, caught.value.max_minor) == (5_000, 5_000_000)


async def test_pre_checkout_verdicts(
    stars: StarsService, make_user: MakeUser, clock: FakeClock
) -> None:
    ann, bob = await make_user(202), await make_user(203)
    invoice = await stars.open_topup(ann, 5_000)
    check = stars.check_pre_checkout
    assert await check(ann, invoice.payload, 80, "XTR") is None
    assert await check(bob, invoice.payload, 80, "XTR") is Refusal.UNKNOWN
    assert await check(ann, "topup:1:forged", 80, "XTR") is Refusal.UNKNOWN
    assert await check(ann, invoice.payload, 79, "XTR") is Refusal.WRONG_AMOUNT
    assert await check(ann, invoice.payload, 80, "USD") is Refusal.WRONG_AMOUNT
    assert await check(replace(ann, blocked=True), invoice.payload, 80, "XTR") is Refusal.BLOCKED
    clock.advance(INVOICE_TTL_S + 1)
    assert await check(ann, invoice.payload, 80, "XTR") is Refusal.EXPIRED
    await stars.record_payment(ann, invoice.payload, "charge-1", 80)
    assert await check(ann, invoice.payload, 80, "XTR") is Refusal.NOT_OPEN


async def test_a_charge_credits_once_however_often_it_arrives(
    stars: StarsService, make_user: MakeUser, billing: Billing
) -> None:
    ann = await make_user(204)
    invoice = await stars.open_topup(ann, 15_000)
    receipts = await asyncio.gather(
        *(stars.record_payment(ann, invoice.payload, "charge-2", 240) for _ in range(3))
    )
    assert sorted(r.credited for r in receipts) == [False, False, True]
    assert {(r.payment_id, r.balance_minor) for r in receipts} == {(invoice.payment_id, 15_000)}
    [row] = await billing.ledger(204)
    assert (row.kind, row.ref, row.amount_minor) == ("topup", "stars:charge-2", 15_000)
    record = await stars.get(invoice.payment_id)
    assert record is not None and (record.status, record.external_id) == ("paid", "charge-2")


async def test_a_second_charge_for_one_invoice_is_kept_and_refundable(
    stars: StarsService, make_user: MakeUser, billing: Billing, telegram: FakeTelegram
) -> None:
    """Two payments raced for one invoice: Telegram took both, so both count."""
    ann = await make_user(205)
    invoice = await stars.open_topup(ann, 5_000)
    first = await stars.record_payment(ann, invoice.payload, "charge-a", 80)
    second = await stars.record_payment(ann, invoice.payload, "charge-b", 80)
    assert second.credited and second.payment_id != first.payment_id
    assert await billing.balance(205) == 10_000
    refund = await stars.refund(ADMIN, second.payment_id)
    assert refund.applied and telegram.calls == [(205, "charge-b")]
    assert await billing.balance(205) == 5_000


async def test_refund_returns_the_stars_then_takes_the_money_once(
    stars: StarsService, make_user: MakeUser, billing: Billing, telegram: FakeTelegram
) -> None:
    ann = await make_user(206)
    payment_id = await paid(stars, ann, 10_000, "charge-3")
    done = await stars.refund(ADMIN, payment_id, "asked by the user")
    assert (done.applied, done.taken_minor, done.balance_minor) == (True, 10_000, 0)
    assert (done.payment.status, done.payment.actor_id) == ("refunded", ADMIN)
    again = await stars.refund(ADMIN, payment_id)
    assert not again.applied
    assert telegram.calls == [(206, "charge-3")]  # Telegram asked once
    kinds = [(r.kind, r.ref, r.amount_minor, r.reason) for r in await billing.ledger(206)]
    assert kinds[0] == ("payment_refund", "stars:charge-3", -10_000, "asked by the user")


async def test_refund_refused_when_the_balance_no_longer_covers_it(
    stars: StarsService, make_user: MakeUser, billing: Billing, telegram: FakeTelegram
) -> None:
    ann = await make_user(207)
    payment_id = await paid(stars, ann, 10_000, "charge-4")
    await billing.adjust(ADMIN, 207, -1, "spent")
    with pytest.raises(RefundNotCovered) as caught:
        await stars.refund(ADMIN, payment_id)
    assert (caught.value.balance_minor, caught.value.amount_minor) == (9_999, 10_000)
    assert telegram.calls == []  # Telegram is not asked to refund what cannot be taken back
    assert (await stars.get(payment_id)).status == "paid"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "error", [RefundRejected("CHARGE_NOT_FOUND"), RefundUnconfirmed("timeout")]
)
async def test_no_money_moves_when_telegram_does_not_refund(
    stars: StarsService,
    make_user: MakeUser,
    billing: Billing,
    telegram: FakeTelegram,
    error: Exception,
) -> None:
    ann = await make_user(208)
    payment_id = await paid(stars, ann, 5_000, "charge-5")
    telegram.fail = error
    with pytest.raises(type(error)):
        await stars.refund(ADMIN, payment_id)
    assert await billing.balance(208) == 5_000
    assert (await stars.get(payment_id)).status == "paid"  # type: ignore[union-attr]
    # The retry: Telegram had in fact refunded and says so ("already refunded" counts as done).
    telegram.fail = None
    assert (await stars.refund(ADMIN, payment_id)).applied
    assert [r.kind for r in await billing.ledger(208)] == ["payment_refund", "topup"]


async def test_money_spent_while_telegram_refunds_is_reported_not_invented(
    stars: StarsService, make_user: MakeUser, billing: Billing, telegram: FakeTelegram
) -> None:
    ann = await make_user(209)
    payment_id = await paid(stars, ann, 5_000, "charge-6")
    telegram.meanwhile = lambda: billing.adjust(ADMIN, 209, -1_000, "a generation meanwhile")
    done = await stars.refund(ADMIN, payment_id)
    assert (done.taken_minor, done.shortfall_minor, done.balance_minor) == (4_000, 1_000, 0)
    assert done.payment.status == "refunded"


async def test_refund_of_an_unknown_or_unpaid_payment_is_refused(
    stars: StarsService, make_user: MakeUser, telegram: FakeTelegram
) -> None:
    ann = await make_user(210)
    invoice = await stars.open_topup(ann, 5_000)
    with pytest.raises(NotRefundable) as caught:
        await stars.refund(ADMIN, invoice.payment_id)
    assert caught.value.status == "open"
    with pytest.raises(PaymentNotFound):
        await stars.refund(ADMIN, 999)
    assert telegram.calls == []


async def test_recent_lists_stars_payments_newest_first(
    stars: StarsService, make_user: MakeUser
) -> None:
    ann = await make_user(211)
    first = await paid(stars, ann, 5_000, "charge-7")
    opened = await stars.open_topup(ann, 10_000)
    assert [p.id for p in await stars.recent()] == [opened.payment_id, first]
    assert [p.id for p in await stars.recent(statuses=("paid",))] == [first]


async def test_an_invited_users_stars_top_up_pays_the_inviter_their_share_once(
    db: Database,
    settings: RuntimeSettings,
    telegram: FakeTelegram,
    billing: Billing,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    referrals = ReferralService(db, settings, clock=clock)
    stars = StarsService(
        db, settings, telegram, clock=clock, commission=referrals.commission_for_topup
    )
    await settings.update_money_in(referral_commission_pct=10)
    await make_user(450)
    friend = await make_user(451)
    await referrals.attribute(451, await referrals.code_for(450))

    invoice = await stars.open_topup(friend, 10_000)
    first = await stars.record_payment(friend, invoice.payload, "charge-450", invoice.stars)
    again = await stars.record_payment(friend, invoice.payload, "charge-450", invoice.stars)

    assert first.commission is not None and first.commission.referrer_id == 450
    assert (first.commission.amount_minor, again.commission) == (1_000, None)
    assert await billing.balance(450) == 1_000 and await billing.balance(451) == 10_000
