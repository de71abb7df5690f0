"""The wizard's manners: back, edit, skip, bad input, stale buttons, commands, restarts, again."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.kie.sandbox_media import render_png

ADMIN = 900


async def test_back_edit_and_bad_numbers(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(
        emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=KieSandbox(speed=0)
    ):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await boss.open_model("Text to image", "Seedream 4.0")
        await boss.send("a castle")
        await boss.wait_button("square_hd")
        await boss.press("« Back")  # back to the prompt, which shows what was typed
        back = await boss.wait("Now: a castle")
        assert "prompt" in back.content
        await boss.send("a castle on a hill")
        await boss.wait("Choose the size")
        await boss.press_prefix("Default (")
        await boss.wait("Choose the resolution")
        await boss.press_prefix("Default (")
        question = await boss.wait("number of images")
        assert "from 1 to 6" in question.content
        await boss.send("nine")
        await boss.wait("Please send a whole number")
        await boss.send("9")
        await boss.wait("from 1 to 6.")
        await boss.send("2")
        screen = await boss.wait_button("✅ Confirm")
        assert "number of images: 2" in screen.content
        await boss.press("✏️ Edit")
        await boss.wait("What would you like to change?")
        await boss.press("Prompt")
        await boss.wait("Now: a castle on a hill")
        await boss.send("a castle at night")
        screen = await boss.wait("prompt: a castle at night")
        assert "number of images: 2" in screen.content  # editing one input keeps the others


async def test_a_command_leaves_the_wizard_and_old_buttons_go_stale(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock, sandbox=KieSandbox(speed=0)):
        ann = Person(emu.user(5001, "Ann", language_code="en"), clock)
        first = await ann.open_model("Text to image", "Z-Image Turbo")
        await ann.send("/help")
        await ann.wait("/language")
        await ann.send("just some text")  # no wizard any more: the menu, not a prompt
        await ann.wait("I understand menu buttons")
        query = await ann.user.press("🏠 Menu", message_id=first.message_id)
        assert (await emu.wait_callback_answer(query)).answered
        await ann.open_model("Text to image", "Z-Image Turbo")
        await ann.send("new prompt")
        prompt_step = await ann.wait_button("1:1")
        old = await ann.user.press_data(
            prompt_step.buttons[0][0].callback_data.replace(
                prompt_step.buttons[0][0].callback_data.split("|")[2], "deadbeef"
            ),
            message_id=prompt_step.message_id,
        )
        assert (await emu.wait_callback_answer(old)).text == "This button is out of date."


async def test_the_draft_survives_a_restart(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    ann = Person(emu.user(5002, "Ann", language_code="en"), clock)
    async with running_bot(emu, tmp_path, clock=clock, sandbox=KieSandbox(speed=0)):
        await ann.open_model("Text to image", "Z-Image Turbo")
        await ann.send("a lighthouse")
        await ann.wait_button("16:9")
    async with running_bot(emu, tmp_path, clock=clock, sandbox=KieSandbox(speed=0)):
        await ann.press("16:9")
        screen = await ann.wait_button("✅ Confirm")
        assert "prompt: a lighthouse" in screen.content and "16:9" in screen.content


async def test_again_offers_the_same_inputs_for_a_new_job(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, clock=clock, sandbox=sandbox) as app:
        ann = Person(emu.user(5003, "Ann", language_code="en"), clock)
        await ann.open_model("Text to image", "Z-Image Turbo")
        await ann.send("a robot gardener")
        await ann.press("4:3")
        await ann.confirm()
        clock.jump(5)
        app.services.engine.wake()
        await ann.wait("done!")
        await ann.press("🔁 Again")
        again = await ann.user.wait_for(
            lambda m: "a robot gardener" in m.content and "4 left today" in m.content
        )
        await ann.press(
            next(b for b in again.button_texts if b.startswith("✅ Confirm")), again.message_id
        )
        clock.jump(5)
        app.services.engine.wake()
        await ann.user.wait_for(
            lambda m: sum(x.media_kind == "photo" for x in ann.user.messages) >= 2
        )
    assert [c.input for c in sandbox.created] == [
        {"prompt": "a robot gardener", "aspect_ratio": "4:3"}
    ] * 2


async def test_kie_account_problem_alerts_admins_once_and_refunds(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_next("create", 402, times=10)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        users = [Person(emu.user(5100 + i, f"U{i}", language_code="en"), clock) for i in range(2)]
        for person in users:
            await person.open_model("Text to image", "Z-Image Turbo")
            await person.send("a cat")
            await person.press("1:1")
            await person.confirm()
            clock.jump(5)
            app.services.engine.wake()
            failed = await person.wait("temporarily unavailable")
            assert "free generation was given back" in failed.content
        alerts = [m for m in boss.user.messages if "Kie.ai problem" in m.content]
        assert len(alerts) == 1
    assert sandbox.created == []


async def test_image_as_a_file_is_accepted_and_the_wrong_media_is_explained(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await boss.open_model("Upscale", "Recraft Crisp Upscale")
        clock.jump(1)
        await boss.user.send_voice(b"OggS" + bytes(200))
        await boss.wait("A different kind of file is needed here: image")
        clock.jump(1)
        await boss.user.send_document(
            render_png(40, 30, hashlib.sha256(b"doc").digest()), "scan.png", "image/png"
        )
        screen = await boss.wait_button("✅ Confirm")
        assert "photo: ✓" in screen.content
    assert [upload.file_name.endswith(".png") for upload in sandbox.uploads] == [True]
