"""Composing a broadcast in Telegram: bad HTML named before anything is sent, Telegram's refusal
of the preview, a photo with a caption and a URL button, the audience by days joined, the
question being answered surviving a restart — and a copy Telegram keeps refusing with 429 sent
once it may."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from string import Formatter

from telegram import Chat, Message, MessageEntity

from tests.e2e.broadcasting import seed_users
from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.bot import broadcast_view, texts_broadcast
from trt_local.bot.handlers import broadcasts as handlers
from trt_local.emulator import TelegramEmulator, faults
from trt_local.kie.sandbox_media import render_png

ADMIN = 9200
CAPTION = "Spring <i>sale</i> — 20% off"
SHOWN = "Spring sale — 20% off"


async def test_compose_a_photo_broadcast_with_a_button_across_a_restart(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    old = await seed_users(emu, tmp_path, range(50_001, 50_006), clock() - 40 * 86_400)
    new = await seed_users(emu, tmp_path, range(50_101, 50_104), clock() - 86_400)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await boss.send("/broadcast")
        await boss.wait("Send the text of the broadcast")
        await boss.send("Hello<br>world")
        await boss.wait("Telegram will not take this HTML: <br> is not supported")
        await boss.send("1 < 2")
        await boss.wait("starts no tag (write &lt;)")
        assert not any(m.content.startswith("Hello") for m in boss.user.messages)  # no preview

        # Passes our check, refused by Telegram itself: the draft is not kept, the question is.
        emu.inject(
            "sendMessage",
            faults.bad_request("can't parse entities: unsupported start tag"),
            when=lambda p: p.get("text") == "<b>fine</b>",
        )
        await boss.send("<b>fine</b>")
        await boss.wait("Telegram refused to send it: Can't parse entities")
        await boss.user.send_photo(render_png(64, 48, hashlib.sha256(b"sale").digest()), CAPTION)
        card = await boss.wait("Broadcast draft #1")
        preview = next(m for m in boss.user.messages if m.media_kind == "photo" and m.from_bot)
        assert preview.content == SHOWN and preview.raw["caption_entities"][0]["type"] == "italic"
        photo_id = preview.file_id

        await boss.press("🔗 Button", card.message_id)
        await boss.wait("Send the button as one line")
    # A restart between the question and the answer.
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        await boss.send("Shop | http://shop.example.com")
        await boss.wait("must start with https://")
        await boss.send("Shop | https://shop.example.com")
        card = await boss.wait("Button: Shop → https://shop.example.com")
        assert "Audience: all users — 9" in card.content  # 8 users and the admin
        previews = [m for m in boss.user.messages if m.media_kind == "photo"]
        assert previews[-1].buttons[0][0].url == "https://shop.example.com"

        await boss.press("👥 Audience", card.message_id)
        await boss.press("Joined in N days…")
        await boss.wait("How many days?")
        await boss.send("0")
        await boss.wait("A whole number from 1 to 3650")
        await boss.send("30")
        card = await boss.wait("Audience: joined in the last 30 days — 4")  # 3 new + the admin
        # Telegram asks to wait for one copy more often than the rate limiter retries by itself
        # (twice): the sender waits out the last 429 too and sends it then, once.
        slow = new[0]
        emu.inject(
            "sendPhoto", faults.retry_after(1), times=3, when=lambda p: p["chat_id"] == str(slow)
        )
        await boss.press("📤 Send…", card.message_id)
        await boss.press_prefix("✅ Send to 4")
        report = await boss.wait("Broadcast #1 finished", timeout=20)
        assert "Sent: 4\nFailed: 0" in report.content
        assert len([c for c in emu.calls_to("sendPhoto") if c.params["chat_id"] == str(slow)]) == 4
    for user_id in new:
        [copy] = [m for m in emu.chat(user_id) if m.media_kind == "photo"]
        assert copy.content == SHOWN and copy.buttons[0][0].url == "https://shop.example.com"
        assert copy.file_id == photo_id  # Telegram's copy of the admin's photo, no upload
    assert all(emu.chat(user_id) == [] for user_id in old)


async def test_only_admins_open_the_flow_and_typed_steps_need_rights_too(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await boss.send("/broadcast")
        await boss.wait("Send the text of the broadcast")
        eve = Person(emu.user(9201, "Eve", language_code="en"), clock)
        await eve.send("/broadcast")
        await eve.wait("I don't know that command")
        # A question pending for someone who is no admin (any more): the answer is refused.
        assert app.services is not None
        await app.services.pending_input.expect(9201, "bc_text")
        await eve.send("Everyone, click my link")
        await eve.wait("Not allowed.")
        assert await app.services.broadcasts.draft_of(9201) is None
        await boss.send("Hello <b>team</b>")
        await boss.wait("Broadcast draft #1")


async def test_a_russian_admin_composes_in_russian(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        boss = Person(emu.user(ADMIN, "Босс", language_code="ru"), clock)
        await boss.send("/broadcast")
        await boss.wait("Пришлите текст рассылки")
        await boss.send("Привет, <b>все</b>")
        card = await boss.wait("Черновик рассылки #1")
        assert "Получатели: все пользователи — 1" in card.content
        assert "📤 Отправить…" in card.button_texts


def test_every_text_exists_in_russian_and_english_with_the_same_fields() -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(template) if name}

    assert texts_broadcast.RU.keys() == texts_broadcast.EN.keys()
    for key, russian in texts_broadcast.RU.items():
        assert fields(russian) == fields(texts_broadcast.EN[key]), key
    used = set(re.findall(r'"(bc\.[a-z_.]+)"', Path(handlers.__file__).read_text()))
    used |= set(re.findall(r'"(bc\.[a-z_.]+)"', Path(broadcast_view.__file__).read_text()))
    assert used and used <= texts_broadcast.EN.keys()


def test_formatting_applied_in_the_telegram_client_becomes_html() -> None:
    """An admin who formats with the client's own tools sends entities, not tags."""
    bold = MessageEntity(MessageEntity.BOLD, offset=4, length=4)
    formatted = Message(1, datetime.now(UTC), Chat(1, "private"), text="Big news", entities=[bold])
    assert handlers._html_of(formatted) == "Big <b>news</b>"
    typed = Message(2, datetime.now(UTC), Chat(1, "private"), text="Big <b>news</b> 1 < 2")
    assert handlers._html_of(typed) == "Big <b>news</b> 1 < 2"  # typed HTML, checked later
