"""Manual transfers as a service: proof in, credited exactly once, rejected or expired with nothing
credited, and every message owed sent once (the desk remembers what it told)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from trt_local.core.errors import TransferRefusal, TransferRefused
from trt_local.services.billing import Billing
from trt_local.services.ports import DeliveryError
from trt_local.services.referrals import ReferralService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.transfer_watch import TransferWatch
from trt_local.services.transfers import TransferService
from trt_local.services.users import UserView
from trt_local.storage.db import Database
from trt_local.storage.transfers import TransferRecord
from trt_local.storage.users import UsersRepo

from .conftest import MakeUser
from .helpers import FakeClock

DETAILS = "Card 2200 0000 0000 0000, A. Petrova"
ADMINS = (901, 902)
HOUR = 3600.0


@pytest.fixture
def transfers(db: Database, settings: RuntimeSettings, clock: FakeClock) -> TransferService:
    return TransferService(db, settings, details=DETAILS, clock=clock)


async def _pending(
    transfers: TransferService, user: UserView, amount: int = 15_000, unique: str = "AQAD1"
) -> TransferRecord:
    await transfers.start(user, amount)
    return await transfers.submit_proof(user, amount, f"file-{unique}", unique, "paid from Sber")


async def test_a_proof_becomes_a_pending_request_and_ends_the_wait(
    transfers: TransferService, make_user: MakeUser, billing: Billing
) -> None:
    ann = await make_user(101)
    offer = await transfers.start(ann, 15_000)
    assert (offer.amount_minor, offer.details, offer.expiry_hours) == (15_000, DETAILS, 72)
    assert await transfers.awaited_proof(ann.id) == 15_000

    record = await transfers.submit_proof(ann, 15_000, "file-1", "AQAD1", "  paid from Sber  ")

    assert (record.user_id, record.amount_minor, record.status) == (101, 15_000, "pending")
    assert (record.proof_file_id, record.comment) == ("file-1", "paid from Sber")
    assert await transfers.awaited_proof(ann.id) is None
    assert [p.id for p in await transfers.pending()] == [record.id]
    assert await billing.balance(101) == 0  # nothing until an admin approves


async def test_the_same_screenshot_twice_is_refused_whoever_sends_it(
    transfers: TransferService, make_user: MakeUser
) -> None:
    ann, bob = await make_user(102), await make_user(103)
    first = await _pending(transfers, ann, unique="AQAD-same")

    for user in (ann, bob):
        await transfers.start(user, 15_000)
        with pytest.raises(TransferRefused) as refused:
            await transfers.submit_proof(user, 15_000, "another-file-id", "AQAD-same")
        assert refused.value.code is TransferRefusal.ALREADY_SUBMITTED
        assert await transfers.awaited_proof(user.id) == 15_000  # still waiting for a real one
    assert [p.id for p in await transfers.pending()] == [first.id]


async def test_start_and_submit_refuse_off_out_of_range_and_blocked(
    db: Database, settings: RuntimeSettings, clock: FakeClock, make_user: MakeUser
) -> None:
    ann = await make_user(104)
    off = TransferService(db, settings, details="  ", clock=clock)
    assert not off.enabled
    with pytest.raises(TransferRefused) as refused:
        await off.start(ann, 15_000)
    assert refused.value.code is TransferRefusal.OFF

    on = TransferService(db, settings, details=DETAILS, clock=clock)
    for amount in (4_999, 5_000_001, 0):
        with pytest.raises(TransferRefused) as refused:
            await on.start(ann, amount)
        assert refused.value.code is TransferRefusal.OUT_OF_RANGE
        assert dict(refused.value.params) == {"min_minor": 5_000, "max_minor": 5_000_000}

    await UsersRepo(db).set_flags(104, blocked=True)
    blocked = UserView(104, "user104", "en", is_admin=False, blocked=True, balance_minor=0)
    for attempt in (on.start(blocked, 15_000), on.submit_proof(blocked, 15_000, "f", "u")):
        with pytest.raises(TransferRefused) as refused:
            await attempt
        assert refused.value.code is TransferRefusal.BLOCKED
    assert await on.pending() == []


async def test_two_admins_approving_at_once_credit_once(
    transfers: TransferService, make_user: MakeUser, billing: Billing
) -> None:
    ann = await make_user(105, balance=1_000)
    record = await _pending(transfers, ann)

    first, second = await asyncio.gather(
        transfers.approve(ADMINS[0], record.id), transfers.approve(ADMINS[1], record.id)
    )
    again = await transfers.approve(ADMINS[1], record.id)

    assert [first.applied, second.applied, again.applied] == [True, False, False]
    assert first.balance_minor == 16_000
    assert second.transfer.status == again.transfer.status == "approved"
    assert second.transfer.actor_id == again.transfer.actor_id == ADMINS[0]  # "approved by …"
    assert await billing.balance(105) == 16_000
    rows = [row for row in await billing.ledger(105) if row.ref == f"transfer:{record.id}"]
    assert [(r.kind, r.amount_minor, r.actor_id) for r in rows] == [("topup", 15_000, ADMINS[0])]


async def test_reject_keeps_the_reason_and_nothing_is_credited(
    transfers: TransferService, make_user: MakeUser, billing: Billing
) -> None:
    ann = await make_user(106)
    record = await _pending(transfers, ann)

    asked = await transfers.ask_reason(ADMINS[0], record.id)
    assert asked.status == "pending" and await transfers.awaited_reason(ADMINS[0]) == record.id
    decision = await transfers.reject(ADMINS[0], record.id, "  no such payment arrived  ")

    assert decision.applied and decision.transfer.status == "rejected"
    assert (decision.transfer.reason, decision.transfer.actor_id) == (
        "no such payment arrived",
        ADMINS[0],
    )
    assert await transfers.awaited_reason(ADMINS[0]) is None
    late = await transfers.approve(ADMINS[1], record.id)
    assert (late.applied, late.transfer.status) == (False, "rejected")
    assert await billing.balance(106) == 0 and await billing.ledger(106) == []
    assert (await transfers.reject(ADMINS[1], record.id, "dup")).applied is False


async def test_unreviewed_requests_expire_after_the_setting(
    transfers: TransferService, make_user: MakeUser, billing: Billing, clock: FakeClock
) -> None:
    ann = await make_user(107)
    old = await _pending(transfers, ann, unique="AQAD-old")
    clock.advance(2 * HOUR)
    young = await _pending(transfers, ann, unique="AQAD-young")

    clock.advance(70 * HOUR)  # the first is 72 h old now: not yet past it
    assert await transfers.expire_due() == []
    clock.advance(1)
    expired = await transfers.expire_due()

    assert [(r.id, r.status) for r in expired] == [(old.id, "expired")]
    assert [r.id for r in await transfers.pending()] == [young.id]
    assert (await transfers.approve(ADMINS[0], old.id)).applied is False
    assert await billing.balance(107) == 0


async def test_unknown_ids_and_stars_payments_cannot_be_decided(
    transfers: TransferService, make_user: MakeUser, db: Database, clock: FakeClock
) -> None:
    await make_user(108)
    await db.write(
        "INSERT INTO payments (user_id, method, amount_minor, stars, status, created_at, "
        "updated_at) VALUES (108, 'stars', 10000, 160, 'open', ?, ?)",
        (clock(), clock()),
    )
    stars_id = int(await db.scalar("SELECT id FROM payments"))
    for payment_id in (stars_id, 9999):
        with pytest.raises(TransferRefused) as refused:
            await transfers.approve(ADMINS[0], payment_id)
        assert refused.value.code is TransferRefusal.NOT_FOUND
    assert await db.scalar("SELECT status FROM payments WHERE id = ?", (stars_id,)) == "open"


@dataclass
class RecordingDesk:
    """The TransferNotifier port as a test sees it; ``failing`` admins' sends fail for now."""

    announced: list[tuple[int, int]] = field(default_factory=list)  # (transfer, admin)
    updated: list[tuple[int, int, int, str]] = field(default_factory=list)
    told: list[tuple[int, str, int | None]] = field(default_factory=list)
    failing: set[int] = field(default_factory=set)

    async def announce(self, transfer: TransferRecord, admin_id: int) -> int | None:
        if admin_id in self.failing:
            raise DeliveryError("network down")
        self.announced.append((transfer.id, admin_id))
        return 1000 + admin_id

    async def update_admin(self, transfer: TransferRecord, admin_id: int, message_id: int) -> None:
        self.updated.append((transfer.id, admin_id, message_id, transfer.status))

    async def tell_user(self, transfer: TransferRecord, balance_minor: int | None) -> None:
        self.told.append((transfer.user_id, transfer.status, balance_minor))


async def test_the_desk_tells_everyone_once_and_retries_what_failed(
    transfers: TransferService, make_user: MakeUser, clock: FakeClock
) -> None:
    desk = RecordingDesk(failing={ADMINS[1]})
    watch = TransferWatch(transfers, desk, admin_ids=lambda: ADMINS, clock=clock)
    ann, bob = await make_user(109, balance=500), await make_user(110)
    paid = await _pending(transfers, ann, unique="AQAD-a")
    lapsed = await _pending(transfers, bob, amount=20_000, unique="AQAD-b")

    await watch.run_once()
    assert desk.announced == [(paid.id, ADMINS[0]), (lapsed.id, ADMINS[0])]
    desk.failing.clear()
    await watch.run_once()  # the second admin gets them now; the first not again
    await watch.run_once()
    assert desk.announced[2:] == [(paid.id, ADMINS[1]), (lapsed.id, ADMINS[1])]

    await transfers.approve(ADMINS[1], paid.id)
    clock.advance(73 * HOUR)
    await watch.run_once()
    await watch.run_once()

    assert desk.told == [(109, "approved", 15_500), (110, "expired", None)]
    assert desk.updated == [
        (paid.id, ADMINS[0], 1000 + ADMINS[0], "approved"),
        (paid.id, ADMINS[1], 1000 + ADMINS[1], "approved"),
        (lapsed.id, ADMINS[0], 1000 + ADMINS[0], "expired"),
        (lapsed.id, ADMINS[1], 1000 + ADMINS[1], "expired"),
    ]
    assert len(desk.announced) == 4


async def test_a_decision_made_while_the_desk_was_down_is_told_on_start(
    transfers: TransferService, make_user: MakeUser, clock: FakeClock
) -> None:
    ann = await make_user(111)
    record = await _pending(transfers, ann)
    await transfers.reject(ADMINS[0], record.id, "wrong amount")  # no desk ran: nobody told yet

    desk = RecordingDesk()
    await TransferWatch(transfers, desk, admin_ids=lambda: ADMINS, clock=clock).run_once()

    assert desk.announced == [] and desk.updated == []  # the proof is decided: no card now
    assert desk.told == [(111, "rejected", None)]


async def test_an_approved_transfer_of_an_invited_user_pays_the_inviter_their_share_once(
    db: Database, settings: RuntimeSettings, clock: FakeClock, billing: Billing, make_user: MakeUser
) -> None:
    referrals = ReferralService(db, settings, clock=clock)
    transfers = TransferService(
        db, settings, details=DETAILS, clock=clock, commission=referrals.commission_for_topup
    )
    await settings.update_money_in(referral_commission_pct=5)
    await make_user(110)
    friend = await make_user(111)
    await referrals.attribute(111, await referrals.code_for(110))
    record = await _pending(transfers, friend, 20_000)

    first, second = await asyncio.gather(
        transfers.approve(ADMINS[0], record.id), transfers.approve(ADMINS[1], record.id)
    )

    shares = [d.commission for d in (first, second) if d.commission is not None]
    assert [(c.referrer_id, c.amount_minor) for c in shares] == [(110, 1_000)]
    assert await billing.balance(110) == 1_000 and await billing.balance(111) == 20_000
