"""The ``drafts`` table: one unfinished wizard per user, kept across restarts."""

from __future__ import annotations

import json
from typing import Any

from trt_local.storage.db import Database


class DraftsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> dict[str, Any] | None:
        raw = await self._db.scalar("SELECT data FROM drafts WHERE user_id = ?", (user_id,))
        return None if raw is None else dict(json.loads(raw))

    async def save(self, user_id: int, model_id: str, data: dict[str, Any], now: float) -> None:
        await self._db.write(
            "INSERT INTO drafts (user_id, model_id, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET model_id = excluded.model_id, "
            "data = excluded.data, updated_at = excluded.updated_at",
            (user_id, model_id, json.dumps(data, ensure_ascii=False), now),
        )

    async def delete(self, user_id: int) -> None:
        # Read first: every command resets the wizard, and most users have no draft to delete.
        if await self._db.scalar("SELECT 1 FROM drafts WHERE user_id = ?", (user_id,)):
            await self._db.write("DELETE FROM drafts WHERE user_id = ?", (user_id,))
