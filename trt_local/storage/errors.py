"""The ``errors`` table: unexpected errors of handlers and engine steps, newest kept, oldest pruned.

Rows arrive already redacted (the service does that). Each insert prunes in the same transaction
through the primary key, so the table never holds more than ``keep`` rows and pruning never scans.
"""

from __future__ import annotations

from dataclasses import dataclass

from trt_local.storage.db import Database, Row

KEEP = 1000


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    id: int
    error_id: str
    at: float
    source: str  # 'update' or 'job'
    place: str
    user_id: int | None
    summary: str
    traceback: str

    @classmethod
    def from_row(cls, row: Row) -> ErrorRecord:
        return cls(**{key: row[key] for key in row.keys()})  # noqa: SIM118 - sqlite3.Row


class ErrorsRepo:
    def __init__(self, db: Database, *, keep: int = KEEP) -> None:
        self._db = db
        self._keep = keep

    async def add(
        self,
        *,
        error_id: str,
        at: float,
        source: str,
        place: str,
        user_id: int | None,
        summary: str,
        traceback: str,
    ) -> None:
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO errors (error_id, at, source, place, user_id, summary, traceback) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (error_id, at, source, place, user_id, summary, traceback),
            )
            newest = cursor.lastrowid or 0
            await tx.execute("DELETE FROM errors WHERE id <= ?", (newest - self._keep,))

    async def recent(self, limit: int) -> list[ErrorRecord]:
        """The newest errors first."""
        rows = await self._db.fetch_all("SELECT * FROM errors ORDER BY id DESC LIMIT ?", (limit,))
        return [ErrorRecord.from_row(row) for row in rows]

    async def by_error_id(self, error_id: str) -> ErrorRecord | None:
        """The newest error with this id (ids are short and random: a clash is possible)."""
        row = await self._db.fetch_one(
            "SELECT * FROM errors WHERE error_id = ? ORDER BY id DESC LIMIT 1", (error_id,)
        )
        return None if row is None else ErrorRecord.from_row(row)
