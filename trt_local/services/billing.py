"""Balances and the ledger as admins see them: top-ups, adjustments, history and the invariant.

Every balance change is one ledger row written in the same transaction (``storage.ledger.post``),
so ``users.balance_minor`` always equals the sum of that user's rows. Each admin action gets its
own ledger ref; a caller that may repeat an action (a retried button, a payment id) passes its
own ``ref`` and the second post changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from trt_local.core import crashpoints
from trt_local.core.crashpoints import crash_point
from trt_local.storage.db import Database
from trt_local.storage.ledger import LedgerEntry, LedgerRepo, post

log = logging.getLogger("trt.billing")

MAX_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class InvariantViolation:
    """A user whose balance is not the sum of their ledger rows (must never happen)."""

    user_id: int
    balance_minor: int
    ledger_sum_minor: int


@dataclass(frozen=True, slots=True)
class BalanceChange:
    balance_minor: int  # the balance after the action
    applied: bool  # False: this ref was already posted, nothing changed


def _check_amount(amount_minor: int) -> None:
    # Money is integer minor units; a float or bool here is a bug upstream, not a user error.
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise TypeError("amounts are integer minor units")


class Billing:
    def __init__(self, db: Database, *, clock: Callable[[], float]) -> None:
        self._db = db
        self._ledger = LedgerRepo(db)
        self._clock = clock

    async def admin_topup(
        self, admin_id: int, user_id: int, amount_minor: int, reason: str = "", *, ref: str = ""
    ) -> BalanceChange:
        """Credit money the user paid outside the bot (ledger kind ``topup``).

        A top-up caused by a Telegram update passes a ``ref`` keyed on that update, so a replay
        of the update credits nothing (``applied`` False); without one the action is unique.
        """
        _check_amount(amount_minor)
        if amount_minor <= 0:
            raise ValueError("a top-up must be positive")
        return await self._post(
            admin_id, user_id, amount_minor, "topup", reason, ref or f"admin:{uuid.uuid4().hex}"
        )

    async def adjust(
        self, admin_id: int, user_id: int, delta_minor: int, reason: str, *, ref: str = ""
    ) -> BalanceChange:
        """Correct a balance either way (kind ``admin_adjust``); never below zero.

        Raises ``InsufficientFunds`` when the balance would go negative, ``LookupError`` for an
        unknown user.
        """
        _check_amount(delta_minor)
        if delta_minor == 0:
            raise ValueError("an adjustment must change the balance")
        if not reason.strip():
            raise ValueError("an adjustment needs a reason")
        return await self._post(
            admin_id,
            user_id,
            delta_minor,
            "admin_adjust",
            reason,
            ref or f"adjust:{uuid.uuid4().hex}",
        )

    async def _post(
        self, admin_id: int, user_id: int, amount: int, kind: str, reason: str, ref: str
    ) -> BalanceChange:
        text = reason.strip()[:MAX_REASON_LENGTH]
        async with self._db.transaction() as tx:
            after = await post(
                tx,
                user_id=user_id,
                amount_minor=amount,
                kind=kind,
                ref=ref,
                now=self._clock(),
                actor_id=admin_id,
                reason=text,
            )
            if after is None:
                async with tx.execute(
                    "SELECT balance_minor FROM users WHERE id = ?", (user_id,)
                ) as cursor:
                    row = await cursor.fetchone()
                return BalanceChange(int(row[0]) if row else 0, applied=False)
        log.info("admin %s: %s %+d for user %s (%s)", admin_id, kind, amount, user_id, ref)
        if kind == "topup":
            crash_point(crashpoints.DURING_TOPUP)
        return BalanceChange(after, applied=True)

    async def balance(self, user_id: int) -> int:
        value = await self._db.scalar("SELECT balance_minor FROM users WHERE id = ?", (user_id,))
        if value is None:
            raise LookupError(f"no user {user_id}")
        return int(value)

    async def ledger(
        self, user_id: int, *, limit: int = 50, before_id: int | None = None
    ) -> list[LedgerEntry]:
        """A user's ledger rows, newest first; page with ``before_id`` (the last id seen)."""
        return await self._ledger.entries(user_id, limit=limit, before_id=before_id)

    async def invariant_violations(self) -> list[InvariantViolation]:
        """Users whose balance differs from their ledger sum; empty when the money is right."""
        return [
            InvariantViolation(user, balance, total)
            for user, balance, total in await self._ledger.invariant_violations()
        ]
