"""Manual transfers: the ``payments`` rows with method 'transfer', and the admins' copies of them.

A proof's ``external_id`` is ``proof:<file_unique_id>`` and UNIQUE, so the database itself refuses
the same screenshot twice. Status changes are conditional on the status they leave and take the
caller's transaction: the approval and its ledger row commit together, and of two admins
deciding at once exactly one moves the row.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from trt_local.storage.db import Database, Row, first_row

DECIDED = ("approved", "rejected", "expired")

_COLUMNS = (
    "id, user_id, amount_minor, proof_file_id, comment, status, reason, actor_id, created_at, "
    "decided_at, told"
)


@dataclass(frozen=True, slots=True)
class TransferRecord:
    id: int
    user_id: int
    amount_minor: int
    proof_file_id: str
    comment: str
    status: str  # pending | approved | rejected | expired
    reason: str  # why it was rejected
    actor_id: int | None  # the admin who decided
    created_at: float
    decided_at: float | None
    told: str | None  # the status the user and the admins were last told about

    @classmethod
    def from_row(cls, row: Row) -> TransferRecord:
        return cls(**{key: row[key] for key in row.keys()})  # noqa: SIM118 - sqlite3.Row


async def insert_pending(
    tx: aiosqlite.Connection,
    *,
    user_id: int,
    amount_minor: int,
    file_id: str,
    file_unique_id: str,
    comment: str,
    now: float,
) -> TransferRecord | None:
    """A new pending transfer with its proof; None if this screenshot was submitted before."""
    async with tx.execute(
        "INSERT INTO payments (user_id, method, amount_minor, external_id, proof_file_id, comment, "
        "status, created_at, updated_at) VALUES (?, 'transfer', ?, ?, ?, ?, 'pending', ?, ?) "
        f"ON CONFLICT (external_id) DO NOTHING RETURNING {_COLUMNS}",
        (user_id, amount_minor, f"proof:{file_unique_id}", file_id, comment, now, now),
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else TransferRecord.from_row(row)


async def get_tx(tx: aiosqlite.Connection, payment_id: int) -> TransferRecord | None:
    row = await first_row(
        tx, f"SELECT {_COLUMNS} FROM payments WHERE id = ? AND method = 'transfer'", (payment_id,)
    )
    return None if row is None else TransferRecord.from_row(row)


async def decide(
    tx: aiosqlite.Connection,
    payment_id: int,
    status: str,
    *,
    now: float,
    actor_id: int | None = None,
    reason: str = "",
) -> bool:
    """pending → ``status``; False (and nothing changed) when it was no longer pending."""
    if status not in DECIDED:
        raise ValueError(f"a transfer cannot be decided as {status!r}")
    cursor = await tx.execute(
        "UPDATE payments SET status = ?, actor_id = ?, reason = ?, decided_at = ?, updated_at = ? "
        "WHERE id = ? AND method = 'transfer' AND status = 'pending'",
        (status, actor_id, reason, now, now, payment_id),
    )
    return cursor.rowcount == 1


class TransfersRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, payment_id: int) -> TransferRecord | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM payments WHERE id = ? AND method = 'transfer'", (payment_id,)
        )
        return None if row is None else TransferRecord.from_row(row)

    async def pending(self, limit: int = 100) -> list[TransferRecord]:
        """Transfers waiting for a decision, oldest first (the review queue)."""
        rows = await self._db.fetch_all(
            # +method: the status index reaches the few pending rows; the method index would walk
            # every transfer ever made.
            f"SELECT {_COLUMNS} FROM payments WHERE status = 'pending' AND +method = 'transfer' "
            "ORDER BY id LIMIT ?",
            (limit,),
        )
        return [TransferRecord.from_row(row) for row in rows]

    async def expired_candidates(self, created_before: float, limit: int = 100) -> list[int]:
        """Ids of pending transfers submitted before ``created_before``, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT id FROM payments WHERE status = 'pending' AND +method = 'transfer' "
            "AND created_at < ? ORDER BY id LIMIT ?",
            (created_before, limit),
        )
        return [int(row[0]) for row in rows]

    async def untold(self, limit: int = 50) -> list[TransferRecord]:
        """Transfers whose current status the user or the admins have not been told yet."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM payments WHERE method = 'transfer' AND told IS NOT status "
            "ORDER BY id LIMIT ?",
            (limit,),
        )
        return [TransferRecord.from_row(row) for row in rows]

    async def mark_told(self, payment_id: int, status: str) -> None:
        """Everyone knows about ``status`` (unless the transfer moved on meanwhile)."""
        await self._db.write(
            "UPDATE payments SET told = ? WHERE id = ? AND method = 'transfer' AND status = ?",
            (status, payment_id, status),
        )

    async def credited_balance(self, payment_id: int) -> int | None:
        """The user's balance right after this transfer's credit, if it was credited."""
        value = await self._db.scalar(
            "SELECT balance_after FROM ledger WHERE kind = 'topup' AND ref = ?",
            (f"transfer:{payment_id}",),
        )
        return None if value is None else int(value)

    # -- the admins' copies of a proof ----------------------------------------------------------
    async def admin_messages(self, payment_id: int) -> dict[int, int]:
        """admin id → message id of that admin's copy of the proof."""
        rows = await self._db.fetch_all(
            "SELECT admin_id, message_id FROM transfer_messages WHERE payment_id = ?",
            (payment_id,),
        )
        return {int(row[0]): int(row[1]) for row in rows}

    async def add_admin_message(self, payment_id: int, admin_id: int, message_id: int) -> None:
        await self._db.write(
            "INSERT INTO transfer_messages (payment_id, admin_id, message_id) VALUES (?, ?, ?) "
            "ON CONFLICT (payment_id, admin_id) DO UPDATE SET message_id = excluded.message_id",
            (payment_id, admin_id, message_id),
        )
