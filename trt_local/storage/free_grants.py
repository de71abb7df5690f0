"""Granted free generations: one row per change of ``users.bonus_free``, in the caller's transaction.

The same rules as money (``storage.ledger``): ``users.bonus_free`` always equals the sum of the
user's rows, every change is a row, and ``grant`` is idempotent per (kind, ref) — a replayed
promo redemption or referral grants nothing the second time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from trt_local.storage.db import Database, Row

KINDS = ("promo", "referral", "welcome", "admin", "job", "refund")


class NoFreeGenerations(Exception):
    """The user has no granted free generation left to use."""


@dataclass(frozen=True, slots=True)
class FreeGrant:
    id: int
    user_id: int
    amount: int
    kind: str
    ref: str
    actor_id: int | None
    balance_after: int
    created_at: float

    @classmethod
    def from_row(cls, row: Row) -> FreeGrant:
        return cls(**{key: row[key] for key in row.keys()})  # noqa: SIM118 - sqlite3.Row


async def grant(
    tx: aiosqlite.Connection,
    *,
    user_id: int,
    amount: int,
    kind: str,
    ref: str,
    now: float,
    actor_id: int | None = None,
) -> int | None:
    """Change a user's granted free generations; the new count, or None if (kind, ref) was done.

    Raises :class:`NoFreeGenerations` when using one the user does not have.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown free grant kind {kind!r}")
    async with tx.execute(
        "SELECT 1 FROM free_grants WHERE kind = ? AND ref = ?", (kind, ref)
    ) as cursor:
        if await cursor.fetchone() is not None:
            return None
    try:
        async with tx.execute(
            "UPDATE users SET bonus_free = bonus_free + ? WHERE id = ? RETURNING bonus_free",
            (amount, user_id),
        ) as cursor:
            row = await cursor.fetchone()
    except sqlite3.IntegrityError:  # CHECK (bonus_free >= 0)
        raise NoFreeGenerations(user_id) from None
    if row is None:
        raise LookupError(f"no user {user_id}")
    after = int(row[0])
    await tx.execute(
        "INSERT INTO free_grants (user_id, amount, kind, ref, actor_id, balance_after, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user_id, amount, kind, ref, actor_id, after, now),
    )
    return after


class FreeGrantsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def count(self, user_id: int) -> int:
        value = await self._db.scalar("SELECT bonus_free FROM users WHERE id = ?", (user_id,))
        return int(value or 0)

    async def entries(self, user_id: int, *, limit: int = 50) -> list[FreeGrant]:
        rows = await self._db.fetch_all(
            "SELECT * FROM free_grants WHERE user_id = ? ORDER BY id DESC LIMIT ?",
            (user_id, limit),
        )
        return [FreeGrant.from_row(row) for row in rows]

    async def invariant_violations(self) -> list[tuple[int, int, int]]:
        """Users whose bonus_free differs from the sum of their grants: (user, count, sum)."""
        rows = await self._db.fetch_all(
            "SELECT u.id, u.bonus_free, COALESCE(SUM(g.amount), 0) AS total "
            "FROM users u LEFT JOIN free_grants g ON g.user_id = u.id "
            "GROUP BY u.id HAVING u.bonus_free != total"
        )
        return [(row[0], row[1], row[2]) for row in rows]
