"""What the bot waits for a user to type next (a promo code, an amount…), kept across restarts.

One ``bot_state`` row per waiting user, key ``input:<user_id>``, value ``{"kind": …, "since": …}``.
"""

from __future__ import annotations

import json

from trt_local.storage.db import Database


def _key(user_id: int) -> str:
    return f"input:{user_id}"


class PendingInputRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> tuple[str, float] | None:
        raw = await self._db.scalar("SELECT value FROM bot_state WHERE key = ?", (_key(user_id),))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return str(data["kind"]), float(data["since"])
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: treated as not waiting (and overwritten or cleared later)

    async def exists(self, user_id: int) -> bool:
        key = _key(user_id)
        return await self._db.scalar("SELECT 1 FROM bot_state WHERE key = ?", (key,)) is not None

    async def save(self, user_id: int, kind: str, now: float) -> None:
        value = json.dumps({"kind": kind, "since": now})
        await self._db.write(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_key(user_id), value),
        )

    async def delete(self, user_id: int) -> None:
        await self._db.write("DELETE FROM bot_state WHERE key = ?", (_key(user_id),))
