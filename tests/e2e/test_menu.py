"""A user's first minutes with the bot: menu, help, language, and never silence."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import running_bot
from trt_local.bot import codec
from trt_local.emulator import TelegramEmulator


async def test_start_shows_menu_with_working_buttons(emu: TelegramEmulator, tmp_path: Path) -> None:
    async with running_bot(emu, tmp_path):
        ann = emu.user(1001, "Ann", language_code="en")
        await ann.send("/start")
        menu = await ann.next_message()
        assert "Hi, Ann" in menu.content
        assert {"ℹ️ Help", "🌐 Language / Язык"} <= set(menu.button_texts)
        await ann.press("ℹ️ Help")
        help_screen = await ann.wait_for(lambda m: "/language" in m.content)
        assert help_screen.message_id == menu.message_id  # the menu was edited in place
        assert {"« Back", "🏠 Menu"} <= set(help_screen.button_texts)
        await ann.press("🏠 Menu")
        await ann.wait_for(lambda m: "Hi, Ann" in m.content)
        assert emu.unanswered_callbacks() == []


async def test_help_command_names_commands_and_support(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    async with running_bot(emu, tmp_path, support="@trt_support"):
        bob = emu.user(1002, "Bob", language_code="en")
        await bob.send("/help")
        text = (await bob.next_message()).content
        for command in ("/start", "/help", "/language", "/cancel", "/reset"):
            assert command in text
        assert "@trt_support" in text


async def test_russian_users_get_russian_and_the_choice_survives_restart(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    async with running_bot(emu, tmp_path):
        ivan = emu.user(1003, "Иван", language_code="ru")
        await ivan.send("/start")
        assert "Привет, Иван" in (await ivan.next_message()).content
        await ivan.send("/language")
        await ivan.next_message()
        await ivan.press("English")
        await ivan.wait_for(lambda m: "Hi, Иван" in m.content)
    async with running_bot(emu, tmp_path):  # a restart keeps the choice
        await ivan.send("/start")
        assert "Hi, Иван" in (await ivan.next_message()).content
        await ivan.send("/language")
        picker = await ivan.next_message()
        await ivan.press("Русский")
        await ivan.wait_for(
            lambda m: m.message_id == picker.message_id and "Привет, Иван" in m.content
        )
    assert emu.unanswered_callbacks() == []


async def test_unexpected_input_gets_a_short_answer_and_the_menu(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    async with running_bot(emu, tmp_path):
        eve = emu.user(1004, "Eve", language_code="en")
        for act, expected in [
            (eve.send("/frobnicate"), "don't know that command"),
            (eve.send("hello there"), "I understand menu buttons"),
            (eve.send_sticker(), "not waiting for a file"),
        ]:
            await act
            reply = await eve.next_message()
            assert expected in reply.content
            assert "ℹ️ Help" in reply.button_texts
        await eve.send("/cancel")
        assert "Cancelled." in (await eve.next_message()).content
        await eve.send("/reset")
        assert "start over" in (await eve.next_message()).content


async def test_stale_and_forged_buttons_are_answered(emu: TelegramEmulator, tmp_path: Path) -> None:
    async with running_bot(emu, tmp_path):
        eve = emu.user(1005, "Eve", language_code="en")
        await eve.send("/start")
        menu = await eve.next_message()
        # Buttons of an older bot version, and a forged payload, arrive as callback queries.
        for data in ("0|menu", "1|nosuchaction", "garbage"):
            query_id = await eve.press_data(data, message_id=menu.message_id)
            answer = await emu.wait_callback_answer(query_id)
            assert answer.text == "This button is out of date."
        assert codec.decode("1|nosuchaction") is not None  # well-formed, but nobody handles it
        stale_notes = [m for m in eve.messages if "out of date" in m.content]
        assert len(stale_notes) == 3 and all("ℹ️ Help" in m.button_texts for m in stale_notes)
