"""The price on the confirm screen is the price charged: the clip's real length, today's prices."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.kie.sandbox_media import render_png, render_wav

ADMIN = 900


def ledger(home: Path, user_id: int) -> list[tuple[str, int]]:
    with sqlite3.connect(home / "trt.db") as conn:
        return conn.execute(
            "SELECT kind, amount_minor FROM ledger WHERE user_id = ? ORDER BY id", (user_id,)
        ).fetchall()


async def topup(emu: TelegramEmulator, clock: JumpClock, user_id: int, amount: str) -> None:
    admin = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
    await admin.send(f"/topup {user_id} {amount} test money")
    await admin.wait(f"to user {user_id}")


async def test_a_talking_photo_costs_the_seconds_of_its_clip(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    # InfiniteTalk costs 4 credits a second at 480p and takes at most 15 s: ₽47.16 for 15 s.
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    ann = Person(emu.user(6001, "Ann", language_code="en"), clock)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        await ann.send("/start")
        await topup(emu, clock, 6001, "100")
        await ann.wait("topped up by ₽100")
        await ann.open_model("Talking avatar", "InfiniteTalk")
        clock.jump(1)
        await ann.user.send_photo(render_png(64, 48, hashlib.sha256(b"face").digest()))
        await ann.wait("Send an audio file or a voice message")
        clock.jump(1)
        await ann.user.send_voice(b"OggS" + bytes(300), duration=20)
        refused = await ann.wait("too long")
        assert "up to 15 s" in refused.content
        assert "Send an audio file or a voice message" in refused.content  # asked again
        clock.jump(1)
        await ann.user.send_audio(render_wav(7, 440), "hello.wav", "audio/wav", duration=7)
        await ann.wait("Send the prompt")
        await ann.send("she says hello")
        await ann.wait_button("480p")
    # The length is part of the draft: it survives a restart like the rest.
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        await ann.press("480p")
        screen = await ann.wait_button("✅ Confirm")
        assert "Length counted: 7 s" in screen.content
        assert "Price: ₽22.01" in screen.content and "✅ Confirm · ₽22.01" in screen.button_texts
        await ann.confirm()
        await ann.wait("queued")
    assert ledger(tmp_path, 6001) == [("topup", 10000), ("charge", -2201)]
    # The 20 s clip was refused before it was downloaded: only the photo and the 7 s clip went up.
    assert [upload.file_name.rsplit(".")[-1] for upload in sandbox.uploads] == ["jpg", "wav"]


async def test_a_price_change_after_the_confirm_screen_is_shown_before_charging(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        bea = Person(emu.user(6002, "Bea", language_code="en"), clock)
        await bea.send("/start")
        await topup(emu, clock, 6002, "100")
        await bea.wait("topped up by ₽100")
        screen = await bea.paid_image_until_confirm("a lighthouse at dawn")
        assert "✅ Confirm · ₽5.11" in screen.button_texts
        # The admin raises the markup from 2 to 3 (the dashboard's Settings screen does this).
        await app.services.settings.update_prices(markup="3")
        await bea.press("✅ Confirm · ₽5.11", screen.message_id)
        again = await bea.wait("The price changed")
        assert "✅ Confirm · ₽7.67" in again.button_texts and "₽100 → ₽92.33" in again.content
        assert ledger(tmp_path, 6002) == [("topup", 10000)]  # nothing charged yet
        await bea.press("✅ Confirm · ₽7.67", again.message_id)
        await bea.wait("queued")
    assert ledger(tmp_path, 6002) == [("topup", 10000), ("charge", -767)]
