"""A data folder that refuses writes: read-only, or its disk full.

At start (``trt run``, ``trt demo``, ``trt doctor`` as real processes) that is a configuration
error: exit 2 with one sentence naming the folder and what to do, never a traceback. While the bot
runs, a refused write rolls its transaction back completely; the user is told the bot cannot save
right now, the bot keeps running, and it works again once there is room.
"""

from __future__ import annotations

import contextlib
import resource
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from tests.e2e.processes import bot_env, finish, spawn
from tests.filesystem import read_only
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.storage.db import Database

ADMIN = 7401
NOWHERE = "http://127.0.0.1:9/bot"  # should a start get past the check, it reaches no Telegram


def env_for(home: Path, **extra: str) -> dict[str, str]:
    return bot_env(home, None, TRT_TELEGRAM_API_BASE=NOWHERE, **extra)


async def existing_database(home: Path) -> Path:
    db = await Database.open(home / "trt.db")  # schema and WAL mode, as after a first run
    await db.close()
    return home / "trt.db"


def the_one_sentence(output: str, home: Path, reason: str) -> None:
    assert "Traceback" not in output, output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"trt: cannot write to the data folder {home} ({reason}"), output
    assert "writable" in lines[0] and "free some disk space" in lines[0]


async def test_a_read_only_database_file_stops_run_and_doctor_with_exit_2(tmp_path: Path) -> None:
    database = await existing_database(tmp_path)
    with read_only(database):
        code, output = await finish(await spawn(env_for(tmp_path)))
        assert code == 2
        the_one_sentence(output, tmp_path, "attempt to write a readonly database")
        code, output = await finish(await spawn(env_for(tmp_path), "doctor"))
    assert code == 2 and "Traceback" not in output
    assert output.splitlines()[-1].startswith("FAIL database: cannot write to the data folder")


async def test_a_read_only_data_folder_stops_run_and_demo_with_exit_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    await existing_database(home)
    with read_only(home):
        code, output = await finish(await spawn(env_for(home)))
        assert code == 2
        the_one_sentence(output, home, "")
        code, output = await finish(await spawn(env_for(home), "demo", "--home", str(home)))
    assert code == 2
    the_one_sentence(output, home, "")


def _tiny_disk() -> None:
    """In the child: files may not grow past 1000 bytes (the kernel refuses, as on a full disk)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


async def test_a_full_disk_stops_the_start_with_exit_2(tmp_path: Path) -> None:
    await existing_database(tmp_path)
    env = env_for(tmp_path, PYTHONDONTWRITEBYTECODE="1")
    code, output = await finish(await spawn(env, preexec_fn=_tiny_disk))
    assert code == 2
    the_one_sentence(output, tmp_path, "disk I/O error")


# ---- while the bot runs ----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def disk_full(db: Database) -> AsyncIterator[None]:
    """SQLite's own "database or disk is full" for every write that needs a new page.

    ``max_page_count`` caps the writer connection at the pages the file has now; the free pages
    inside it are filled first, so nothing can grow. Afterwards the cap is lifted: space returns.
    """
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE IF NOT EXISTS test_ballast (filler BLOB)")
        async with tx.execute("PRAGMA freelist_count") as cursor:
            free = (await cursor.fetchone())[0]
        await tx.execute("INSERT INTO test_ballast VALUES (zeroblob(?))", ((free + 1) * 4096,))
    async with db.transaction() as tx:
        async with tx.execute("PRAGMA page_count") as cursor:
            pages = (await cursor.fetchone())[0]
        await tx.execute(f"PRAGMA max_page_count = {int(pages)}")
        async with tx.execute("PRAGMA freelist_count") as cursor:
            assert (await cursor.fetchone())[0] == 0
    try:
        yield
    finally:
        async with db.transaction() as tx:
            await tx.execute("PRAGMA max_page_count = 1073741823")


def _rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute(sql).fetchall()


async def test_a_full_disk_at_confirm_charges_nothing_and_the_bot_recovers(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    database = tmp_path / "trt.db"
    async with running_bot(
        emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=KieSandbox(speed=0)
    ) as app:
        assert app.db is not None
        admin = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        ann = Person(emu.user(7402, "Ann", language_code="en"), clock)
        await ann.send("/start")
        await ann.wait("Hi, Ann")
        await admin.send("/topup 7402 100")
        await admin.wait("to user 7402")
        # A prompt long enough that its job row needs new (overflow) pages.
        await ann.paid_image_until_confirm("a fox in the snow, " * 150)

        async with disk_full(app.db):
            await ann.confirm()
            refused = await ann.wait("cannot save anything right now")
            assert "nothing was charged" in refused.content and "Error id" in refused.content
            assert _rows(database, "SELECT COUNT(*) FROM jobs") == [(0,)]
            assert _rows(database, "SELECT COUNT(*) FROM ledger WHERE kind = 'charge'") == [(0,)]
            await ann.confirm()  # again: the same answer, the bot is still there
            await ann.user.wait_for(
                lambda m: m.message_id > refused.message_id and "cannot save" in m.content
            )
            await admin.send("/balance")  # and serves everyone else's reads
            await admin.wait("💰 Balance: ₽0")
            assert _rows(database, "SELECT COUNT(*) FROM jobs") == [(0,)]

        await ann.press_prefix("✅ Confirm")  # on the same screen: the draft was kept
        await ann.wait("queued")
        await ann.user.wait_for(lambda m: m.media_kind == "photo", timeout=20)

    assert _rows(database, "SELECT COUNT(*), MIN(status) FROM jobs") == [(1, "delivered")]
    charges = _rows(database, "SELECT user_id, amount_minor FROM ledger WHERE kind = 'charge'")
    assert charges == [(7402, -511)]
    assert not [m for m in ann.user.messages if "Something went wrong" in m.content]
