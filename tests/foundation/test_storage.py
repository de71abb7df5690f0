"""SQLite: migrations, the users table and the durable inbox on real temporary files."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from trt_local.storage.db import Database
from trt_local.storage.inbox import InboxRepo
from trt_local.storage.migrations import MIGRATIONS
from trt_local.storage.users import UsersRepo


async def test_migrations_apply_on_empty_and_on_migrated_database(tmp_path: Path) -> None:
    path = tmp_path / "trt.db"
    db = await Database.open(path)
    assert await db.scalar("PRAGMA user_version") == len(MIGRATIONS)
    assert await db.scalar("PRAGMA journal_mode") == "wal"
    assert await db.scalar("PRAGMA foreign_keys") == 1
    await UsersRepo(db).touch(
        1, username="a", first_name="A", last_name=None, tg_language="en", now=1.0
    )
    await db.close()
    db = await Database.open(path)  # second start: nothing re-applied, data intact
    assert await db.scalar("PRAGMA user_version") == len(MIGRATIONS)
    assert await db.scalar("SELECT COUNT(*) FROM users") == 1
    assert await db.integrity_check() == "ok"
    await db.close()


async def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "trt.db")
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, first_name, first_seen, last_seen) VALUES (1, 'a', 0, 0)"
            )
            await tx.execute("UPDATE users SET balance_minor = -1 WHERE id = 1")
    assert await db.scalar("SELECT COUNT(*) FROM users") == 0
    await db.close()


async def test_user_touch_keeps_choice_and_refreshes_profile(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "trt.db")
    users = UsersRepo(db)
    first = await users.touch(
        7, username="ann", first_name="Ann", last_name=None, tg_language="ru", now=10
    )
    await users.set_language(7, "en")
    again = await users.touch(
        7, username="ann2", first_name="Anna", last_name="K", tg_language="ru", now=20
    )
    assert (again.language, again.username, again.first_name) == ("en", "ann2", "Anna")
    assert (again.first_seen, again.last_seen) == (first.first_seen, 20)
    await db.close()


async def test_inbox_stores_once_and_remembers_done(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "trt.db")
    inbox = InboxRepo(db)
    batch = [
        {"update_id": 5, "message": {"text": "hi"}},
        {"update_id": 6, "message": {"text": "2"}},
    ]
    await inbox.store(batch, now=1)
    await inbox.store(batch, now=2)  # re-fetched after a crash: no duplicates
    assert [u["update_id"] for u in await inbox.pending()] == [5, 6]
    await inbox.mark_done(5, now=3)
    assert await inbox.is_done(5) and not await inbox.is_done(6)
    await inbox.store(batch, now=4)  # a done update fetched again stays done
    assert [u["update_id"] for u in await inbox.pending()] == [6]
    await db.close()


async def test_a_cancelled_transaction_leaves_the_connection_usable(tmp_path: Path) -> None:
    import asyncio

    db = await Database.open(tmp_path / "trt.db")

    async def slow_writer() -> None:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, first_name, first_seen, last_seen) VALUES (1, 'a', 0, 0)"
            )
            await asyncio.Event().wait()  # cancelled here, mid-transaction

    task = asyncio.create_task(slow_writer())
    for _ in range(20):  # let it reach the wait
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    cancelled_at_begin = asyncio.create_task(db.write("DELETE FROM users"))
    await asyncio.sleep(0)
    cancelled_at_begin.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await cancelled_at_begin
    await db.write(  # the next transaction starts cleanly
        "INSERT INTO users (id, first_name, first_seen, last_seen) VALUES (2, 'b', 0, 0)"
    )
    assert await db.scalar("SELECT group_concat(id) FROM users") == "2"
    await db.close()
