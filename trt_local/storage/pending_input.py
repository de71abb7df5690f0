"""What the bot waits for a user to type next (a promo code, an amount…), kept across restarts.

One ``bot_state`` row per waiting user, key ``input:<user_id>``, value
``{"kind": …, "since": …, "data": {…}}``; ``data`` is what the asking screen needs to read the
answer (whose balance an amount is for, say) and may be absent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple

from trt_local.storage.db import Database

Data = Mapping[str, str | int]


class StoredInput(NamedTuple):
    kind: str
    since: float
    data: Data


def _key(user_id: int) -> str:
    return f"input:{user_id}"


class PendingInputRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> StoredInput | None:
        raw = await self._db.scalar("SELECT value FROM bot_state WHERE key = ?", (_key(user_id),))
        if raw is None:
            return None
        try:
            stored = json.loads(raw)
            data = stored.get("data") or {}
            if not isinstance(data, dict):
                return None
            return StoredInput(str(stored["kind"]), float(stored["since"]), data)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # unreadable: treated as not waiting (and overwritten or cleared later)

    async def exists(self, user_id: int) -> bool:
        key = _key(user_id)
        return await self._db.scalar("SELECT 1 FROM bot_state WHERE key = ?", (key,)) is not None

    async def save(self, user_id: int, kind: str, now: float, data: Data | None = None) -> None:
        stored: dict[str, object] = {"kind": kind, "since": now}
        if data:
            stored["data"] = dict(data)
        await self._db.write(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_key(user_id), json.dumps(stored)),
        )

    async def delete(self, user_id: int) -> None:
        await self._db.write("DELETE FROM bot_state WHERE key = ?", (_key(user_id),))
