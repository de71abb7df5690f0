"""History shows what was asked: the prompt and the options, in the list and in the card, ru and en."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import ChatMessage, TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.kie.sandbox_media import render_png

ADMIN = 900


async def edit_with_one_photo(boss: Person, prompt: str) -> None:
    """Nano Banana Edit with one photo and ``prompt``, confirmed (free for an admin)."""
    await boss.open_model("Image editing", "Google Nano Banana Edit")
    boss.clock.jump(1)
    await boss.user.send_photo(render_png(64, 48, hashlib.sha256(b"history").digest()))
    await boss.press("✅ Done")
    await boss.user.wait_for(lambda m: "prompt" in m.content and "Received" not in m.content)
    await boss.send(prompt)
    await boss.press_prefix("Default (")
    await boss.confirm()
    await boss.wait("queued")


async def history_list(person: Person, title: str) -> ChatMessage:
    person.user.mark_read()
    await person.send("/history")
    return await person.wait(title)


async def open_card(person: Person, listing: ChatMessage, button_start: str) -> ChatMessage:
    button = next(b for b in listing.button_texts if b.startswith(button_start))
    await person.press(button, listing.message_id)
    return await person.user.wait_for(
        lambda m: m.message_id == listing.message_id and "🔁" in " ".join(m.button_texts)
    )


async def test_history_list_and_card_show_the_prompt_and_options(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await boss.free_image("a red fox in snow")
        await boss.wait("queued")
        await edit_with_one_photo(boss, "make the sky <purple> & pink")

        listing = await history_list(boss, "My generations")
        assert "“a red fox in snow”" in listing.content
        assert "aspect ratio: 1:1" in listing.content
        assert "“make the sky <purple> & pink”" in listing.content  # escaped, shown as typed
        assert "1 image" in listing.content and "http" not in listing.content
        assert any(
            b.startswith("Z-Image Turbo") and b.endswith("· a red fox in snow")
            for b in listing.button_texts
        )
        fox = await open_card(boss, listing, "Z-Image Turbo")
        assert "Prompt: a red fox in snow" in fox.content
        assert "• aspect ratio: 1:1" in fox.content and "Status:" in fox.content

        listing = await history_list(boss, "My generations")
        edit = await open_card(boss, listing, "Google Nano Banana Edit")
        assert "Prompt: make the sky <purple> & pink" in edit.content
        assert "• 1 image" in edit.content and "http" not in edit.content

        await boss.send("/language")
        await boss.press("Русский")
        await boss.wait("Что сделаем?")
        listing = await history_list(boss, "Мои генерации")
        assert "«a red fox in snow»" in listing.content
        assert "соотношение сторон: 1:1" in listing.content and "1 фото" in listing.content
        fox = await open_card(boss, listing, "Z-Image Turbo")
        assert "Запрос: a red fox in snow" in fox.content
        assert "• соотношение сторон: 1:1" in fox.content


async def test_a_long_prompt_is_shortened_in_the_list_and_on_the_button(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    prompt = "a red fox in snow, " + "soft light and falling flakes " * 12
    async with running_bot(emu, tmp_path, clock=clock, sandbox=sandbox):
        ann = Person(emu.user(4030, "Ann", language_code="en"), clock)
        await ann.free_image(prompt)
        await ann.wait("queued")
        listing = await history_list(ann, "My generations")
        [button] = [b for b in listing.button_texts if b.startswith("Z-Image Turbo")]
        assert button.endswith("…") and "a red fox in sn" in button and len(button) < 64
        assert "“a red fox in snow, soft light" in listing.content
        assert prompt.strip() not in listing.content  # shortened …
        card = await open_card(ann, listing, "Z-Image Turbo")
        assert f"Prompt: {' '.join(prompt.split())}" in card.content  # … but whole in the card
