"""An update that moves money moves it once: duplicate copies and replays after a crash (in-process).

A restart is a new TrtApp on the same TRT_HOME. The subprocess crash suite kills the real process
at ``during_topup``; these tests build the same states in-process, where they can be checked.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from telegram import Update

from tests.e2e.harness import JumpClock, running_bot
from trt_local.emulator import EmulatedUser, TelegramEmulator, faults

ADMIN = 900
CUSTOMER = 4010


def topups(home: Path, user_id: int) -> list[tuple[int, str]]:
    with contextlib.closing(sqlite3.connect(home / "trt.db")) as conn:
        return conn.execute(
            "SELECT amount_minor, ref FROM ledger WHERE user_id = ? AND kind = 'topup'", (user_id,)
        ).fetchall()


def count(user: EmulatedUser, text: str) -> int:
    return sum(text in m.content for m in user.messages)


def unconfirmed_update(emu: TelegramEmulator) -> dict[str, Any]:
    """The one update Telegram still holds (handed out, never confirmed by a later offset)."""
    [update] = emu.state.feed.take(1)
    return update


async def test_two_copies_of_one_topup_at_once_credit_and_answer_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    boss = emu.user(ADMIN, "Boss", language_code="en")
    gus = emu.user(CUSTOMER, "Gus", language_code="en")
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        await gus.send("/start")
        await gus.next_message()
    await boss.send(f"/topup {CUSTOMER} 50 cash")  # sent while the bot is down
    payload = unconfirmed_update(emu)
    emu.state.feed.confirm(payload["update_id"] + 1)  # only the two copies below reach the bot
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        application = app.application
        assert application is not None
        # What a replay and a re-fetch of the same update do at start: stored, then queued twice,
        # and with concurrent updates both copies are taken up at once.
        await application.inbox.store([payload], clock())
        for _ in range(2):
            await application.update_queue.put(Update.de_json(payload, application.bot))
        await application.update_queue.join()
    assert count(boss, "Credited") == 1 and count(boss, "already done") == 0
    assert count(gus, "topped up") == 1
    assert [amount for amount, _ in topups(tmp_path, CUSTOMER)] == [5000]


async def test_a_topup_replayed_after_a_crash_before_its_done_mark_credits_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    boss = emu.user(ADMIN, "Boss", language_code="en")
    gus = emu.user(CUSTOMER, "Gus", language_code="en")
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        await gus.send("/start")
        await gus.next_message()
        # Every later getUpdates fails: the batch with /topup is handled but never confirmed, so
        # Telegram hands it out again after the restart.
        emu.inject("getUpdates", faults.network_error(), times=1000)
        await boss.send(f"/topup {CUSTOMER} 50 cash")
        await boss.wait_for(lambda m: "Credited" in m.content)
        await gus.wait_for(lambda m: "topped up" in m.content)
    emu.clear_faults()
    payload = unconfirmed_update(emu)
    # The crash came after the credit's commit and before the inbox's done mark: the row is
    # still pending with its payload, exactly as the fetch stored it.
    with contextlib.closing(sqlite3.connect(tmp_path / "trt.db")) as conn, conn:
        changed = conn.execute(
            "UPDATE inbox SET status = 'pending', handled_at = NULL, payload = ? "
            "WHERE update_id = ?",
            (json.dumps(payload), payload["update_id"]),
        ).rowcount
    assert changed == 1
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        # Replayed from the inbox and fetched again from Telegram: two copies, one answer.
        await boss.wait_for(lambda m: "already done" in m.content)
        await emu.wait_until(lambda: True if emu.pending_updates == 0 else None, timeout=10)
    assert len(topups(tmp_path, CUSTOMER)) == 1  # one credit, one ledger row
    assert count(boss, "already done") == 1 and count(boss, "Credited") == 1
    assert count(gus, "topped up") == 1  # the user is not told twice
    with contextlib.closing(sqlite3.connect(tmp_path / "trt.db")) as conn:
        pending = conn.execute("SELECT COUNT(*) FROM inbox WHERE status = 'pending'").fetchone()
    assert pending == (0,)
