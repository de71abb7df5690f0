"""Small named facts the bot keeps across restarts in ``bot_state`` (a JSON value per key)."""

from __future__ import annotations

import json
import logging

from trt_local.storage.db import Database

log = logging.getLogger("trt.storage")


class BotStateRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> object | None:
        raw = await self._db.scalar("SELECT value FROM bot_state WHERE key = ?", (key,))
        if raw is None:
            return None
        try:
            value: object = json.loads(raw)
        except ValueError:
            log.warning("bot_state %r holds invalid JSON; ignoring it", key)
            return None
        return value

    async def put(self, key: str, value: object) -> None:
        await self._db.write(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, separators=(",", ":"), sort_keys=True)),
        )

    async def delete(self, key: str) -> None:
        await self._db.write("DELETE FROM bot_state WHERE key = ?", (key,))
