"""The /admin panel: its sections with Back everywhere, Stats from real activity, Russian texts."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person, photos
from trt_local.bot import texts_admin
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox

OWNER = 9600
ANN = 5701


async def test_stats_count_what_happened_and_every_screen_goes_back(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock, sandbox=sandbox) as app:
        assert app.services is not None
        ann = Person(emu.user(ANN, "Ann"), clock)
        await ann.free_image("a red fox")
        clock.jump(5)
        app.services.engine.wake()
        await photos(ann.user, 1)

        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send("/admin")
        panel = await owner.wait("Admin panel")
        assert "You are an owner of this bot." in panel.content
        assert panel.button_texts == [
            "📊 Stats", "👥 Users", "⚠️ Errors", "💳 Kie credits", "📤 Export", "📣 Broadcasts",
            "« Back", "🏠 Menu",
        ]  # fmt: skip
        await owner.press("📊 Stats", panel.message_id)
        stats = await owner.user.wait_for(
            lambda m: m.message_id == panel.message_id and "Stats" in m.content
        )
        assert "Users: 2 in all; new today: 2, in 7 days: 2, in 30 days: 2; active today: 2" in (
            stats.content
        )
        assert "Generations: today 1; 7 days 1 (failed: 0 (0.0%)); all time 1" in stats.content
        assert "Top models, last 30 days: z-image (1)" in stats.content
        assert "Top-ups: none yet." in stats.content
        assert "Queue: 0 waiting, 0 generating, 0 being sent" in stats.content
        assert "Kie credits: " in stats.content and "(≈ ₽" in stats.content
        # Back from a section is the panel; Back from the panel is the main menu.
        for section in ("📊 Stats", "⚠️ Errors", "💳 Kie credits", "📤 Export", "👥 Users"):
            await owner.press("« Back", panel.message_id)
            await owner.user.wait_for(
                lambda m: m.message_id == panel.message_id and "Admin panel" in m.content
            )
            await owner.press(section, panel.message_id)
            await owner.user.wait_for(
                lambda m: m.message_id == panel.message_id and "Admin panel" not in m.content
            )
        await owner.press("« Back", panel.message_id)
        await owner.user.wait_for(
            lambda m: m.message_id == panel.message_id and "Admin panel" in m.content
        )
        await owner.press("« Back", panel.message_id)
        await owner.user.wait_for(
            lambda m: m.message_id == panel.message_id and "Hi, Boss" in m.content
        )


async def test_russian_texts(emu: TelegramEmulator, tmp_path: Path) -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(template) if name}

    assert texts_admin.RU.keys() == texts_admin.EN.keys()
    for key, russian in texts_admin.RU.items():
        assert fields(russian) == fields(texts_admin.EN[key]), key

    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock):
        owner = Person(emu.user(OWNER, "Босс", language_code="ru"), clock)
        await owner.send("/admin")
        panel = await owner.wait("Панель администратора")
        assert "📊 Статистика" in panel.button_texts and "« Назад" in panel.button_texts
        await owner.press("📊 Статистика", panel.message_id)
        stats = await owner.wait("Пользователи")
        assert "всего 1; новых сегодня: 1" in stats.content
        await owner.send(f"/user {OWNER}")
        card = await owner.wait("Баланс: 0 ₽")
        assert "⭐ Владелец" in card.content and "Операций нет." in card.content
