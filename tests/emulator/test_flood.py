"""Telegram's flood rules in the emulator: 30 msg/s overall, 1/s per chat, 429 with retry_after."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Bot, InputMediaPhoto
from telegram.error import RetryAfter

from tests.emulator.conftest import png
from trt_local.emulator import TelegramEmulator, faults
from trt_local.emulator.flood import TELEGRAM_LIMITS


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def refused_after(bot: Bot, chat_id: int) -> int:
    """Send to ``chat_id``; the retry_after of the 429 it gets (fails if it gets none)."""
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(chat_id, "over the limit")
    seconds = caught.value.retry_after
    assert isinstance(seconds, dt.timedelta)
    return int(seconds.total_seconds())


async def test_off_by_default_nothing_is_refused(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    for i in range(40):
        await bot.send_message(42, f"m{i}")
    assert len(emu.chat(42)) == 40
    assert emu.flood_refusals == 0


async def test_a_chat_gets_its_burst_then_one_a_second(emu: TelegramEmulator, bot: Bot) -> None:
    clock = ManualClock()
    emu.enforce_flood_limits(clock=clock)
    emu.user(42)
    emu.user(43)
    burst = int(TELEGRAM_LIMITS.chat_burst)
    for i in range(burst):
        await bot.send_message(42, f"burst {i}")
    assert await refused_after(bot, 42) == 1
    # A 429 is a flood wait for the whole bot: another chat is refused until it ends.
    assert await refused_after(bot, 43) == 1
    clock.now += 1
    await bot.send_message(42, "a second later")
    assert await refused_after(bot, 42) == 1
    clock.now += 1
    await bot.send_message(43, "other chat")
    assert [m.text for m in emu.chat(42)] == [
        *(f"burst {i}" for i in range(burst)),
        "a second later",
    ]
    assert emu.flood_refusals == 3


async def test_overall_thirty_a_second_holds_and_thirty_one_does_not(
    emu: TelegramEmulator, bot: Bot
) -> None:
    clock = ManualClock()
    emu.enforce_flood_limits(clock=clock)
    for chat in range(1, 301):
        emu.user(chat)
    for chat in range(1, 301):  # ten seconds at exactly 30/s: all through
        clock.now += 1 / 30
        await bot.send_message(chat, "news")
    assert emu.flood_refusals == 0
    sent = 0
    with pytest.raises(RetryAfter):
        for chat in range(1, 301):  # 40/s: the burst of 10 runs out within a second
            clock.now += 1 / 40
            await bot.send_message(chat, "more news")
            sent += 1
    assert TELEGRAM_LIMITS.overall_burst <= sent < 30 + TELEGRAM_LIMITS.overall_burst
    assert emu.flood_refusals == 1


async def test_an_album_is_one_call(emu: TelegramEmulator, bot: Bot) -> None:
    clock = ManualClock()
    emu.enforce_flood_limits(clock=clock)
    emu.user(42)
    for _ in range(int(TELEGRAM_LIMITS.chat_burst) - 1):
        album = [InputMediaPhoto(png(8, 8)) for _ in range(4)]
        assert len(await bot.send_media_group(42, album)) == 4
    await bot.send_message(42, "the last call of the burst")
    assert await refused_after(bot, 42) == 1
    assert emu.flood_refusals == 1


async def test_free_calls_are_never_refused_even_in_a_flood_wait(
    emu: TelegramEmulator, bot: Bot
) -> None:
    clock = ManualClock()
    emu.enforce_flood_limits(clock=clock)
    user = emu.user(42)
    message = await bot.send_message(42, "menu")
    for _ in range(int(TELEGRAM_LIMITS.chat_burst) - 1):
        await bot.send_message(42, "more")
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "over")
    await bot.send_chat_action(42, "typing")
    query_id = await user.press_data("x", message_id=message.message_id)
    assert await bot.answer_callback_query(query_id)
    assert await bot.delete_message(42, message.message_id)
    assert await bot.get_updates(timeout=0)
    assert emu.flood_refusals == 1


async def test_an_injected_429_is_a_flood_wait_while_the_rules_are_on(
    emu: TelegramEmulator, bot: Bot
) -> None:
    clock = ManualClock()
    emu.enforce_flood_limits(clock=clock)
    emu.user(42)
    emu.inject("sendMessage", faults.retry_after(2))
    assert await refused_after(bot, 42) == 2  # the injected one
    clock.now += 1
    assert await refused_after(bot, 42) == 1  # too early: the rules refuse it
    clock.now += 1
    await bot.send_message(42, "after the wait")
    assert emu.flood_refusals == 1


async def test_rules_can_be_switched_off_again(emu: TelegramEmulator, bot: Bot) -> None:
    emu.enforce_flood_limits(clock=ManualClock())
    emu.user(42)
    for _ in range(int(TELEGRAM_LIMITS.chat_burst)):
        await bot.send_message(42, "x")
    emu.enforce_flood_limits(None)
    await bot.send_message(42, "free again")
    assert emu.flood_refusals == 0
