"""Telegram Stars top-ups: open an invoice, vet its pre-checkout, credit the payment, refund it.

    StarsError (DomainError)
    ├── TopupOutOfRange     the amount is outside the configured top-up range (min, max)
    ├── PaymentNotFound     no Stars payment has this id
    ├── NotRefundable       the payment is not paid: still open, or refunded already (status)
    ├── RefundNotCovered    the user's balance no longer covers the refund (balance, amount)
    ├── RefundRejected      Telegram refused the refund; nothing changed
    └── RefundUnconfirmed   Telegram did not answer; nothing changed here, a retry is safe

Money comes in only on ``successful_payment``: the ledger row (kind ``topup``, ref
``stars:<telegram_payment_charge_id>``) and the payment's open → paid go in one transaction, so a
repeated ``successful_payment`` finds the charge recorded and credits nothing. Telegram itself is
reached through the :class:`StarsRefunds` port, which the bot implements.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Protocol

import aiosqlite

from trt_local.core.errors import DomainError, InsufficientFunds
from trt_local.services.referrals import Commission, CommissionHook
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserView
from trt_local.storage import payments
from trt_local.storage.db import Database
from trt_local.storage.ledger import post
from trt_local.storage.payments import PaymentRecord, PaymentsRepo

log = logging.getLogger("trt.stars")

CURRENCY = "XTR"
INVOICE_TTL_S = 24 * 3600.0  # an older invoice is refused at pre-checkout: the rate may have moved
MAX_REASON_LENGTH = 500


class StarsError(DomainError):
    """Base of the Stars errors; each carries data, the bot and the dashboard word it."""


class TopupOutOfRange(StarsError):
    def __init__(self, amount_minor: int, *, min_minor: int, max_minor: int) -> None:
        self.amount_minor = amount_minor
        self.min_minor = min_minor
        self.max_minor = max_minor
        super().__init__(f"top-up of {amount_minor} outside {min_minor}..{max_minor}")


class PaymentNotFound(StarsError):
    def __init__(self, payment_id: int) -> None:
        self.payment_id = payment_id
        super().__init__(f"no Stars payment {payment_id}")


class NotRefundable(StarsError):
    def __init__(self, payment_id: int, status: str) -> None:
        self.payment_id = payment_id
        self.status = status
        super().__init__(f"payment {payment_id} is {status}, not paid")


class RefundNotCovered(StarsError):
    def __init__(self, payment_id: int, *, balance_minor: int, amount_minor: int) -> None:
        self.payment_id = payment_id
        self.balance_minor = balance_minor
        self.amount_minor = amount_minor
        super().__init__(f"balance {balance_minor} does not cover refund {amount_minor}")


class RefundRejected(StarsError):
    """Telegram answered no (e.g. an unknown charge); ``detail`` is its description, for admins."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"Telegram refused the refund: {detail}")


class RefundUnconfirmed(StarsError):
    """No answer from Telegram (network trouble): whether it refunded is unknown."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"Telegram did not confirm the refund: {detail}")


class StarsRefunds(Protocol):
    async def refund_star_payment(self, user_id: int, charge_id: str) -> None:
        """Return once Telegram has refunded the charge, also when it says it had already.

        Raise :class:`RefundRejected` when Telegram refuses, :class:`RefundUnconfirmed` when it
        cannot be reached or did not answer.
        """


class Refusal(StrEnum):
    """Why a pre-checkout is answered no (the user sees a short sentence for each)."""

    UNKNOWN = "unknown"  # not a payload this user was given (foreign, forged or garbage)
    NOT_OPEN = "not_open"  # paid or refunded already
    EXPIRED = "expired"  # older than INVOICE_TTL_S
    WRONG_AMOUNT = "wrong_amount"  # the price or currency differs from the top-up's
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class TopupInvoice:
    payment_id: int
    payload: str
    amount_minor: int
    stars: int


@dataclass(frozen=True, slots=True)
class Receipt:
    payment_id: int
    amount_minor: int
    stars: int
    balance_minor: int  # after the credit
    credited: bool  # False: this charge was recorded before, nothing changed
    commission: Commission | None = None  # the inviter's share, to tell them


@dataclass(frozen=True, slots=True)
class StarsRefund:
    payment: PaymentRecord  # as it is after the refund
    taken_minor: int  # taken back from the balance
    balance_minor: int  # after the refund
    applied: bool  # False: already refunded here, nothing changed

    @property
    def shortfall_minor(self) -> int:
        """What the user spent while Telegram was refunding (normally 0)."""
        return self.payment.amount_minor - self.taken_minor if self.applied else 0


class StarsService:
    def __init__(
        self,
        db: Database,
        settings: RuntimeSettings,
        refunds: StarsRefunds,
        *,
        clock: Callable[[], float],
        commission: CommissionHook | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._refunds = refunds
        self._commission = commission
        self._repo = PaymentsRepo(db)
        self._clock = clock

    async def open_topup(self, user: UserView, amount_minor: int) -> TopupInvoice:
        """A new open top-up: the payload for ``sendInvoice`` and its price in whole Stars."""
        money = self._settings.money_in
        if not money.min_topup_minor <= amount_minor <= money.max_topup_minor:
            raise TopupOutOfRange(
                amount_minor, min_minor=money.min_topup_minor, max_minor=money.max_topup_minor
            )
        stars = money.stars_for(amount_minor)
        async with self._db.transaction() as tx:
            record = await payments.insert_open_stars(
                tx, user_id=user.id, amount_minor=amount_minor, stars=stars, now=self._clock()
            )
        assert record.payload is not None
        return TopupInvoice(record.id, record.payload, amount_minor, stars)

    async def check_pre_checkout(
        self, user: UserView, payload: str, total_amount: int, currency: str
    ) -> Refusal | None:
        """None when Telegram may take the payment; otherwise why not. Reads only: answer fast."""
        if user.blocked and not user.is_admin:
            return Refusal.BLOCKED
        record = await self._repo.by_payload(payload)
        if record is None or record.method != "stars" or record.user_id != user.id:
            return Refusal.UNKNOWN
        if record.status != "open":
            return Refusal.NOT_OPEN
        if self._clock() - record.created_at > INVOICE_TTL_S:
            return Refusal.EXPIRED
        if currency != CURRENCY or total_amount != record.stars:
            return Refusal.WRONG_AMOUNT
        return None

    async def record_payment(
        self, user: UserView, payload: str, charge_id: str, total_amount: int
    ) -> Receipt:
        """Credit a successful payment once, keyed on its ``telegram_payment_charge_id``.

        Telegram has taken the Stars by now, so a payment is recorded even when it matches no
        open top-up (a race of two payments for one invoice): only a recorded payment can be
        refunded, and the user gets what they paid for at the current rate.
        """
        now = self._clock()
        async with self._db.transaction() as tx:
            known = await payments.by_external_id_tx(tx, charge_id)
            if known is not None:
                balance = await _balance(tx, known.user_id)
                return Receipt(known.id, known.amount_minor, known.stars or 0, balance, False)
            record = await payments.by_payload_tx(tx, payload)
            matches = (
                record is not None
                and record.method == "stars"
                and record.user_id == user.id
                and record.stars == total_amount
            )
            if record is not None and matches and record.status == "open":
                await payments.mark_paid(tx, record.id, charge_id=charge_id, now=now)
                payment_id, amount = record.id, record.amount_minor
            else:
                amount = record.amount_minor if record is not None and matches else 0
                amount = amount or self._minor_for_stars(total_amount)
                why = "no open top-up for this payload" if record is None else "invoice reused"
                orphan = await payments.insert_paid_stars(
                    tx,
                    user_id=user.id,
                    amount_minor=amount,
                    stars=total_amount,
                    charge_id=charge_id,
                    reason=why,
                    now=now,
                )
                payment_id = orphan.id
                log.warning("Stars payment %s of user %s: %s", payment_id, user.id, why)
            after = await post(
                tx,
                user_id=user.id,
                amount_minor=amount,
                kind="topup",
                ref=f"stars:{charge_id}",
                now=now,
                reason=f"Telegram Stars, payment {payment_id}",
            )
            assert after is not None, "the charge id is UNIQUE in payments and in the ledger"
            share = None
            if self._commission is not None:  # the inviter's share, in the same transaction
                share = await self._commission(tx, user.id, f"stars:{charge_id}", amount, now)
        log.info(
            "Stars payment %s: user %s +%d (%d XTR)", payment_id, user.id, amount, total_amount
        )
        return Receipt(payment_id, amount, total_amount, after, True, share)

    async def refund(self, actor_id: int, payment_id: int, reason: str = "") -> StarsRefund:
        """Give a Stars payment back: Telegram returns the Stars, the ledger takes the money back.

        The caller checks that ``actor_id`` may do this (an admin, or the dashboard operator).

        Order: check, then Telegram, then the ledger. The money leaves the balance only after
        Telegram has refunded, so it never moves without the Stars going back; if Telegram says
        no or does not answer, nothing changed here. Never twice: Telegram refuses a second
        refund of one charge, the ledger row is keyed on the charge id (kind ``payment_refund``,
        ref ``stars:<charge>``) and paid → refunded is guarded. A retry after a lost answer or a
        crash between the two steps finds Telegram's "already refunded", which counts as done,
        and writes the missing row. Holding the database while Telegram answers would stall
        every writer, so the balance is checked before the call; if the user spends in that
        moment, the refund takes what is left and reports the shortfall.
        """
        record = await self._repo.get(payment_id)
        if record is None or record.method != "stars":
            raise PaymentNotFound(payment_id)
        if record.status == "refunded":
            return StarsRefund(record, 0, await self._balance(record.user_id), applied=False)
        if record.status != "paid" or record.external_id is None:
            raise NotRefundable(payment_id, record.status)
        balance = await self._balance(record.user_id)
        if balance < record.amount_minor:
            raise RefundNotCovered(
                payment_id, balance_minor=balance, amount_minor=record.amount_minor
            )
        await self._refunds.refund_star_payment(record.user_id, record.external_id)
        return await self._take_back(actor_id, record, reason.strip()[:MAX_REASON_LENGTH])

    async def _take_back(self, actor_id: int, record: PaymentRecord, reason: str) -> StarsRefund:
        now = self._clock()
        ref = f"stars:{record.external_id}"
        async with self._db.transaction() as tx:
            if not await payments.mark_refunded(
                tx, record.id, actor_id=actor_id, reason=reason, now=now
            ):
                # Another refund of this payment finished while Telegram answered us.
                current = await payments.get_tx(tx, record.id)
                assert current is not None
                return StarsRefund(current, 0, await _balance(tx, record.user_id), applied=False)
            taken = record.amount_minor
            try:
                after = await _take(tx, record, -taken, ref, actor_id, reason, now)
            except InsufficientFunds as short:
                # Spent while Telegram was refunding: take what is left, report the rest.
                taken = short.balance_minor
                after = await _take(tx, record, -taken, ref, actor_id, reason, now)
            current = await payments.get_tx(tx, record.id)
            assert current is not None
        log.info(
            "admin %s refunded Stars payment %s: user %s -%d",
            actor_id,
            record.id,
            record.user_id,
            taken,
        )
        return StarsRefund(current, taken, after, applied=True)

    async def get(self, payment_id: int) -> PaymentRecord | None:
        return await self._repo.get(payment_id)

    async def recent(
        self, *, statuses: tuple[str, ...] = (), limit: int = 50
    ) -> list[PaymentRecord]:
        """Recent Stars payments, newest first (the dashboard's list with refund)."""
        return await self._repo.recent(method="stars", statuses=statuses, limit=limit)

    async def _balance(self, user_id: int) -> int:
        value = await self._db.scalar("SELECT balance_minor FROM users WHERE id = ?", (user_id,))
        return int(value or 0)

    def _minor_for_stars(self, stars: int) -> int:
        """Money for Stars at the current rate, rounded down: never more than was paid."""
        rate = self._settings.money_in.stars_per_unit
        value = (Decimal(stars) * 100 / rate).to_integral_value(rounding=ROUND_FLOOR)
        return max(1, int(value))


async def _take(
    tx: aiosqlite.Connection,
    record: PaymentRecord,
    amount: int,
    ref: str,
    actor_id: int,
    reason: str,
    now: float,
) -> int:
    """The refund's ledger row (a zero amount writes no row: nothing was left to take)."""
    if amount == 0:
        return 0
    after = await post(
        tx,
        user_id=record.user_id,
        amount_minor=amount,
        kind="payment_refund",
        ref=ref,
        now=now,
        actor_id=actor_id,
        reason=reason or f"Telegram Stars refund, payment {record.id}",
    )
    assert after is not None, "paid → refunded is guarded, so this ref is new"
    return after


async def _balance(tx: aiosqlite.Connection, user_id: int) -> int:
    async with tx.execute("SELECT balance_minor FROM users WHERE id = ?", (user_id,)) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0
