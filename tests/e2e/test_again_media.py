"""The "Again" button reuses uploaded photos only while Kie still keeps them (about 24 h)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.kie.sandbox_media import render_png

ADMIN = 900


def png(seed: bytes) -> bytes:
    return render_png(64, 48, hashlib.sha256(seed).digest())


async def test_again_keeps_fresh_photos_and_asks_for_old_ones_keeping_the_rest(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await boss.open_model("Image editing", "Google Nano Banana Edit")
        clock.jump(1)
        await boss.user.send_photo(png(b"first"))
        await boss.press("✅ Done")
        await boss.wait("prompt")
        await boss.send("make the sky purple")
        await boss.press("16:9")
        await boss.confirm()
        clock.jump(5)
        app.services.engine.wake()
        first_done = await boss.wait("done!", timeout=20)

        # An hour later the photo is still at Kie: straight to the confirm screen.
        clock.jump(3600)
        await boss.press("🔁 Again", first_done.message_id)
        fresh = await boss.wait_button("✅ Confirm")
        assert "make the sky purple" in fresh.content and "16:9" in fresh.content
        await boss.press(next(b for b in fresh.button_texts if b.startswith("✅ Confirm")))
        clock.jump(5)
        app.services.engine.wake()
        await boss.user.wait_for(
            lambda m: m.message_id == fresh.message_id and "done!" in m.content
        )

        # A day later Kie has deleted it: the photo is asked for again, the rest is kept.
        clock.jump(21 * 3600)
        boss.user.mark_read()
        await boss.press("🔁 Again", first_done.message_id)
        ask = await boss.user.next_message()
        assert "send them again" in ask.content and "Send up to 10 photos" in ask.content
        clock.jump(1)
        await boss.user.send_photo(png(b"second"))
        await boss.press("✅ Done")
        old = await boss.wait_button("✅ Confirm")  # prompt and size were not asked again
        assert "make the sky purple" in old.content and "16:9" in old.content
        await boss.press(next(b for b in old.button_texts if b.startswith("✅ Confirm")))
        clock.jump(5)
        app.services.engine.wake()
        await boss.user.wait_for(lambda m: m.message_id == old.message_id and "done!" in m.content)
    first, second = sandbox.uploads
    assert [c.input["image_urls"] for c in sandbox.created] == [[first.url]] * 2 + [[second.url]]
    assert {(c.input["prompt"], c.input["image_size"]) for c in sandbox.created} == {
        ("make the sky purple", "16:9")
    }
