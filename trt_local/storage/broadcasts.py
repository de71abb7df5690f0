"""The ``broadcasts`` and ``broadcast_recipients`` tables, and who is in an audience.

An audience leaves out users the admins blocked and users who blocked the bot (``bot_blocked_at``
set by a send, and no message from them since). The recipients of a broadcast are written in the
transaction that starts it; each recipient row is then marked on its own, together with the
broadcast's counters (and, for a block, the user's ``bot_blocked_at``), in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trt_local.core.broadcast import Audience, AudienceKind, BroadcastStatus, RecipientStatus
from trt_local.storage.db import Database, Row

DAY_S = 86_400.0
_REACHABLE = "u.blocked = 0 AND (u.bot_blocked_at IS NULL OR u.bot_blocked_at < u.last_seen)"
# Paid at least once: the user has a ledger 'topup' row (a Stars payment, an approved transfer, an
# admin's top-up), which a trigger records in users.paid_at (migration 11).
_PAID = "u.paid_at IS NOT NULL"


@dataclass(frozen=True, slots=True)
class BroadcastRecord:
    id: int
    author_id: int
    text: str
    photo_file_id: str | None
    button_text: str | None
    button_url: str | None
    audience: Audience
    status: BroadcastStatus
    total: int
    sent: int
    failed: int
    blocked: int
    progress_chat_id: int | None
    progress_message_id: int | None
    created_at: float
    started_at: float | None
    finished_at: float | None

    @property
    def left(self) -> int:
        """Recipients not reached yet (still pending)."""
        return max(0, self.total - self.sent - self.failed - self.blocked)

    @property
    def button(self) -> tuple[str, str] | None:
        if self.button_text is None or self.button_url is None:
            return None
        return self.button_text, self.button_url

    @classmethod
    def from_row(cls, row: Row) -> BroadcastRecord:
        audience = Audience.parse(row["audience"], row["audience_days"])
        return cls(
            id=row["id"],
            author_id=row["author_id"],
            text=row["text"],
            photo_file_id=row["photo_file_id"],
            button_text=row["button_text"],
            button_url=row["button_url"],
            audience=audience or Audience(AudienceKind.ALL),
            status=BroadcastStatus(row["status"]),
            total=row["total"],
            sent=row["sent"],
            failed=row["failed"],
            blocked=row["blocked"],
            progress_chat_id=row["progress_chat_id"],
            progress_message_id=row["progress_message_id"],
            created_at=row["created_at"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
        )


_COLUMNS = (
    "id, author_id, text, photo_file_id, button_text, button_url, audience, audience_days, "
    "status, total, sent, failed, blocked, progress_chat_id, progress_message_id, created_at, "
    "started_at, finished_at"
)


def audience_filter(audience: Audience, now: float) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause (over ``users u``) selecting the audience, with its parameters."""
    kind = audience.kind
    if kind is AudienceKind.ACTIVE:
        # +last_seen: most users are recent, and reading users_last_seen then each row at random
        # is ten times slower than reading the table in order (bench/money.py).
        return f"{_REACHABLE} AND +u.last_seen >= ?", (now - (audience.days or 0) * DAY_S,)
    if kind is AudienceKind.JOINED:
        return f"{_REACHABLE} AND u.first_seen >= ?", (now - (audience.days or 0) * DAY_S,)
    if kind is AudienceKind.PAID:
        return f"{_REACHABLE} AND {_PAID}", ()
    if kind is AudienceKind.BALANCE:
        return f"{_REACHABLE} AND u.balance_minor > 0", ()
    return _REACHABLE, ()


class BroadcastsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- reading --------------------------------------------------------------------------------

    async def get(self, broadcast_id: int) -> BroadcastRecord | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        return None if row is None else BroadcastRecord.from_row(row)

    async def draft_of(self, author_id: int) -> BroadcastRecord | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE author_id = ? AND status = 'draft' "
            "ORDER BY id DESC LIMIT 1",
            (author_id,),
        )
        return None if row is None else BroadcastRecord.from_row(row)

    async def in_status(self, *statuses: BroadcastStatus) -> list[BroadcastRecord]:
        marks = ", ".join("?" * len(statuses))
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE status IN ({marks}) ORDER BY id",
            tuple(s.value for s in statuses),
        )
        return [BroadcastRecord.from_row(row) for row in rows]

    async def history(self, limit: int) -> list[BroadcastRecord]:
        """Broadcasts that were started, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [BroadcastRecord.from_row(row) for row in rows]

    async def audience_size(self, audience: Audience, now: float) -> int:
        where, params = audience_filter(audience, now)
        return int(await self._db.scalar(f"SELECT COUNT(*) FROM users u WHERE {where}", params))

    async def audience_sizes(self, audiences: Sequence[Audience], now: float) -> list[int]:
        """How many users each audience reaches, counted in one pass over the users table (one
        query per audience read it once each: 80 ms for 100 000 users, bench/money.py)."""
        if not audiences:
            return []
        sums: list[str] = []
        params: list[Any] = []
        for audience in audiences:
            where, values = audience_filter(audience, now)
            sums.append(f"COALESCE(SUM(CASE WHEN {where} THEN 1 ELSE 0 END), 0)")
            params.extend(values)
        row = await self._db.fetch_one(f"SELECT {', '.join(sums)} FROM users u", params)
        return [int(value) for value in row] if row is not None else [0] * len(audiences)

    async def pending(self, broadcast_id: int, after_user: int, limit: int) -> list[int]:
        """Recipients not sent yet, in user id order, after ``after_user``."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM broadcast_recipients WHERE broadcast_id = ? AND "
            "status = 'pending' AND user_id > ? ORDER BY user_id LIMIT ?",
            (broadcast_id, after_user, limit),
        )
        return [int(row[0]) for row in rows]

    async def recipients(self, broadcast_id: int) -> dict[int, RecipientStatus]:
        rows = await self._db.fetch_all(
            "SELECT user_id, status FROM broadcast_recipients WHERE broadcast_id = ?",
            (broadcast_id,),
        )
        return {int(row[0]): RecipientStatus(row[1]) for row in rows}

    # -- writing --------------------------------------------------------------------------------

    async def create(self, author_id: int, now: float) -> int:
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO broadcasts (author_id, created_at, updated_at) VALUES (?, ?, ?)",
                (author_id, now, now),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def update_draft(self, broadcast_id: int, now: float, **fields: Any) -> bool:
        """Change a draft's columns; False when it is no longer a draft (or gone)."""
        names = ", ".join(f"{name} = ?" for name in fields)
        count = await self._db.write(
            f"UPDATE broadcasts SET {names}, updated_at = ? WHERE id = ? AND status = 'draft'",
            (*fields.values(), now, broadcast_id),
        )
        return count == 1

    async def delete_draft(self, broadcast_id: int) -> bool:
        count = await self._db.write(
            "DELETE FROM broadcasts WHERE id = ? AND status = 'draft'", (broadcast_id,)
        )
        return count == 1

    async def start(
        self,
        broadcast_id: int,
        audience: Audience,
        now: float,
        progress: tuple[int, int] | None,
    ) -> int | None:
        """Draft → sending with its recipients written, in one transaction; returns how many.

        None when it is not a draft any more; ``sqlite3.IntegrityError`` when another broadcast
        is being sent (the one-sending index).
        """
        where, params = audience_filter(audience, now)
        chat, message = progress if progress is not None else (None, None)
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?, updated_at = ?, "
                "progress_chat_id = ?, progress_message_id = ? WHERE id = ? AND status = 'draft'",
                (now, now, chat, message, broadcast_id),
            )
            if cursor.rowcount != 1:
                return None
            cursor = await tx.execute(
                "INSERT INTO broadcast_recipients (broadcast_id, user_id) "
                f"SELECT ?, u.id FROM users u WHERE {where}",
                (broadcast_id, *params),
            )
            total = cursor.rowcount
            await tx.execute("UPDATE broadcasts SET total = ? WHERE id = ?", (total, broadcast_id))
            return total

    async def move(
        self,
        broadcast_id: int,
        to: BroadcastStatus,
        now: float,
        *,
        expect: tuple[BroadcastStatus, ...],
    ) -> bool:
        """Change the status if it is one of ``expect``; a finished one gets ``finished_at``.

        ``sqlite3.IntegrityError`` when moving to sending while another one is being sent.
        """
        marks = ", ".join("?" * len(expect))
        finished = now if to.finished else None
        count = await self._db.write(
            "UPDATE broadcasts SET status = ?, updated_at = ?, "
            f"finished_at = COALESCE(?, finished_at) WHERE id = ? AND status IN ({marks})",
            (to.value, now, finished, broadcast_id, *(s.value for s in expect)),
        )
        return count == 1

    async def mark(
        self,
        broadcast_id: int,
        user_id: int,
        outcome: RecipientStatus,
        now: float,
        error: str | None = None,
    ) -> bool:
        """Record one recipient's outcome and count it; False if it was marked already."""
        column = {"sent": "sent", "failed": "failed", "blocked": "blocked"}[outcome.value]
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcast_recipients SET status = ?, sent_at = ?, error = ? "
                "WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'",
                (outcome.value, now, error, broadcast_id, user_id),
            )
            if cursor.rowcount != 1:
                return False
            await tx.execute(
                f"UPDATE broadcasts SET {column} = {column} + 1 WHERE id = ?", (broadcast_id,)
            )
            if outcome is RecipientStatus.BLOCKED:
                await tx.execute("UPDATE users SET bot_blocked_at = ? WHERE id = ?", (now, user_id))
        return True
