"""Shared steps of the broadcast tests: many users at once, an admin composing, counting copies."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from tests.e2e.journeys import Person
from trt_local.emulator import ChatMessage, TelegramEmulator
from trt_local.storage.db import Database


async def seed_users(
    emu: TelegramEmulator, home: Path, ids: Iterable[int], now: float
) -> list[int]:
    """Users who wrote to the bot before (rows in the migrated database) with their chats in the
    emulator; much faster than hundreds of /start round trips."""
    database = home / "trt.db"
    db = await Database.open(database)  # the schema exactly as the product makes it
    await db.close()
    users = list(ids)
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        conn.executemany(
            "INSERT INTO users (id, first_name, tg_language, first_seen, last_seen) "
            "VALUES (?, ?, 'en', ?, ?)",
            [(user_id, f"U{user_id}", now, now) for user_id in users],
        )
    for user_id in users:
        emu.user(user_id, f"U{user_id}", language_code="en")
    return users


async def compose(boss: Person, text: str) -> ChatMessage:
    """/broadcast → the text → the draft card (the preview came first); returns the card."""
    boss.user.mark_read()
    await boss.send("/broadcast")
    asked = await boss.user.next_message()
    assert "Send the text of the broadcast" in asked.content, asked.content
    await boss.send(text)
    return await boss.user.wait_for(
        lambda m: m.message_id > asked.message_id and "Broadcast draft #" in m.content
    )


async def send_draft(boss: Person, card: ChatMessage) -> ChatMessage:
    """Send… → confirm on the card; returns the progress message the card became."""
    await boss.press("📤 Send…", card.message_id)
    await boss.user.wait_for(lambda m: m.message_id == card.message_id and "✅" in str(m.buttons))
    await boss.press_prefix("✅ Send to")
    return await boss.user.wait_for(
        lambda m: m.message_id == card.message_id and "— sending" in m.content
    )


def copies(emu: TelegramEmulator, text: str, chat_id: int | None = None) -> int:
    """Copies of a broadcast text Telegram was asked to send (to ``chat_id``, or anyone)."""
    return sum(
        1
        for call in emu.calls_to("sendMessage")
        if call.params.get("text") == text
        and (chat_id is None or call.params.get("chat_id") == str(chat_id))
    )


def received(emu: TelegramEmulator, user_id: int, shown: str) -> int:
    """Messages with this visible text the user actually has."""
    return sum(1 for message in emu.chat(user_id) if message.content == shown)


def broadcast_row(database: Path, broadcast_id: int) -> tuple[str, int, int, int, int, int]:
    """(status, total, sent, failed, blocked, pending) as stored."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        status, total, sent, failed, blocked = conn.execute(
            "SELECT status, total, sent, failed, blocked FROM broadcasts WHERE id = ?",
            (broadcast_id,),
        ).fetchone()
        (pending,) = conn.execute(
            "SELECT COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ? "
            "AND status = 'pending'",
            (broadcast_id,),
        ).fetchone()
    return status, total, sent, failed, blocked, pending


def recipient_marks(database: Path, broadcast_id: int) -> dict[int, str]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        rows = conn.execute(
            "SELECT user_id, status FROM broadcast_recipients WHERE broadcast_id = ?",
            (broadcast_id,),
        ).fetchall()
    return dict(rows)
