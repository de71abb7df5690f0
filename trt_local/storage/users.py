"""The ``users`` table: who talked to the bot, their language and flags."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import aiosqlite

from trt_local.storage.db import Database, Row

# Runs inside the transaction that creates a user row: (tx, user_id, now).
OnCreated = Callable[[aiosqlite.Connection, int, float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str | None
    first_name: str
    tg_language: str | None
    language: str | None
    blocked: bool
    is_admin: bool
    balance_minor: int
    first_seen: float
    last_seen: float
    created: bool = False  # True only as returned by the touch that inserted this row

    @classmethod
    def from_row(cls, row: Row) -> UserRecord:
        return cls(
            id=row["id"],
            username=row["username"],
            first_name=row["first_name"],
            tg_language=row["tg_language"],
            language=row["language"],
            blocked=bool(row["blocked"]),
            is_admin=bool(row["is_admin"]),
            balance_minor=row["balance_minor"],
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
        )


_COLUMNS = (
    "id, username, first_name, tg_language, language, blocked, is_admin, balance_minor, "
    "first_seen, last_seen"
)


class UsersRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def touch(
        self,
        user_id: int,
        *,
        username: str | None,
        first_name: str,
        last_name: str | None,
        tg_language: str | None,
        now: float,
        on_created: OnCreated | None = None,
    ) -> UserRecord:
        """Insert or refresh a user on every update; returns the stored record.

        ``created`` tells whether this call inserted the row; ``on_created`` then runs in the
        same transaction (the welcome bonus), so a user never exists without it.
        """
        refresh = (
            "UPDATE users SET username = ?, first_name = ?, last_name = ?, tg_language = ?, "
            f"last_seen = ? WHERE id = ? RETURNING {_COLUMNS}"
        )
        values = (username, first_name, last_name, tg_language, now, user_id)
        # Under the write lock throughout: updates are handled concurrently, and a user's row must
        # be written in the order their updates took the lock (a /start before an admin's /topup
        # for that user). A user seen before — nearly every update — is one statement, one trip.
        async with self._db.locked() as writer:
            rows = await writer.returning(refresh, values)
            created = not rows
            if created:
                async with writer.transaction() as tx:
                    cursor = await tx.execute(
                        "INSERT INTO users (id, username, first_name, last_name, tg_language, "
                        "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(id) DO NOTHING",
                        (user_id, username, first_name, last_name, tg_language, now, now),
                    )
                    created = cursor.rowcount == 1  # else another process made it just now
                    if created and on_created is not None:
                        await on_created(tx, user_id, now)
                    select = f"SELECT {_COLUMNS} FROM users WHERE id = ?"
                    sql, params = (select, (user_id,)) if created else (refresh, values)
                    rows = list(await tx.execute_fetchall(sql, params))
        row = next(iter(rows), None)
        assert row is not None
        return replace(UserRecord.from_row(row), created=created)

    async def get(self, user_id: int) -> UserRecord | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
        return None if row is None else UserRecord.from_row(row)

    async def set_language(self, user_id: int, language: str) -> None:
        await self._db.write("UPDATE users SET language = ? WHERE id = ?", (language, user_id))

    async def set_flags(
        self, user_id: int, *, blocked: bool | None = None, is_admin: bool | None = None
    ) -> None:
        if blocked is not None:
            await self._db.write("UPDATE users SET blocked = ? WHERE id = ?", (blocked, user_id))
        if is_admin is not None:
            await self._db.write("UPDATE users SET is_admin = ? WHERE id = ?", (is_admin, user_id))

    async def admin_ids(self) -> list[int]:
        """Users made admins in the database (through the partial index ``users_admins``)."""
        rows = await self._db.fetch_all("SELECT id FROM users WHERE is_admin = 1 ORDER BY id")
        return [int(row[0]) for row in rows]

    async def count(self) -> int:
        return int(await self._db.scalar("SELECT COUNT(*) FROM users"))
