"""The ``payments`` table: Telegram Stars top-ups (and, through the same records, manual transfers).

Status changes that move money (open → paid, paid → refunded) take the caller's transaction, so the
ledger row and the status change commit together. Each change is guarded on the status it leaves,
and ``external_id`` (the ``telegram_payment_charge_id``) is UNIQUE: one charge is one payment.
The read side is general (by id, recent by method and status) for the dashboard and for transfers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import aiosqlite

from trt_local.storage.db import Database, Row, first_row

METHODS = ("stars", "transfer")
STATUSES = ("open", "paid", "refunded", "pending", "approved", "rejected", "expired")


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    id: int
    user_id: int
    method: str
    amount_minor: int
    stars: int | None
    payload: str | None
    external_id: str | None
    proof_file_id: str | None
    comment: str
    status: str
    reason: str
    actor_id: int | None
    created_at: float
    updated_at: float
    decided_at: float | None
    told: str | None = None  # a transfer's status its user and admins were last told about

    @classmethod
    def from_row(cls, row: Row) -> PaymentRecord:
        return cls(**{key: row[key] for key in row.keys()})  # noqa: SIM118 - sqlite3.Row


async def _one(
    tx: aiosqlite.Connection, sql: str, params: tuple[object, ...]
) -> PaymentRecord | None:
    row = await first_row(tx, sql, params)
    return None if row is None else PaymentRecord.from_row(row)


async def insert_open_stars(
    tx: aiosqlite.Connection, *, user_id: int, amount_minor: int, stars: int, now: float
) -> PaymentRecord:
    """A new Stars top-up waiting for its payment; the payload names it (``topup:<id>:<nonce>``).

    The nonce keeps payloads unguessable: a pre-checkout only trusts a payload it handed out.
    """
    async with tx.execute(
        "INSERT INTO payments (user_id, method, amount_minor, stars, status, created_at, "
        "updated_at) VALUES (?, 'stars', ?, ?, 'open', ?, ?) RETURNING id",
        (user_id, amount_minor, stars, now, now),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    payment_id = int(row[0])
    payload = f"topup:{payment_id}:{secrets.token_hex(8)}"
    await tx.execute("UPDATE payments SET payload = ? WHERE id = ?", (payload, payment_id))
    found = await get_tx(tx, payment_id)
    assert found is not None
    return found


async def insert_paid_stars(
    tx: aiosqlite.Connection,
    *,
    user_id: int,
    amount_minor: int,
    stars: int,
    charge_id: str,
    reason: str,
    now: float,
) -> PaymentRecord:
    """A Stars payment Telegram took that matched no open top-up: recorded so it can be refunded."""
    async with tx.execute(
        "INSERT INTO payments (user_id, method, amount_minor, stars, external_id, status, reason, "
        "created_at, updated_at, decided_at) VALUES (?, 'stars', ?, ?, ?, 'paid', ?, ?, ?, ?) "
        "RETURNING id",
        (user_id, amount_minor, stars, charge_id, reason, now, now, now),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    found = await get_tx(tx, int(row[0]))
    assert found is not None
    return found


async def get_tx(tx: aiosqlite.Connection, payment_id: int) -> PaymentRecord | None:
    return await _one(tx, "SELECT * FROM payments WHERE id = ?", (payment_id,))


async def by_payload_tx(tx: aiosqlite.Connection, payload: str) -> PaymentRecord | None:
    return await _one(tx, "SELECT * FROM payments WHERE payload = ?", (payload,))


async def by_external_id_tx(tx: aiosqlite.Connection, external_id: str) -> PaymentRecord | None:
    return await _one(tx, "SELECT * FROM payments WHERE external_id = ?", (external_id,))


async def mark_paid(
    tx: aiosqlite.Connection, payment_id: int, *, charge_id: str, now: float
) -> bool:
    """open → paid with its charge id; False if the payment was not open."""
    cursor = await tx.execute(
        "UPDATE payments SET status = 'paid', external_id = ?, updated_at = ?, decided_at = ? "
        "WHERE id = ? AND status = 'open'",
        (charge_id, now, now, payment_id),
    )
    return cursor.rowcount == 1


async def mark_refunded(
    tx: aiosqlite.Connection, payment_id: int, *, actor_id: int, reason: str, now: float
) -> bool:
    """paid → refunded by ``actor_id``; False if the payment was not paid (e.g. refunded already)."""
    cursor = await tx.execute(
        "UPDATE payments SET status = 'refunded', actor_id = ?, reason = ?, updated_at = ? "
        "WHERE id = ? AND status = 'paid'",
        (actor_id, reason, now, payment_id),
    )
    return cursor.rowcount == 1


class PaymentsRepo:
    """Committed payments, for screens: one by id or payload, and recent ones by method/status."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, payment_id: int) -> PaymentRecord | None:
        row = await self._db.fetch_one("SELECT * FROM payments WHERE id = ?", (payment_id,))
        return None if row is None else PaymentRecord.from_row(row)

    async def by_payload(self, payload: str) -> PaymentRecord | None:
        row = await self._db.fetch_one("SELECT * FROM payments WHERE payload = ?", (payload,))
        return None if row is None else PaymentRecord.from_row(row)

    async def recent(
        self,
        *,
        method: str | None = None,
        statuses: tuple[str, ...] = (),
        user_id: int | None = None,
        limit: int = 50,
    ) -> list[PaymentRecord]:
        """Newest first, optionally of one method, some statuses and one user."""
        where: list[str] = []
        params: list[object] = []
        if method is not None:
            where.append("method = ?")
            params.append(method)
        if statuses:
            where.append(f"status IN ({', '.join('?' for _ in statuses)})")
            params.extend(statuses)
        if user_id is not None:
            where.append("user_id = ?")
            params.append(user_id)
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        rows = await self._db.fetch_all(
            f"SELECT * FROM payments {clause}ORDER BY id DESC LIMIT ?", (*params, limit)
        )
        return [PaymentRecord.from_row(row) for row in rows]
