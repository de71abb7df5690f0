"""The ``settings`` table: live settings as JSON values under string keys.

This layer only stores and decodes; what a key means and which values are valid is decided by
the service that owns the key (``services.runtime_settings`` for prices, caps and models).
"""

from __future__ import annotations

import json
import logging

from trt_local.storage.db import Database

log = logging.getLogger("trt.storage")


class SettingsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self) -> dict[str, object]:
        """Every stored setting, decoded; a value that is not valid JSON is skipped and logged."""
        rows = await self._db.fetch_all("SELECT key, value FROM settings ORDER BY key")
        values: dict[str, object] = {}
        for row in rows:
            try:
                values[row["key"]] = json.loads(row["value"])
            except ValueError:
                log.warning("setting %r holds invalid JSON; ignoring it", row["key"])
        return values

    async def get(self, key: str) -> object | None:
        raw = await self._db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        if raw is None:
            return None
        try:
            value: object = json.loads(raw)
        except ValueError:
            log.warning("setting %r holds invalid JSON; ignoring it", key)
            return None
        return value

    async def put(self, key: str, value: object) -> None:
        """Store ``value`` (anything ``json.dumps`` accepts) under ``key``."""
        encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        await self._db.write(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, encoded),
        )

    async def delete(self, key: str) -> None:
        await self._db.write("DELETE FROM settings WHERE key = ?", (key,))
