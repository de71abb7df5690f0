"""Anti-flood drops only what is safe to lose: never an admin's command, never a money press."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import EmulatedUser, TelegramEmulator
from trt_local.kie import KieSandbox

ADMIN = 900
FROZEN = 1_700_000_000.0
# Far past the anti-flood burst (5), yet short: the replies to one chat go out at Telegram's 1/s
# after the outbox's burst (outbox_limiter.py), in real time whatever the test clock says.
COMMANDS = 12


class StepClock(JumpClock):
    """Time moves only by a step's jump: a flood arrives within one instant, nothing refills."""

    def __call__(self) -> float:
        return FROZEN + self.offset


def count(user: EmulatedUser, text: str) -> int:
    return sum(text in m.content for m in user.messages)


def models_of_jobs(home: Path, user_id: int) -> list[str]:
    with contextlib.closing(sqlite3.connect(home / "trt.db")) as conn:
        rows = conn.execute("SELECT model_id FROM jobs WHERE user_id = ?", (user_id,)).fetchall()
    return [model for (model,) in rows]


async def test_an_admin_is_never_flood_limited_and_a_flooder_is_told_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = StepClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        gus = emu.user(4020, "Gus", language_code="en")
        await gus.send("/start")
        await gus.next_message()
        boss = emu.user(ADMIN, "Boss", language_code="en")
        spammer = emu.user(4021, "Spam", language_code="en")
        for i in range(COMMANDS):  # all within one instant: far past the anti-flood burst
            await boss.send(f"/topup 4020 1 batch {i}")
            if i < 9:
                await spammer.send(f"message {i}")
        await boss.wait_for(lambda m: count(boss, "Credited") == COMMANDS, timeout=20)
        await spammer.wait_for(lambda m: "Too often" in m.content)
    assert count(boss, "Too often") == 0
    assert count(gus, "topped up") == COMMANDS
    with contextlib.closing(sqlite3.connect(tmp_path / "trt.db")) as conn:
        rows = conn.execute("SELECT amount_minor FROM ledger WHERE user_id = 4020").fetchall()
    assert rows == [(100,)] * COMMANDS
    # Everyone else keeps today's rule: the burst is served, one notice, the rest dropped.
    assert count(spammer, "I understand menu buttons") == 5
    assert count(spammer, "Too often") == 1


async def test_confirm_is_never_dropped_after_a_flood_of_presses(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = StepClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, clock=clock, sandbox=sandbox):
        ann = Person(emu.user(4022, "Ann", language_code="en"), clock)
        await ann.open_model("Text to image", "Z-Image Turbo")
        await ann.send("a red fox in snow")
        await ann.press("1:1")
        screen = await ann.wait_button("✅ Confirm")
        # Mashing old buttons within one instant empties the press bucket.
        flood = [await ann.user.press_data("1|stale") for _ in range(10)]
        await emu.wait_until(lambda: True if not emu.unanswered_callbacks() else None, timeout=10)
        answers = [emu.callback_answer(query_id).text or "" for query_id in flood]
        assert sum("Too often" in text for text in answers) == 1  # limited, told once
        await ann.user.press(
            next(b for b in screen.button_texts if b.startswith("✅ Confirm")), screen.message_id
        )
        await ann.wait("queued")
    assert models_of_jobs(tmp_path, 4022) == ["z-image"]
    assert emu.unanswered_callbacks() == []
