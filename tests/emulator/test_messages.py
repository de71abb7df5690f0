"""The Bot API surface for text messages, through the real PTB ``Bot`` and ``EmulatorRequest``."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, InvalidToken

from tests.emulator.conftest import TOKEN, make_bot
from trt_local.emulator import TelegramEmulator


async def test_get_me_describes_the_configured_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (
        123456,
        "trt_demo_bot",
        "TRT Demo",
        True,
    )


async def test_wrong_token_is_rejected_at_initialize(emu: TelegramEmulator) -> None:
    with pytest.raises(InvalidToken):
        await make_bot(emu, token="999:WRONG").initialize()


async def test_unknown_method_is_404_and_method_names_ignore_case(emu: TelegramEmulator) -> None:
    assert (await emu.call(TOKEN, "noSuchMethod", {}))[0] == 404
    status, envelope = await emu.call(TOKEN, "GETME", {})
    assert status == 200 and envelope["result"]["username"] == "trt_demo_bot"
    assert (await emu.call("1:x", "getMe", {}))[1] == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }


async def test_send_message_parses_html_into_entities(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42, "Ann")
    sent = await bot.send_message(42, "Hi <b>Ann</b> 😀 <i>x</i>", parse_mode="HTML")
    assert sent.text == "Hi Ann 😀 x"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 3, 3),
        ("italic", 10, 1),  # the emoji counts 2 UTF-16 units, as on Telegram
    ]
    assert sent.from_user is not None and sent.from_user.id == 123456
    assert ann.last is not None and ann.last.text == "Hi Ann 😀 x"


async def test_message_ids_grow_per_chat(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(1)
    emu.user(2)
    ids = [(await bot.send_message(chat, "x")).message_id for chat in (1, 1, 2)]
    assert ids == [1, 2, 1]


@pytest.mark.parametrize(
    ("text", "kwargs", "error"),
    [
        ("", {}, "message text is empty"),
        ("x" * 4097, {}, "message is too long"),
        ("1 < 2", {"parse_mode": "HTML"}, "can't parse entities"),
        ("<div>x</div>", {"parse_mode": "HTML"}, 'Unsupported start tag "div"'),
    ],
)
async def test_send_message_validates_like_telegram(
    emu: TelegramEmulator, bot: Bot, text: str, kwargs: dict[str, str], error: str
) -> None:
    emu.user(42)
    with pytest.raises(BadRequest, match=rf"(?i){error}"):
        await bot.send_message(42, text, **kwargs)  # type: ignore[arg-type]
    assert emu.chat(42) == []


async def test_callback_data_over_64_bytes_is_rejected(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(42, "menu", reply_markup=markup)


async def test_unknown_and_blocked_chats(emu: TelegramEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "hello")
    ann = emu.user(42)
    await ann.block()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(42, "hello")
    await ann.unblock()
    assert (await bot.send_message(42, "hello")).text == "hello"


async def test_edits_change_the_current_state_and_reject_no_ops(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(42, "one", reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("one", 42, sent.message_id, reply_markup=keyboard)
    edited = await bot.edit_message_text("two", 42, sent.message_id)
    assert edited.edit_date is not None  # type: ignore[union-attr]
    assert ann.last is not None and (ann.last.text, ann.last.buttons) == ("two", ())
    await bot.edit_message_reply_markup(42, sent.message_id, reply_markup=keyboard)
    assert ann.messages[0].button_texts == ["A"]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", 42, 999)
    with pytest.raises(BadRequest, match=r"(?i)there is no caption"):
        await bot.edit_message_caption(42, sent.message_id, caption="c")


async def test_delete_removes_the_message_once(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    first = await bot.send_message(42, "first")
    await bot.send_message(42, "second")
    assert await bot.delete_message(42, first.message_id)
    assert [m.text for m in ann.messages] == ["second"]
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(42, first.message_id)


async def test_a_user_can_delete_a_bot_message_and_its_edits_then_fail(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    status = await bot.send_message(42, "working…")
    await ann.delete(status.message_id)
    assert ann.messages == []
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("done", 42, status.message_id)


async def test_reply_keyboard_is_chat_state_not_message_markup(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Menu"), "Help"]])
    sent = await bot.send_message(42, "pick", reply_markup=keyboard)
    assert sent.reply_markup is None
    assert ann.keyboard == (("Menu", "Help"),)
    await bot.send_message(42, "gone", reply_markup=ReplyKeyboardRemove())
    assert ann.keyboard is None


async def test_commands_and_chat_info_round_trip(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42, "Ann", username="ann")
    assert await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert await bot.get_my_commands(language_code="ru") == ()
    chat = await bot.get_chat(42)
    assert (chat.id, chat.type, chat.username) == (42, "private", "ann")
    member = await bot.get_chat_member(42, 42)
    assert member.status == "member"


async def test_chat_action_shows_until_the_next_message(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    assert await bot.send_chat_action(42, "typing")
    assert ann.chat_action == "typing"
    await bot.send_message(42, "done")
    assert ann.chat_action is None
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(42, "dancing")


async def test_copy_and_forward(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(1)
    bob = emu.user(2)
    said = await ann.send("hello bot")
    copied = await bot.copy_message(2, 1, said.message_id)
    forwarded = await bot.forward_message(2, 1, said.message_id)
    assert [m.text for m in bob.messages] == ["hello bot", "hello bot"]
    assert bob.messages[0].message_id == copied.message_id
    assert forwarded.forward_origin is not None
