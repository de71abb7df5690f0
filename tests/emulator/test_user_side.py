"""The user side: reading the chat, waiting for the bot, pressing, blocking, change events."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from tests.emulator.conftest import TOKEN, make_bot, png
from trt_local.emulator import ButtonNotFound, ChatEvent, EmulatorError, TelegramEmulator


def _menu(*rows: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in rows]
    )


async def test_next_message_is_an_inbox_and_wait_for_sees_edits(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    first = await bot.send_message(42, "one")
    await bot.send_message(42, "two")
    assert [(await ann.next_message()).text for _ in range(2)] == ["one", "two"]
    waiter = asyncio.create_task(ann.wait_for(lambda m: m.text == "one, edited"))
    await bot.edit_message_text("one, edited", 42, first.message_id)
    assert (await waiter).message_id == first.message_id
    ann.mark_read()
    with pytest.raises(TimeoutError, match=r"nothing new.*one, edited"):
        await ann.next_message(timeout=0.01)


async def test_press_finds_the_newest_button_and_tracks_answers(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    older = await bot.send_message(42, "old", reply_markup=_menu(("Buy", "buy:1")))
    await bot.send_message(42, "new", reply_markup=_menu(("Buy", "buy:2"), ("Help", "help")))
    newest = await ann.press("Buy")
    by_data = await ann.press("buy:1")
    pinned = await ann.press("Buy", message_id=older.message_id)
    updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates if u.callback_query] == [
        "buy:2",
        "buy:1",
        "buy:1",
    ]
    assert set(emu.unanswered_callbacks()) == {newest, by_data, pinned}
    assert await bot.answer_callback_query(newest, "Done", show_alert=True)
    answer = emu.callback_answer(newest)
    assert (answer.answered, answer.text, answer.show_alert) == (True, "Done", True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(newest)
    assert newest not in emu.unanswered_callbacks()


async def test_press_explains_what_is_missing(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    link = InlineKeyboardMarkup([[InlineKeyboardButton("Site", url="https://example.org")]])
    await bot.send_message(42, "menu", reply_markup=link)
    with pytest.raises(ButtonNotFound, match=r"'Nope'.*menu"):
        await ann.press("Nope")
    with pytest.raises(EmulatorError, match=r"no callback data"):
        await ann.press("Site")


async def test_press_data_sends_any_payload_on_a_bot_message(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    first = await bot.send_message(42, "old menu", reply_markup=_menu(("Buy", "v2|buy")))
    await bot.send_message(42, "plain text")
    forged = await ann.press_data("v1|gone", message_id=first.message_id)
    latest = await ann.press_data("garbage")
    updates = await bot.get_updates()
    queries = [u.callback_query for u in updates if u.callback_query]
    assert [(q.data, q.message.message_id) for q in queries if q.message] == [
        ("v1|gone", first.message_id),
        ("garbage", first.message_id + 1),
    ]
    assert set(emu.unanswered_callbacks()) == {forged, latest}
    with pytest.raises(ValueError, match="1-64 bytes"):
        await ann.press_data("x" * 65)


async def test_call_log_changes_wake_waiters(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    emu.delay("sendMessage", 10)  # the call is logged at once, answered much later
    sending = asyncio.create_task(bot.send_message(42, "slow", read_timeout=20))
    seen = await emu.wait_until(lambda: emu.calls_to("sendMessage") or None, timeout=2)
    assert seen[0].params["text"] == "slow" and emu.chat(42) == []
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending


async def test_block_sends_my_chat_member_and_stops_user_actions(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    await ann.block()
    [update] = await bot.get_updates()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(EmulatorError, match=r"blocked"):
        await ann.send("hi")


async def test_change_events_reach_callbacks_and_queues(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    seen: list[ChatEvent] = []
    queue: asyncio.Queue[ChatEvent] = asyncio.Queue()
    stop_seen = emu.on_change(seen.append)
    emu.on_change(queue)
    sent = await bot.send_message(42, "x")
    await bot.send_chat_action(42, "typing")
    await bot.edit_message_text("y", 42, sent.message_id)
    stop_seen()
    await bot.delete_message(42, sent.message_id)
    assert [(e.kind, e.message_id) for e in seen] == [
        ("message", sent.message_id),
        ("action", None),
        ("edit", sent.message_id),
    ]
    assert [queue.get_nowait().kind for _ in range(queue.qsize())] == [
        "message",
        "action",
        "edit",
        "delete",
    ]


async def test_a_failing_subscriber_does_not_fail_the_bot(
    emu: TelegramEmulator, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    emu.user(42)

    def broken(event: ChatEvent) -> None:
        raise RuntimeError("pane crashed")

    emu.on_change(broken)
    assert (await bot.send_message(42, "still delivered")).text == "still delivered"
    assert "subscriber failed" in caplog.text


async def test_files_can_live_in_a_folder(tmp_path: Path) -> None:
    emu = TelegramEmulator(TOKEN, file_folder=tmp_path / "files")
    ann = emu.user(42)
    image = png(12, 12)
    await ann.send_photo(image)
    async with make_bot(emu) as bot:
        [update] = await bot.get_updates()
        assert update.message is not None
        file = await bot.get_file(update.message.photo[-1].file_id)
        assert bytes(await file.download_as_bytearray()) == image
    assert [p.read_bytes() for p in (tmp_path / "files").iterdir()] == [image]


def test_the_token_stays_out_of_reprs(emu: TelegramEmulator) -> None:
    assert TOKEN not in repr(emu) and TOKEN not in repr(emu.user(42))


async def test_a_file_sent_again_keeps_its_ids(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    first = await ann.send_photo(png(40, 30), caption="receipt")
    again = await ann.send_again(first.message_id, caption="the same receipt")
    other = await ann.send_photo(png(40, 30))
    updates = [u.message for u in await bot.get_updates() if u.message]
    assert [m.caption for m in updates] == ["receipt", "the same receipt", None]
    assert updates[1].message_id != updates[0].message_id
    assert updates[1].photo[-1].file_unique_id == updates[0].photo[-1].file_unique_id
    assert updates[2].photo[-1].file_unique_id != updates[0].photo[-1].file_unique_id
    assert again.file_id == first.file_id != other.file_id
    await bot.send_message(42, "hello")
    bot_message = (await ann.next_message()).message_id
    with pytest.raises(EmulatorError, match="not this user's"):
        await ann.send_again(bot_message)
