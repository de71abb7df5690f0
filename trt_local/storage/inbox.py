"""The durable update inbox (DESIGN §6).

python-telegram-bot confirms a fetched batch to Telegram on its *next* getUpdates, before the batch is
handled. So each batch is written here first; an update leaves the inbox's ``pending`` state only once
its handlers finished. After a crash the pending ones are handled on start; ``done`` ids are remembered
so a re-fetched update is never handled twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from trt_local.storage.db import Database

KEEP_DONE = (
    20_000  # ids kept for de-duplication; Telegram's ids only grow, so old ones never return
)


class InboxRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def store(self, updates: Iterable[Mapping[str, Any]], now: float) -> None:
        rows = [
            (int(u["update_id"]), json.dumps(u, ensure_ascii=False, separators=(",", ":")), now)
            for u in updates
        ]
        if rows:
            await self._db.write_many(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                rows,
            )

    async def pending(self) -> list[dict[str, Any]]:
        rows = await self._db.fetch_all(
            "SELECT payload FROM inbox WHERE status = 'pending' ORDER BY update_id"
        )
        return [json.loads(row["payload"]) for row in rows]

    async def is_done(self, update_id: int) -> bool:
        status = await self._db.scalar("SELECT status FROM inbox WHERE update_id = ?", (update_id,))
        return bool(status == "done")

    async def mark_done(self, update_id: int, now: float) -> None:
        await self._db.write(
            "UPDATE inbox SET status = 'done', handled_at = ?, payload = '' WHERE update_id = ?",
            (now, update_id),
        )

    async def prune(self) -> int:
        return await self._db.write(
            "DELETE FROM inbox WHERE status = 'done' AND update_id < "
            "(SELECT COALESCE(MAX(update_id), 0) - ? FROM inbox)",
            (KEEP_DONE,),
        )

    async def counts(self) -> dict[str, int]:
        rows = await self._db.fetch_all("SELECT status, COUNT(*) FROM inbox GROUP BY status")
        return {row[0]: row[1] for row in rows}
