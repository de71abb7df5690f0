"""The ``free_usage`` table: free generations used per user and calendar day.

The day is the configured time zone's calendar day (``core.pricing.local_day``), written as
``YYYY-MM-DD``. Consuming and giving back happen in the caller's transaction, next to the job
insert or the job failure, so the quota moves exactly when the job does.
"""

from __future__ import annotations

import aiosqlite

from trt_local.storage.db import Database


async def consume_tx(tx: aiosqlite.Connection, user_id: int, day: str) -> int:
    """Count one more free generation for ``day``; returns the new count."""
    async with tx.execute(
        "INSERT INTO free_usage (user_id, day, used) VALUES (?, ?, 1) "
        "ON CONFLICT(user_id, day) DO UPDATE SET used = used + 1 RETURNING used",
        (user_id, day),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def give_back_tx(tx: aiosqlite.Connection, user_id: int, day: str) -> None:
    """Return one free generation to ``day``: one more free generation that day.

    It may take ``used`` below zero, when the generation came out of an earlier day's quota.
    """
    await tx.execute(
        "INSERT INTO free_usage (user_id, day, used) VALUES (?, ?, -1) "
        "ON CONFLICT(user_id, day) DO UPDATE SET used = used - 1",
        (user_id, day),
    )


class FreeUsageRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def used(self, user_id: int, day: str) -> int:
        value = await self._db.scalar(
            "SELECT used FROM free_usage WHERE user_id = ? AND day = ?", (user_id, day)
        )
        return int(value) if value is not None else 0
