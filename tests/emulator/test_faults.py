"""Fault injection surfaces as the PTB exceptions a real Telegram failure would raise."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Bot
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut

from tests.emulator.conftest import make_bot
from trt_local.emulator import TelegramEmulator, faults


async def test_retry_after_surfaces_with_its_delay(
    emu: TelegramEmulator, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without this opt-in PTB 22 warns (PTBDeprecationWarning) whenever it builds a RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    emu.user(42)
    emu.inject("sendMessage", faults.retry_after(7))
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "x")
    assert caught.value.retry_after == dt.timedelta(seconds=7)
    assert (await bot.send_message(42, "x")).text == "x"  # one time only
    assert len(emu.chat(42)) == 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (faults.conflict(), Conflict),
        (faults.network_error(), NetworkError),
        (faults.server_error(), NetworkError),
        (faults.bad_request("boom"), BadRequest),
        (faults.forbidden(), Forbidden),
    ],
)
async def test_fault_kinds_map_to_ptb_errors(
    emu: TelegramEmulator, bot: Bot, fault: faults.Fault, error: type[Exception]
) -> None:
    emu.user(42)
    emu.inject("sendmessage", fault)  # method names are case-insensitive here too
    with pytest.raises(error):
        await bot.send_message(42, "x")
    assert emu.chat(42) == []  # a failed call changes nothing


async def test_faults_repeat_and_wildcard(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    emu.inject("*", faults.server_error(), times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.get_me()
    assert (await bot.get_me()).username == "trt_demo_bot"


async def test_network_error_at_initialize(emu: TelegramEmulator) -> None:
    emu.inject("getMe", faults.network_error())
    with pytest.raises(NetworkError):
        await make_bot(emu).initialize()


async def test_delay_beyond_the_read_timeout_is_timed_out(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    emu.delay("sendMessage", 0.2)
    with pytest.raises(TimedOut):
        await bot.send_message(42, "slow", read_timeout=0.05)
    emu.delay("sendMessage", 0)
    assert (await bot.send_message(42, "fast")).text == "fast"


def test_unknown_method_cannot_be_faulted(emu: TelegramEmulator) -> None:
    with pytest.raises(ValueError, match=r"unknown Bot API method"):
        emu.inject("sendTelepathy", faults.server_error())


async def test_a_lost_answer_is_carried_out_but_the_bot_sees_a_network_error(
    emu: TelegramEmulator, bot: Bot
) -> None:
    emu.user(42)
    emu.inject("sendMessage", faults.lost_answer())
    with pytest.raises(NetworkError):
        await bot.send_message(42, "sent, but the answer is lost")
    assert [m.text for m in emu.chat(42)] == ["sent, but the answer is lost"]


async def test_a_lost_poll_answer_hands_the_same_updates_out_again(
    emu: TelegramEmulator, bot: Bot
) -> None:
    await emu.user(42).send("hello")
    emu.inject("getUpdates", faults.lost_answer())
    with pytest.raises(NetworkError):
        await bot.get_updates(timeout=0)
    [update] = await bot.get_updates(timeout=0)  # not confirmed: nothing was lost
    assert update.message is not None and update.message.text == "hello"


async def test_when_narrows_a_fault_to_matching_calls(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    emu.inject("sendMessage", faults.forbidden(), when=lambda p: "secret" in p.get("text", ""))
    assert (await bot.send_message(42, "plain")).text == "plain"  # not matched: goes through
    with pytest.raises(Forbidden):
        await bot.send_message(42, "the secret one")
    assert (await bot.send_message(42, "secret again")).text == "secret again"  # used up
