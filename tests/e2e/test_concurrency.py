"""Concurrency end to end: a hundred presses of one Confirm make one job and one charge; beyond the
global cap a paid job waits in the queue, its user sees the place, and it runs when a slot frees."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox

ADMIN = 900
CUSTOMER = 4030


def rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(home / "trt.db")) as conn:
        return conn.execute(sql, (CUSTOMER,)).fetchall()


async def test_a_hundred_presses_of_one_confirm_make_one_job_one_charge_one_result(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        dee = Person(emu.user(CUSTOMER, "Dee", language_code="en"), clock)
        await dee.send("/start")
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await boss.send(f"/topup {CUSTOMER} 100 test money")
        await dee.wait("topped up by ₽100")
        screen = await dee.paid_image_until_confirm("a lighthouse at dawn")
        confirm = next(b for b in screen.button_texts if b.startswith("✅ Confirm"))

        # A hundred presses in the same instant: the bot handles many of them at once.
        presses = [await dee.user.press(confirm, message_id=screen.message_id) for _ in range(100)]
        answers = await asyncio.gather(
            *(emu.wait_callback_answer(query, timeout=20) for query in presses)
        )
        clock.jump(5)  # past the first poll
        app.services.engine.wake()
        await dee.user.wait_for(lambda m: m.media_kind == "photo", timeout=20)
        done = await dee.wait("done!")

        # Every press was answered: one started the job, the others were told it already runs.
        assert sorted(answer.text or "" for answer in answers) == [""] + ["Already on it."] * 99
        assert emu.unanswered_callbacks() == []
        assert sum(m.media_kind == "photo" for m in dee.user.messages) == 1
        assert done.message_id == screen.message_id  # the confirm screen became the job's status
    assert len(sandbox.created) == 1
    assert rows(tmp_path, "SELECT COUNT(*) FROM jobs WHERE user_id = ?") == [(1,)]
    assert rows(
        tmp_path, "SELECT kind, amount_minor FROM ledger WHERE user_id = ? ORDER BY id"
    ) == [
        ("topup", 10000),
        ("charge", -511),
    ]
    assert rows(tmp_path, "SELECT balance_minor FROM users WHERE id = ?") == [(10000 - 511,)]


async def test_beyond_the_global_cap_a_paid_job_waits_and_its_user_sees_the_place(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    sandbox = KieSandbox(clock=clock, speed=10)  # ~80 s per picture on the bot's clock
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        assert app.services is not None
        await app.services.settings.set_job_caps(global_cap=1)
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        ann = Person(emu.user(4031, "Ann", language_code="en"), clock)
        bob = Person(emu.user(4032, "Bob", language_code="en"), clock)
        for person in (ann, bob):
            await person.send("/start")
            await boss.send(f"/topup {person.user.id} 10 test money")
            await person.wait("topped up")
        await ann.paid_image("a red fox")
        await emu.wait_until(lambda: True if sandbox.created else None, timeout=10)
        await bob.paid_image("a blue whale")

        waiting = await bob.wait("in the queue, place 1")
        assert "paid for" in waiting.content
        assert len(sandbox.created) == 1  # Bob's job waits for Ann's to leave Kie
        # Nobody pokes the bot: its own polls see Ann's picture ready, which frees Bob's turn.
        clock.jump(120)
        await ann.user.wait_for(lambda m: m.media_kind == "photo", timeout=20)
        await emu.wait_until(lambda: True if len(sandbox.created) == 2 else None, timeout=10)
        clock.jump(120)
        await bob.user.wait_for(lambda m: m.media_kind == "photo", timeout=20)
    first, second = (sandbox.account.tasks[task.task_id] for task in sandbox.created)
    assert [first.input["prompt"], second.input["prompt"]] == ["a red fox", "a blue whale"]
    assert second.created_at >= first.created_at + first.duration  # never two at Kie
