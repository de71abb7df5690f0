"""Money movements: one ledger row and the balance change, always in the caller's transaction.

``post`` is idempotent per (kind, ref): posting the same refund twice changes nothing the second
time, which is what makes "refund exactly once" hold even when two code paths race to fail a job.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from trt_local.core.errors import InsufficientFunds
from trt_local.storage.db import Database, Row, first_row

KINDS = (
    "topup",
    "charge",
    "refund",
    "promo",
    "referral",
    "admin_adjust",
    "bonus",
    "payment_refund",
)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: int
    user_id: int
    amount_minor: int
    kind: str
    ref: str
    actor_id: int | None
    reason: str
    balance_after: int
    created_at: float

    @classmethod
    def from_row(cls, row: Row) -> LedgerEntry:
        return cls(**{key: row[key] for key in row.keys()})  # noqa: SIM118 - sqlite3.Row


async def post(
    tx: aiosqlite.Connection,
    *,
    user_id: int,
    amount_minor: int,
    kind: str,
    ref: str,
    now: float,
    actor_id: int | None = None,
    reason: str = "",
) -> int | None:
    """Change a balance and log it; returns the new balance, or None if (kind, ref) was posted."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    if await first_row(tx, "SELECT 1 FROM ledger WHERE kind = ? AND ref = ?", (kind, ref)):
        return None
    try:
        row = await first_row(
            tx,
            "UPDATE users SET balance_minor = balance_minor + ? WHERE id = ? RETURNING balance_minor",
            (amount_minor, user_id),
        )
    except sqlite3.IntegrityError:
        # The CHECK (balance_minor >= 0) refused it: report how much is missing.
        async with tx.execute("SELECT balance_minor FROM users WHERE id = ?", (user_id,)) as cur:
            current = await cur.fetchone()
        balance = current[0] if current else 0
        raise InsufficientFunds(
            -(balance + amount_minor), balance_minor=balance, price_minor=-amount_minor
        ) from None
    if row is None:
        raise LookupError(f"no user {user_id}")
    balance_after = int(row[0])
    await tx.execute(
        "INSERT INTO ledger (user_id, amount_minor, kind, ref, actor_id, reason, balance_after, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (user_id, amount_minor, kind, ref, actor_id, reason, balance_after, now),
    )
    return balance_after


class LedgerRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def entries(
        self, user_id: int, *, limit: int = 50, before_id: int | None = None
    ) -> list[LedgerEntry]:
        rows = await self._db.fetch_all(
            "SELECT * FROM ledger WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
            (user_id, before_id or 2**62, limit),
        )
        return [LedgerEntry.from_row(row) for row in rows]

    async def invariant_violations(self) -> list[tuple[int, int, int]]:
        """Users whose balance differs from their ledger sum: (user, balance, ledger sum)."""
        rows = await self._db.fetch_all(
            "SELECT u.id, u.balance_minor, COALESCE(SUM(l.amount_minor), 0) AS total "
            "FROM users u LEFT JOIN ledger l ON l.user_id = u.id "
            "GROUP BY u.id HAVING u.balance_minor != total"
        )
        return [(row[0], row[1], row[2]) for row in rows]
