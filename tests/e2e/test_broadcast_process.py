"""A broadcast survives SIGKILL of the real process: after the restart everyone has it, once."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.broadcasting import broadcast_row, compose, copies, received, seed_users, send_draft
from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.e2e.processes import bot_env, finish, spawn
from trt_local.emulator import EmulatorServer, TelegramEmulator
from trt_local.services.broadcast_sender import SenderLimits

ADMIN = 9300
TEXT = "Kill <b>me</b> softly"
SHOWN = "Kill me softly"


@pytest.fixture
async def server(emu: TelegramEmulator) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(emu) as started:
        yield started


async def test_sigkill_in_the_middle_then_everyone_gets_it_once(
    emu: TelegramEmulator, server: EmulatorServer, tmp_path: Path
) -> None:
    clock = JumpClock()
    users = await seed_users(emu, tmp_path, range(60_001, 60_081), clock())
    env = bot_env(tmp_path, server, TRT_ADMIN_IDS=str(ADMIN))
    proc = await spawn(env)
    try:
        await emu.wait_polling(timeout=30)
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await send_draft(boss, await compose(boss, TEXT))
        await emu.wait_until(lambda: copies(emu, TEXT) >= 20 or None, timeout=30)
        # From now on Telegram holds every copy without carrying it out. Once a full window of
        # copies hangs, every copy before them was answered and marked (a copy is launched only
        # when an earlier one is marked): the kill lands between copies, never inside one.
        asked = copies(emu, TEXT)
        emu.delay("sendMessage", 600)
        window = SenderLimits().window
        await emu.wait_until(lambda: copies(emu, TEXT) - asked == window or None, timeout=30)
    finally:
        proc.kill()
        await proc.wait()
    emu.delay("sendMessage", 0)
    status, total, sent, _, _, pending = broadcast_row(tmp_path / "trt.db", 1)
    assert status == "sending" and total == 81  # 80 users and the admin
    assert sent >= 19 and pending == total - sent >= window  # the hanging copies are not sent

    proc = await spawn(env)
    try:
        await boss.wait("Broadcast #1 finished", timeout=30)
        for user_id in users:
            assert received(emu, user_id, SHOWN) == 1, user_id
        assert received(emu, ADMIN, SHOWN) == 2  # the preview and the admin's own copy
    finally:
        proc.send_signal(signal.SIGTERM)
        code, _ = await finish(proc)
    assert code == 0
