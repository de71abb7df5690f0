"""One outgoing budget, three lanes: a user's answer goes ahead of deliveries and broadcasts.

The real bot (PTB Application, SQLite) runs against the emulator with Telegram's flood rules on
(30 msg/s overall, 1/s per chat after a burst; a 429 is a flood wait for the whole bot), so a
single call over the limits shows up as a refusal. Order is read from the emulator's call log,
never from the clock. The broadcast here is a stand-in for the coming broadcast feature: every
send at once, in the broadcast lane.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tests.e2e.harness import running_bot
from trt_local.bot.outbox_limiter import OutboxClosed
from trt_local.emulator import ApiCall, TelegramEmulator, faults

BROADCAST = {"lane": "broadcast"}
DELIVERY = {"lane": "delivery"}
NEWS = "Big news: new models are in!"


async def broadcast(bot: Any, chat_ids: Iterable[int], text: str = NEWS) -> list[object]:
    """Every send started at once, as a bulk sender would; results or exceptions, in order."""
    sends = [bot.send_message(chat_id, text, rate_limit_args=BROADCAST) for chat_id in chat_ids]
    return await asyncio.gather(*sends, return_exceptions=True)


def message_calls(emu: TelegramEmulator) -> list[ApiCall]:
    return [call for call in emu.calls if call.method in ("sendMessage", "editMessageText")]


def index_of_first(calls: list[ApiCall], chat_id: int) -> int:
    return next(i for i, call in enumerate(calls) if call.params.get("chat_id") == str(chat_id))


def audience(emu: TelegramEmulator, size: int, first_id: int = 50_000) -> list[int]:
    return [emu.user(first_id + i, f"Reader{i}").id for i in range(size)]


async def wait_calls(emu: TelegramEmulator, count: int, timeout: float = 20) -> None:  # noqa: ASYNC109
    await emu.wait_until(lambda: True if len(message_calls(emu)) >= count else None, timeout)


async def test_a_start_during_a_broadcast_is_answered_ahead_of_it(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    emu.enforce_flood_limits()
    readers = audience(emu, 300)
    async with running_bot(emu, tmp_path) as app:
        sending = asyncio.create_task(broadcast(app.application.bot, readers))
        await wait_calls(emu, 30)  # the broadcast is well under way
        ann = emu.user(7001, "Ann")
        await ann.send("/start")
        menu = await ann.next_message(timeout=10)
        results = await asyncio.wait_for(sending, 60)
    assert "Hi, Ann" in menu.content
    calls = message_calls(emu)
    reply = index_of_first(calls, ann.id)
    news = [i for i, call in enumerate(calls) if call.params.get("text") == NEWS]
    # Answered while most of the broadcast still had to go, not after it.
    assert sum(i > reply for i in news) >= 100
    # Every reader got the news once, with no 429 on the way and no retried send.
    assert all(not isinstance(result, Exception) for result in results)
    assert len(news) == 300
    assert all([m.text for m in emu.chat(reader)] == [NEWS] for reader in readers)
    assert emu.flood_refusals == 0


async def test_each_chat_is_paced_and_keeps_its_order(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    emu.enforce_flood_limits()
    chats = audience(emu, 3)
    per_chat = 13  # past the burst Telegram tolerates in one chat
    async with running_bot(emu, tmp_path) as app:
        bot = app.application.bot
        sends = [bot.send_message(c, f"{c} #{n}") for n in range(per_chat) for c in chats]
        await asyncio.wait_for(asyncio.gather(*sends), 30)
    for chat in chats:
        assert [m.text for m in emu.chat(chat)] == [f"{chat} #{n}" for n in range(per_chat)]
    assert emu.flood_refusals == 0


async def test_lanes_go_in_priority_order_once_a_429_wait_ends(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    emu.enforce_flood_limits()
    readers = audience(emu, 10)
    courier, eve = emu.user(7002, "Dan"), emu.user(7003, "Eve")
    async with running_bot(emu, tmp_path) as app:
        bot = app.application.bot
        await eve.send("/start")
        await eve.next_message()
        emu.inject("sendMessage", faults.retry_after(1))
        sending = asyncio.create_task(broadcast(bot, readers))
        await wait_calls(emu, 2)  # the first news got the 429: every lane now waits a second
        # A button press is answered at once (answers are not messages); its screen waits.
        answer = await emu.wait_callback_answer(await eve.press("ℹ️ Help"))
        assert answer.answered and len(message_calls(emu)) == 2
        delivered = bot.send_message(courier.id, "your result", rate_limit_args=DELIVERY)
        await asyncio.wait_for(asyncio.gather(sending, delivered), 20)
    after_wait = [(c.method, c.params["chat_id"]) for c in message_calls(emu)[2:]]
    assert after_wait[:3] == [
        ("editMessageText", str(eve.id)),  # her own action first
        ("sendMessage", str(courier.id)),  # then a delivery
        ("sendMessage", str(readers[0])),  # then the refused news, before the rest of it
    ]
    assert sorted(chat for _, chat in after_wait[2:]) == sorted(map(str, readers))
    assert all([m.text for m in emu.chat(reader)] == [NEWS] for reader in readers)
    assert emu.flood_refusals == 0  # nothing was sent before the wait was over


async def test_a_429_is_waited_out_and_the_user_still_comes_first(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    emu.enforce_flood_limits()
    readers = audience(emu, 60)
    emu.inject("sendMessage", faults.retry_after(1))
    async with running_bot(emu, tmp_path) as app:
        sending = asyncio.create_task(broadcast(app.application.bot, readers))
        await wait_calls(emu, 1)
        ann = emu.user(7004, "Ann")
        await ann.send("/start")
        await ann.next_message(timeout=10)
        results = await asyncio.wait_for(sending, 20)
    calls = message_calls(emu)
    news = [i for i, call in enumerate(calls) if call.params.get("text") == NEWS]
    assert len(news) == 61  # one refused, retried after the wait
    assert calls[news[0]].params == calls[news[1]].params
    assert index_of_first(calls, ann.id) < news[-1]
    assert all(not isinstance(result, Exception) for result in results)
    assert all([m.text for m in emu.chat(reader)] == [NEWS] for reader in readers)
    assert emu.flood_refusals == 0


async def test_stopping_the_bot_ends_a_queued_broadcast_at_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    emu.enforce_flood_limits()
    readers = audience(emu, 200)
    async with running_bot(emu, tmp_path) as app:
        sending = asyncio.create_task(broadcast(app.application.bot, readers))
        await wait_calls(emu, 20)
    results = await asyncio.wait_for(sending, 5)  # nothing is left waiting for a slot
    sent = [r for r in results if not isinstance(r, Exception)]
    closed = [r for r in results if isinstance(r, OutboxClosed)]
    assert len(sent) + len(closed) == len(readers)
    assert closed, "the stop came long before 200 sends at 28/s could be done"
    assert len(message_calls(emu)) == len(sent)
    assert sum(len(emu.chat(reader)) for reader in readers) == len(sent)
