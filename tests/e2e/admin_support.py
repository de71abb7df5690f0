"""Helpers for the admin panel tests: database snapshots, sent documents, panel walks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from pathlib import Path

from trt_local.bot import codec
from trt_local.emulator import ChatMessage, TelegramEmulator

# What any update changes without anyone acting: the inbox logs it, the gate notes the contact.
_VOLATILE_TABLES = frozenset({"inbox", "sqlite_sequence"})
_VOLATILE_COLUMNS = {"users": frozenset({"last_seen"})}

Snapshot = dict[str, list[tuple[object, ...]]]


def snapshot(database: Path) -> Snapshot:
    """Every row of every table, except what merely records that an update arrived."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if name not in _VOLATILE_TABLES
        ]
        result: Snapshot = {}
        for table in tables:
            columns = [
                row[1]
                for row in conn.execute(f"PRAGMA table_info({table})")
                if row[1] not in _VOLATILE_COLUMNS.get(table, ())
            ]
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            result[table] = sorted(rows, key=repr)
    return result


def document_bytes(emu: TelegramEmulator, message: ChatMessage) -> bytes:
    """The content of a document the bot sent."""
    assert message.media_kind == "document" and message.file_id is not None
    stored = emu.state.files.get(message.file_id)
    assert stored is not None
    return emu.file_bytes(stored.file_path)


def callback_data(emu: TelegramEmulator, chat_id: int) -> list[str]:
    """Every callback data the bot ever showed in this chat (sent or edited in), in order."""
    seen: dict[str, None] = {}
    for call in emu.calls:
        markup = call.params.get("reply_markup")
        if call.params.get("chat_id") != str(chat_id) or not markup:
            continue
        for row in json.loads(markup).get("inline_keyboard", []):
            for button in row:
                if "callback_data" in button:
                    seen.setdefault(button["callback_data"], None)
    return list(seen)


def action(data: str) -> str:
    decoded = codec.decode(data)
    return decoded.action if decoded else ""


def rows(database: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute(sql, params).fetchall()


async def handled(
    emu: TelegramEmulator,
    database: Path,
    query_id: str,
    timeout: float = 10.0,  # noqa: ASYNC109 - a bounded wait
) -> None:
    """Wait until the bot has finished handling the press ``query_id`` (every handler ran).

    Answered means the update is in the inbox; the inbox marks it done after its handlers
    return, a database change the emulator does not see, so that part polls the file (a
    condition, checked every 10 ms) until nothing is pending.
    """
    await emu.wait_callback_answer(query_id, timeout)
    async with asyncio.timeout(timeout):
        # No event to wait on: the condition lives in the database file.
        while rows(database, "SELECT COUNT(*) FROM inbox WHERE status = 'pending'")[0][0]:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
