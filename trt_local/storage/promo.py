"""The ``promo_codes`` and ``promo_redemptions`` tables.

Lookups ignore case (both columns are ``COLLATE NOCASE``). ``CHECK (uses <= max_uses)`` is what
stops a code from being used once too often: :func:`use_tx` returns False when it refuses.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from trt_local.storage.db import Database, Row


@dataclass(frozen=True, slots=True)
class PromoRecord:
    code: str
    amount_minor: int
    free_generations: int
    max_uses: int | None
    uses: int
    expires_at: float | None
    active: bool
    created_by: int | None
    created_at: float

    @classmethod
    def from_row(cls, row: Row) -> PromoRecord:
        return cls(
            code=row["code"],
            amount_minor=row["amount_minor"],
            free_generations=row["free_generations"],
            max_uses=row["max_uses"],
            uses=row["uses"],
            expires_at=row["expires_at"],
            active=bool(row["active"]),
            created_by=row["created_by"],
            created_at=row["created_at"],
        )


_COLUMNS = (
    "code, amount_minor, free_generations, max_uses, uses, expires_at, active, created_by, "
    "created_at"
)


async def insert(db: Database, record: PromoRecord) -> bool:
    """Store a new code; False when one with this name exists (in any case)."""
    try:
        await db.write(
            f"INSERT INTO promo_codes ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.code,
                record.amount_minor,
                record.free_generations,
                record.max_uses,
                record.uses,
                record.expires_at,
                record.active,
                record.created_by,
                record.created_at,
            ),
        )
    except sqlite3.IntegrityError:  # PRIMARY KEY (code COLLATE NOCASE)
        return False
    return True


async def get_tx(tx: aiosqlite.Connection, code: str) -> PromoRecord | None:
    async with tx.execute(f"SELECT {_COLUMNS} FROM promo_codes WHERE code = ?", (code,)) as cur:
        row = await cur.fetchone()
    return None if row is None else PromoRecord.from_row(row)


async def redeemed_tx(tx: aiosqlite.Connection, code: str, user_id: int) -> bool:
    async with tx.execute(
        "SELECT 1 FROM promo_redemptions WHERE code = ? AND user_id = ?", (code, user_id)
    ) as cur:
        return await cur.fetchone() is not None


async def use_tx(tx: aiosqlite.Connection, code: str, user_id: int, now: float) -> bool:
    """Count one use and record who used it; False when the code has no use left."""
    try:
        await tx.execute("UPDATE promo_codes SET uses = uses + 1 WHERE code = ?", (code,))
    except sqlite3.IntegrityError:  # CHECK (uses <= max_uses): the last use is taken
        return False
    await tx.execute(
        "INSERT INTO promo_redemptions (code, user_id, created_at) VALUES (?, ?, ?)",
        (code, user_id, now),
    )
    return True


class PromoRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, code: str) -> PromoRecord | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM promo_codes WHERE code = ?", (code,)
        )
        return None if row is None else PromoRecord.from_row(row)

    async def all(self) -> list[PromoRecord]:
        """Every code, active ones first, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM promo_codes ORDER BY active DESC, created_at DESC, code"
        )
        return [PromoRecord.from_row(row) for row in rows]

    async def switch_off(self, code: str) -> bool:
        """False when there is no such code."""
        return await self._db.write("UPDATE promo_codes SET active = 0 WHERE code = ?", (code,)) > 0
