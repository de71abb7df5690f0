"""Flood control, the error handler, and the durable inbox across restarts (in-process)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from tests.e2e.harness import running_bot
from trt_local.emulator import TelegramEmulator, faults


async def test_a_flood_gets_one_wait_notice_and_the_rest_is_dropped(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    frozen = lambda: 1_700_000_000.0  # noqa: E731 - no refill while the burst arrives
    async with running_bot(emu, tmp_path, clock=frozen):
        spammer = emu.user(2001, "Spam", language_code="en")
        for i in range(9):
            await spammer.send(f"message {i}")
        await spammer.wait_for(lambda m: "Too often" in m.content)
        calm = emu.user(2002, "Calm", language_code="en")
        await calm.send("/start")
        await calm.next_message()  # everyone else is served meanwhile
    replies = [m.content for m in spammer.messages]
    assert sum("I understand menu buttons" in r for r in replies) == 5  # the burst
    notices = [r for r in replies if "Too often" in r]
    assert len(notices) == 1 and re.search(r"in \d+ s", notices[0])


async def test_a_crashing_handler_gives_an_error_id_and_the_bot_keeps_working(
    emu: TelegramEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(update: Update, context: object) -> None:
        raise RuntimeError("handler exploded")

    async with running_bot(emu, tmp_path) as app:
        assert app.application is not None
        app.application.handlers[0].insert(0, CommandHandler("boom", boom))
        user = emu.user(2003, "Dan", language_code="en")
        await user.send("/boom")
        reply = await user.next_message()
        match = re.search(r"Error id: ([0-9A-F]{6})", reply.content)
        assert match, reply.content
        await user.send("/start")
        assert "Hi, Dan" in (await user.next_message()).content
    logged = [r for r in caplog.records if r.name == "trt.bot.errors"]
    assert len(logged) == 1 and match.group(1) in logged[0].getMessage()
    assert logged[0].exc_info is not None and "handler exploded" in str(logged[0].exc_info[1])


async def test_restart_does_not_replay_handled_updates(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    user = emu.user(2004, "Fay", language_code="en")
    async with running_bot(emu, tmp_path):
        # Every getUpdates after the one in flight fails, so the batch with /start is handled but
        # never confirmed: Telegram will hand it out again after the restart.
        emu.inject("getUpdates", faults.network_error(), times=1000)
        await user.send("/start")
        await user.next_message()
    emu.clear_faults()
    assert emu.pending_updates == 1
    async with running_bot(emu, tmp_path):
        await user.send("/help")
        await user.wait_for(lambda m: "/language" in m.content)
    greetings = [m for m in user.messages if m.content.startswith("Hi, Fay")]
    assert len(greetings) == 1 and len(user.messages) == 2
    assert emu.pending_updates == 0
