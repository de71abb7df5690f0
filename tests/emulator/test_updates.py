"""getUpdates: offset confirmation, long polling, conflicts; and a real Application on top."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from tests.emulator.conftest import make_app, running
from trt_local.emulator import TelegramEmulator


async def test_offset_confirms_and_limit_caps(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    for text in ("a", "b", "c"):
        await ann.send(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    again = await bot.get_updates()  # nothing confirmed yet: everything is still there
    assert [u.update_id for u in again] == [u.update_id for u in first] + [again[-1].update_id]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
    assert emu.pending_updates == 0


async def test_long_poll_wakes_up_on_a_new_update(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await emu.wait_polling()
    assert not poll.done()
    await ann.send("wake up")
    updates = await asyncio.wait_for(poll, timeout=2)
    assert [u.message.text for u in updates if u.message] == ["wake up"]


async def test_long_poll_returns_empty_after_its_timeout(bot: Bot) -> None:
    assert await bot.get_updates(timeout=0.05) == ()  # type: ignore[arg-type]


async def test_second_poll_terminates_the_first_with_conflict(
    emu: TelegramEmulator, bot: Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await emu.wait_polling()
    second = asyncio.create_task(bot.get_updates(timeout=0))
    with pytest.raises(Conflict, match=r"terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=2)
    assert await second == ()


async def test_drop_pending_updates(emu: TelegramEmulator, bot: Bot) -> None:
    await emu.user(42).send("old")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()


async def test_command_is_a_bot_command_entity(emu: TelegramEmulator, bot: Bot) -> None:
    await emu.user(42).send("/start ref_7")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.parse_entities() == {update.message.entities[0]: "/start"}
    assert update.message.entities[0].type == "bot_command"


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with an inline menu; echo the /start payload."""
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Balance", callback_data="bal")],
            [InlineKeyboardButton("Site", url="https://example.org")],
        ]
    )
    await update.message.reply_text(f"Hello! args={context.args}", reply_markup=keyboard)


async def _balance(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the query and edit the menu message."""
    query = update.callback_query
    assert query is not None
    await query.answer("Loading…")
    await query.edit_message_text("Balance: 0 ⭐")


async def test_application_start_button_and_edit(emu: TelegramEmulator) -> None:
    app = make_app(emu)
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_balance))
    ann = emu.user(42, "Ann")
    async with running(app):
        await ann.send("/start ref_7")
        menu = await ann.next_message()
        assert menu.text == "Hello! args=['ref_7']"
        assert [[b.text for b in row] for row in menu.buttons] == [["Balance"], ["Site"]]
        assert menu.buttons[1][0].url == "https://example.org"
        query_id = await ann.press("Balance")
        answer = await emu.wait_callback_answer(query_id)
        edited = await ann.wait_for(lambda m: m.text == "Balance: 0 ⭐")
    assert answer.text == "Loading…"
    assert edited.message_id == menu.message_id and edited.edited and edited.buttons == ()
    assert emu.unanswered_callbacks() == []
    assert emu.pending_updates == 0  # PTB confirmed everything on stop
