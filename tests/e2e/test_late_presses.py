"""A late or replayed confirm press: the job is made and charged once, and nobody sees an error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import TelegramEmulator, faults
from trt_local.kie import KieSandbox

ADMIN = 900
TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


def ledger(home: Path, user_id: int) -> list[tuple[str, int]]:
    with sqlite3.connect(home / "trt.db") as conn:
        return conn.execute(
            "SELECT kind, amount_minor FROM ledger WHERE user_id = ? ORDER BY id", (user_id,)
        ).fetchall()


async def test_a_confirm_too_old_to_answer_still_queues_the_job_without_an_error(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        admin = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        cid = Person(emu.user(7001, "Cid", language_code="en"), clock)
        await cid.send("/start")
        await admin.send("/topup 7001 100 test money")
        await cid.wait("topped up by ₽100")
        screen = await cid.paid_image_until_confirm("a lighthouse at dawn")
        confirm = next(b for b in screen.button_texts if b.startswith("✅ Confirm"))
        data = next(b.callback_data for row in screen.buttons for b in row if b.text == confirm)
        # The press reached the bot too late for Telegram to take its answer.
        emu.inject("answerCallbackQuery", faults.bad_request(TOO_OLD))
        await cid.press(confirm, screen.message_id)
        outcome = await cid.user.wait_for(
            lambda m: "queued" in m.content or "Error id" in m.content
        )
        assert "queued" in outcome.content
        # The same press again (a double delivery, a replay after a restart): answered quietly.
        replay = await cid.user.press_data(data, screen.message_id)
        assert (await emu.wait_callback_answer(replay)).text == "Already on it."
        emu.inject("answerCallbackQuery", faults.bad_request(TOO_OLD))
        await cid.user.press_data(data, screen.message_id)  # and once more, too late to answer
        clock.jump(5)
        app.services.engine.wake()
        await cid.user.wait_for(lambda m: m.media_kind == "photo", timeout=20)
    # The bot has stopped: every update is handled, every error would have been told by now.
    assert not any("Error id" in m.content for m in cid.user.messages)
    assert len(sandbox.created) == 1
    assert ledger(tmp_path, 7001) == [("topup", 10000), ("charge", -511)]


async def test_a_confirm_pressed_after_a_command_reset_the_wizard_says_so_and_makes_nothing(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        admin = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        dee = Person(emu.user(7003, "Dee", language_code="en"), clock)
        await dee.send("/start")
        await admin.send("/topup 7003 100 test money")
        await dee.wait("topped up by ₽100")
        screen = await dee.paid_image_until_confirm("a harbour at night")
        dee.user.mark_read()
        await dee.send("/balance")  # a command resets the wizard: that confirm screen is stale
        await dee.user.next_message()
        confirm = next(b for b in screen.button_texts if b.startswith("✅ Confirm"))
        answered = await emu.wait_callback_answer(await dee.press(confirm, screen.message_id))

    assert answered.text == "This button is out of date."  # not "Already on it.": no job made
    assert ledger(tmp_path, 7003) == [("topup", 10000)]
