"""Whose next message belongs to a transfer: a user's proof or an admin's reject reason.

One row per person (``transfer_waits``), kept in SQLite so a restart between the question and
the answer loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from trt_local.storage.db import Database


@dataclass(frozen=True, slots=True)
class Wait:
    kind: str  # 'proof' | 'reason'
    amount_minor: int | None  # proof: the amount being paid
    payment_id: int | None  # reason: the transfer being rejected
    since: float


class TransferWaitsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> Wait | None:
        row = await self._db.fetch_one(
            "SELECT kind, amount_minor, payment_id, since FROM transfer_waits WHERE user_id = ?",
            (user_id,),
        )
        return None if row is None else Wait(row[0], row[1], row[2], float(row[3]))

    async def put(
        self,
        user_id: int,
        kind: str,
        *,
        now: float,
        amount_minor: int | None = None,
        payment_id: int | None = None,
    ) -> None:
        await self._db.write(
            "INSERT INTO transfer_waits (user_id, kind, amount_minor, payment_id, since) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, "
            "amount_minor = excluded.amount_minor, payment_id = excluded.payment_id, "
            "since = excluded.since",
            (user_id, kind, amount_minor, payment_id, now),
        )

    async def delete(self, user_id: int) -> None:
        # Read first: most calls (every button press) find nothing and need no write transaction.
        if await self._db.scalar("SELECT 1 FROM transfer_waits WHERE user_id = ?", (user_id,)):
            await self._db.write("DELETE FROM transfer_waits WHERE user_id = ?", (user_id,))


async def delete_tx(tx: aiosqlite.Connection, user_id: int, kind: str) -> None:
    """Forget a wait inside the transaction that answered it."""
    await tx.execute("DELETE FROM transfer_waits WHERE user_id = ? AND kind = ?", (user_id, kind))
