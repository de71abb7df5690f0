"""The model card says in one line what the model is good at, in the user's language."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import running_bot
from trt_local.emulator import EmulatedUser, TelegramEmulator


async def open_card(user: EmulatedUser, create: str, category: str, title: str) -> str:
    """/start → Create → category → the model's button; returns the card's text."""
    await user.send("/start")
    menu = await user.next_message()
    await user.press(create)
    await user.wait_for(lambda m: m.message_id == menu.message_id and category in m.button_texts)
    await user.press(category)
    button = await user.wait_for(lambda m: any(b.startswith(title) for b in m.button_texts))
    await user.press(next(b for b in button.button_texts if b.startswith(title)))
    card = await user.wait_for(lambda m: m.message_id == menu.message_id and title in m.content)
    return card.content


async def test_the_card_line_is_shown_in_the_users_language(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    async with running_bot(emu, tmp_path):
        ann = emu.user(7001, "Ann", language_code="en")
        card = await open_card(ann, "🎨 Create", "Text to image", "Google Nano Banana Pro")
        assert "Photorealism, accurate text in images, up to 4K" in card
        assert "Фотореализм" not in card
        ivan = emu.user(7002, "Иван", language_code="ru")
        card = await open_card(ivan, "🎨 Создать", "Картинка по описанию", "Google Nano Banana Pro")
        assert "Фотореализм, точный текст на картинках и до 4K" in card
        assert "Photorealism" not in card
    assert emu.unanswered_callbacks() == []
