"""Generation end to end: real Application, real SQLite, the real Kie client over the sandbox."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path

from tests.e2e.harness import TOKEN, JumpClock, running_bot, times_said
from tests.e2e.journeys import Person
from trt_local.emulator import EmulatedUser, TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.kie.sandbox_media import render_png

ADMIN = 900


def png(width: int = 64, height: int = 48) -> bytes:
    return render_png(width, height, hashlib.sha256(b"test-photo").digest())


def ledger(home: Path, user_id: int) -> list[tuple[str, int]]:
    with sqlite3.connect(home / "trt.db") as conn:
        return conn.execute(
            "SELECT kind, amount_minor FROM ledger WHERE user_id = ? ORDER BY id", (user_id,)
        ).fetchall()


async def photos(user: EmulatedUser, count: int) -> None:
    await user.wait_for(
        lambda m: sum(x.media_kind == "photo" for x in user.messages) >= count, timeout=20
    )


async def topup(emu: TelegramEmulator, clock: JumpClock, user_id: int, amount: str) -> None:
    admin = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
    await admin.send(f"/topup {user_id} {amount} test money")
    await admin.wait(f"to user {user_id}")


async def test_free_text_to_image_is_delivered_as_a_photo(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, clock=clock, sandbox=sandbox) as app:
        ann = Person(emu.user(4001, "Ann", language_code="en"), clock)
        question = await ann.open_model("Text to image", "Z-Image Turbo")
        assert "prompt" in question.content and "1000" in question.content
        await ann.send("x" * 1001)  # over the model's limit: told the limit, nothing lost
        await ann.wait("the limit is 1000")
        await ann.send("a red fox in the snow")
        await ann.wait_button("1:1")
        await ann.press("16:9")
        screen = await ann.wait_button("✅ Confirm")
        assert "free" in screen.content and "5 left today" in screen.content
        await ann.confirm()
        await ann.wait("queued")
        clock.jump(5)
        app.services.engine.wake()
        await photos(ann.user, 1)
        done = await ann.wait("done!")
        assert {"🔁 Again", "🏠 Menu"} <= set(done.button_texts)
    assert [(c.model, c.input) for c in sandbox.created] == [
        ("z-image", {"prompt": "a red fox in the snow", "aspect_ratio": "16:9"})
    ]
    assert ledger(tmp_path, 4001) == []  # free: no money moved
    assert emu.unanswered_callbacks() == []


async def test_paid_model_without_balance_is_refused_before_kie(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, clock=clock, sandbox=sandbox):
        bob = Person(emu.user(4002, "Bob", language_code="en"), clock)
        await bob.paid_image_until_confirm("a lighthouse at dawn")
        await bob.confirm()
        refusal = await bob.wait("Not enough balance")
        assert "₽5.11" in refusal.content
    assert sandbox.created == [] and ledger(tmp_path, 4002) == []


async def test_topup_then_five_rapid_confirms_charge_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        cid = Person(emu.user(4003, "Cid", language_code="en"), clock)
        await cid.send("/start")
        await topup(emu, clock, 4003, "100")
        await cid.wait("topped up by ₽100")
        await cid.paid_image_until_confirm("a lighthouse at dawn")
        screen = await cid.wait_button("✅ Confirm")
        assert "₽100 → ₽94.89" in screen.content
        confirm = next(b for b in screen.button_texts if b.startswith("✅ Confirm"))
        # Five taps in the same instant (no clock jump): one job, one charge.
        presses = [await cid.user.press(confirm, message_id=screen.message_id) for _ in range(5)]
        answers = await asyncio.gather(*(emu.wait_callback_answer(q) for q in presses))
        assert sum(a.text == "Already on it." for a in answers) >= 1
        clock.jump(5)
        app.services.engine.wake()
        await photos(cid.user, 1)
    assert len(sandbox.created) == 1
    assert ledger(tmp_path, 4003) == [("topup", 10000), ("charge", -511)]


async def test_image_edit_uploads_the_photo_to_kie_never_a_telegram_url(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    picture = png()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        question = await boss.open_model("Image editing", "Google Nano Banana Edit")
        assert "Send up to 10 photos" in question.content
        clock.jump(1)
        await boss.user.send_photo(picture)
        await boss.user.wait_for(
            lambda m: "Received: 1" in m.content and "✅ Done" in m.button_texts
        )
        await boss.press("✅ Done")
        await boss.user.wait_for(lambda m: "prompt" in m.content and "Received" not in m.content)
        await boss.send("make the sky purple")
        await boss.press_prefix("Default (")
        screen = await boss.wait_button("✅ Confirm")
        assert "you are an admin" in screen.content
        await boss.confirm()
        clock.jump(5)
        app.services.engine.wake()
        await photos(boss.user, 1)
    [upload] = sandbox.uploads
    assert upload.content == picture
    [created] = sandbox.created
    assert created.input["image_urls"] == [upload.url]
    for request in sandbox.requests:
        assert TOKEN not in str(request) and "emulator.invalid" not in str(request)


async def test_kie_failure_refunds_and_says_so(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks(fail_code="500", fail_msg="internal error", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        dee = Person(emu.user(4004, "Dee", language_code="en"), clock)
        await dee.send("/start")
        await topup(emu, clock, 4004, "10")
        await dee.paid_image_until_confirm("a lighthouse at dawn")
        await dee.confirm()
        await dee.wait("queued")
        clock.jump(5)
        app.services.engine.wake()
        failed = await dee.wait("did not work", timeout=20)
        assert "Refunded: ₽5.11" in failed.content and "🔁 Again" in failed.button_texts
    assert ledger(tmp_path, 4004) == [("topup", 1000), ("charge", -511), ("refund", 511)]


async def test_deadline_refunds_a_job_that_never_finishes(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.hang_tasks()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        eve = Person(emu.user(4005, "Eve", language_code="en"), clock)
        await eve.send("/start")
        await topup(emu, clock, 4005, "10")
        await eve.paid_image_until_confirm("a lighthouse at dawn")
        await eve.confirm()
        await eve.wait("queued")
        await emu.wait_until(lambda: [1] if sandbox.created else None, timeout=10)
        clock.jump(11 * 60)  # past the 10-minute deadline of image jobs
        app.services.engine.wake()
        failed = await eve.wait("took too long", timeout=20)
        assert "Refunded: ₽5.11" in failed.content
    assert times_said(emu, 4005, "did not work") == 1
    assert ledger(tmp_path, 4005) == [("topup", 1000), ("charge", -511), ("refund", 511)]


async def test_restart_mid_job_delivers_once(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    sandbox = KieSandbox(clock=clock, speed=1.0)  # Kie's side outlives the bot's restart
    boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        await boss.free_image("a quiet harbour")
        await emu.wait_until(lambda: [1] if sandbox.created else None, timeout=10)
    assert sandbox.state_of(sandbox.created[0].task_id) != "success"
    clock.jump(30)  # the task finished on Kie's side while the bot was down
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        await photos(boss.user, 1)
        await boss.wait("done!")
        clock.jump(60)
        await app.services.engine.run_once()  # nothing left to do: no second delivery
    assert sum(m.media_kind == "photo" for m in boss.user.messages) == 1


async def test_history_resends_the_result_without_uploading(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, clock=clock, sandbox=sandbox) as app:
        fay = Person(emu.user(4006, "Fay", language_code="en"), clock)
        await fay.free_image("a paper boat")
        clock.jump(5)
        app.services.engine.wake()
        await photos(fay.user, 1)
        await app.services.engine.drain()  # the delivery step has recorded the file id
        await fay.send("/history")
        await fay.wait("My generations")
        await fay.press_prefix("Z-Image")
        await fay.wait_button("📤 Show the result")
        uploads_before = len(emu.calls_to("sendPhoto"))
        await fay.press("📤 Show the result")
        await photos(fay.user, 2)
    sent = [m for m in fay.user.messages if m.media_kind == "photo"]
    assert sent[0].file_id == sent[1].file_id
    assert emu.calls_to("sendPhoto")[uploads_before].file_fields == ()  # by file id: no re-upload


async def test_topup_usage_and_rights(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=KieSandbox()):
        admin = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        usage = "Usage: /topup <user_id> <amount> [reason]"
        bad = ("/topup", "/topup 4010", "/topup abc 10", "/topup 4010 -5", "/topup 4010 1,2,3")
        for count, command in enumerate(bad, start=1):
            await admin.send(command)
            await admin.user.wait_for(
                lambda m, n=count: sum(x.content == usage for x in admin.user.messages) == n
            )
        await admin.send("/topup 4010 10")
        await admin.wait("has not talked to the bot yet")
        stranger = Person(emu.user(4010, "Gus", language_code="en"), clock)
        await stranger.send("/topup 4010 1000")
        await stranger.wait("I don't know that command")
    assert ledger(tmp_path, 4010) == []
