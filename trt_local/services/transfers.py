"""Manual bank transfers: a proof in, an admin's review, a credit exactly once.

The user pays outside the bot and sends a screenshot, stored as a pending payment; its
``external_id`` (``proof:<file_unique_id>``) is UNIQUE, so one screenshot counts once. Approval
is one transaction: pending → approved (a conditional UPDATE) and the ledger row
``topup``/``transfer:<id>``, so however many admins tap, however often, the money arrives once.
Rejection keeps the admin's reason; a transfer nobody reviews expires after
``transfer_expiry_hours``. Telling the user and the admins is :mod:`transfer_watch`'s job: every
change here sets :attr:`TransferService.changed`, and ``payments.told`` says what is still owed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from trt_local.core.errors import TransferRefusal, TransferRefused
from trt_local.services.referrals import Commission, CommissionHook
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserView
from trt_local.storage import transfer_waits
from trt_local.storage.db import Database
from trt_local.storage.ledger import post
from trt_local.storage.transfer_waits import TransferWaitsRepo
from trt_local.storage.transfers import (
    TransferRecord,
    TransfersRepo,
    decide,
    get_tx,
    insert_pending,
)

log = logging.getLogger("trt.transfers")

PROOF_WAIT_S = 24 * 3600.0  # paying at the bank may take a while; a day-old question has lapsed
REASON_WAIT_S = 3600.0  # an admin's reason comes right after the Reject tap
MAX_COMMENT = 500
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class TransferOffer:
    amount_minor: int
    details: str  # where to send the money, as configured
    expiry_hours: int


@dataclass(frozen=True, slots=True)
class Decision:
    transfer: TransferRecord  # as it stands after the call
    applied: bool  # this call decided it; False: it had been decided already (see its status)
    balance_minor: int | None = None  # after an approval: the user's new balance
    commission: Commission | None = None  # the inviter's share of an approved transfer


class TransferService:
    def __init__(
        self,
        db: Database,
        settings: RuntimeSettings,
        *,
        details: str,
        clock: Callable[[], float],
        commission: CommissionHook | None = None,
    ) -> None:
        self._commission = commission
        self._db = db
        self._settings = settings
        self._details = details.strip()
        self._clock = clock
        self.repo = TransfersRepo(db)
        self._waits = TransferWaitsRepo(db)
        # Set on every change someone must be told about; the watch waits on it.
        self.changed = asyncio.Event()

    @property
    def enabled(self) -> bool:
        """Manual transfers are on when payment details are configured."""
        return bool(self._details)

    @property
    def details(self) -> str:
        return self._details

    # -- the user's side ------------------------------------------------------------------------
    def _check(self, user: UserView, amount_minor: int) -> None:
        if not self.enabled:
            raise TransferRefused(TransferRefusal.OFF)
        if user.blocked:
            raise TransferRefused(TransferRefusal.BLOCKED)
        money = self._settings.money_in
        if not money.min_topup_minor <= amount_minor <= money.max_topup_minor:
            raise TransferRefused(
                TransferRefusal.OUT_OF_RANGE,
                min_minor=money.min_topup_minor,
                max_minor=money.max_topup_minor,
            )

    async def start(self, user: UserView, amount_minor: int) -> TransferOffer:
        """The user chose to pay ``amount_minor`` by transfer: the details, and wait for proof."""
        self._check(user, amount_minor)
        await self._waits.put(user.id, "proof", now=self._clock(), amount_minor=amount_minor)
        return TransferOffer(
            amount_minor, self._details, self._settings.money_in.transfer_expiry_hours
        )

    async def awaited_proof(self, user_id: int) -> int | None:
        """The amount this user is sending proof for, if the bot waits for one."""
        wait = await self._waits.get(user_id)
        if wait is None or wait.kind != "proof" or wait.amount_minor is None:
            return None
        return wait.amount_minor if self._clock() - wait.since < PROOF_WAIT_S else None

    async def submit_proof(
        self,
        user: UserView,
        amount_minor: int,
        file_id: str,
        file_unique_id: str,
        comment: str = "",
        now: float | None = None,
    ) -> TransferRecord:
        """Store the proof as a pending transfer; the same screenshot twice is refused."""
        self._check(user, amount_minor)
        when = self._clock() if now is None else now
        async with self._db.transaction() as tx:
            record = await insert_pending(
                tx,
                user_id=user.id,
                amount_minor=amount_minor,
                file_id=file_id,
                file_unique_id=file_unique_id,
                comment=comment.strip()[:MAX_COMMENT],
                now=when,
            )
            if record is None:
                raise TransferRefused(TransferRefusal.ALREADY_SUBMITTED)
            await transfer_waits.delete_tx(tx, user.id, "proof")
        log.info("transfer %s: %s from user %s is pending", record.id, amount_minor, user.id)
        self.changed.set()
        return record

    # -- the admins' side -----------------------------------------------------------------------
    async def get(self, payment_id: int) -> TransferRecord | None:
        return await self.repo.get(payment_id)

    async def pending(self, limit: int = 100) -> list[TransferRecord]:
        """The review queue, oldest first."""
        return await self.repo.pending(limit)

    async def approve(self, admin_id: int, payment_id: int) -> Decision:
        """Credit the transfer once: the status change and the ledger row in one transaction."""
        now = self._clock()
        async with self._db.transaction() as tx:
            moved = await decide(tx, payment_id, "approved", now=now, actor_id=admin_id)
            record = await get_tx(tx, payment_id)
            if record is None:
                raise TransferRefused(TransferRefusal.NOT_FOUND)
            if not moved:
                return Decision(record, applied=False)
            balance = await post(
                tx,
                user_id=record.user_id,
                amount_minor=record.amount_minor,
                kind="topup",
                ref=f"transfer:{payment_id}",
                now=now,
                actor_id=admin_id,
                reason="bank transfer",
            )
            share = None
            if self._commission is not None:  # the inviter's share, in the same transaction
                share = await self._commission(
                    tx, record.user_id, f"transfer:{payment_id}", record.amount_minor, now
                )
        log.info("transfer %s approved by %s: +%s", payment_id, admin_id, record.amount_minor)
        self.changed.set()
        return Decision(record, balance is not None, balance, share)

    async def ask_reason(self, admin_id: int, payment_id: int) -> TransferRecord:
        """The admin tapped Reject: their next message is the reason (if still pending)."""
        record = await self.repo.get(payment_id)
        if record is None:
            raise TransferRefused(TransferRefusal.NOT_FOUND)
        if record.status == "pending":
            await self._waits.put(admin_id, "reason", now=self._clock(), payment_id=payment_id)
        return record

    async def awaited_reason(self, admin_id: int) -> int | None:
        """The transfer this admin is typing a reject reason for, if any."""
        wait = await self._waits.get(admin_id)
        if wait is None or wait.kind != "reason" or wait.payment_id is None:
            return None
        return wait.payment_id if self._clock() - wait.since < REASON_WAIT_S else None

    async def reject(self, admin_id: int, payment_id: int, reason: str) -> Decision:
        """pending → rejected with the admin's reason, which the user is told."""
        text = reason.strip()[:MAX_REASON]
        if not text:
            raise ValueError("a rejection needs a reason")
        async with self._db.transaction() as tx:
            moved = await decide(
                tx, payment_id, "rejected", now=self._clock(), actor_id=admin_id, reason=text
            )
            record = await get_tx(tx, payment_id)
            await transfer_waits.delete_tx(tx, admin_id, "reason")
        if record is None:
            raise TransferRefused(TransferRefusal.NOT_FOUND)
        if moved:
            log.info("transfer %s rejected by %s", payment_id, admin_id)
            self.changed.set()
        return Decision(record, applied=moved)

    async def expire_due(self, now: float | None = None) -> list[TransferRecord]:
        """Pending transfers older than ``transfer_expiry_hours`` become expired."""
        when = self._clock() if now is None else now
        cutoff = when - self._settings.money_in.transfer_expiry_hours * 3600
        expired: list[TransferRecord] = []
        for payment_id in await self.repo.expired_candidates(cutoff):
            async with self._db.transaction() as tx:
                # An admin may decide it between the read and here: then it stays decided.
                if await decide(tx, payment_id, "expired", now=when):
                    record = await get_tx(tx, payment_id)
                    assert record is not None
                    expired.append(record)
        if expired:
            log.info("%d pending transfer(s) expired", len(expired))
            self.changed.set()
        return expired

    async def forget(self, user_id: int) -> None:
        """The person moved on (a command, another button): their next message is not for us."""
        await self._waits.delete(user_id)
