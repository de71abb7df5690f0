"""The ``referrals`` table and ``users.referral_code`` / ``users.referrer_id``.

``referrals.referred_id`` is the primary key: a user is attributed to one inviter, once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from trt_local.storage.db import Database


@dataclass(frozen=True, slots=True)
class Inviter:
    user_id: int
    blocked: bool


async def find_by_code_tx(tx: aiosqlite.Connection, code: str) -> Inviter | None:
    async with tx.execute(
        "SELECT id, blocked FROM users WHERE referral_code = ?", (code,)
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else Inviter(int(row[0]), bool(row[1]))


async def referrer_of_tx(tx: aiosqlite.Connection, user_id: int) -> Inviter | None:
    """Who invited ``user_id``, if anyone."""
    async with tx.execute(
        "SELECT u.id, u.blocked FROM referrals r JOIN users u ON u.id = r.referrer_id "
        "WHERE r.referred_id = ?",
        (user_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else Inviter(int(row[0]), bool(row[1]))


async def insert_tx(
    tx: aiosqlite.Connection, *, referred_id: int, referrer_id: int, now: float
) -> bool:
    """Attribute ``referred_id`` to ``referrer_id``; False when already attributed (or self)."""
    try:
        await tx.execute(
            "INSERT INTO referrals (referred_id, referrer_id, created_at) VALUES (?, ?, ?)",
            (referred_id, referrer_id, now),
        )
    except sqlite3.IntegrityError:  # PRIMARY KEY (referred_id) or CHECK (referred != referrer)
        return False
    await tx.execute("UPDATE users SET referrer_id = ? WHERE id = ?", (referrer_id, referred_id))
    return True


class ReferralsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def code_of(self, user_id: int) -> str | None:
        value = await self._db.scalar("SELECT referral_code FROM users WHERE id = ?", (user_id,))
        return None if value is None else str(value)

    async def set_code(self, user_id: int, code: str) -> bool:
        """Give a user their code unless they have one; False when ``code`` is taken."""
        try:
            await self._db.write(
                "UPDATE users SET referral_code = ? WHERE id = ? AND referral_code IS NULL",
                (code, user_id),
            )
        except sqlite3.IntegrityError:  # UNIQUE index on referral_code
            return False
        return True

    async def invited_count(self, user_id: int) -> int:
        return int(
            await self._db.scalar(
                "SELECT COUNT(*) FROM referrals WHERE referrer_id = ?", (user_id,)
            )
        )

    async def earned(self, user_id: int) -> tuple[int, int]:
        """(money, free generations) credited to ``user_id`` for inviting others."""
        # ':in' rows are the user's own bonus for having been invited, not earned by inviting.
        money = await self._db.scalar(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger "
            "WHERE user_id = ? AND kind = 'referral' AND ref NOT LIKE 'ref:%:in'",
            (user_id,),
        )
        free = await self._db.scalar(
            "SELECT COALESCE(SUM(amount), 0) FROM free_grants "
            "WHERE user_id = ? AND kind = 'referral' AND ref NOT LIKE 'ref:%:in'",
            (user_id,),
        )
        return int(money), int(free)

    async def welcome_given(self, user_id: int) -> tuple[int, int]:
        """(money, free generations) of this user's welcome bonus; zeros when none was given."""
        ref = f"welcome:{user_id}"
        money = await self._db.scalar(
            "SELECT amount_minor FROM ledger WHERE kind = 'bonus' AND ref = ?", (ref,)
        )
        free = await self._db.scalar(
            "SELECT amount FROM free_grants WHERE kind = 'welcome' AND ref = ?", (ref,)
        )
        return int(money or 0), int(free or 0)
