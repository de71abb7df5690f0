"""Broadcasts through Telegram: 300 users reached once across a restart, blocked users marked and
left out next time, a /start answered while it runs, pause/resume/cancel by button, and presses
from a non-admin refused."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

from tests.e2e.broadcasting import (
    broadcast_row,
    compose,
    copies,
    received,
    recipient_marks,
    seed_users,
    send_draft,
)
from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.core.broadcast import Audience, AudienceKind
from trt_local.emulator import TelegramEmulator
from trt_local.services.broadcast_sender import SenderLimits

ADMIN = 9100
TEXT = "Big <b>news</b> for you"
SHOWN = "Big news for you"


def bot_blocked(database: Path) -> set[int]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        rows = conn.execute("SELECT id FROM users WHERE bot_blocked_at IS NOT NULL").fetchall()
    return {user_id for (user_id,) in rows}


async def test_300_users_get_it_once_across_a_restart_and_blockers_are_left_out_next_time(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, database = JumpClock(), tmp_path / "trt.db"
    users = await seed_users(emu, tmp_path, range(20_001, 20_301), clock())
    blockers = set(users[::10])
    for user_id in blockers:
        await emu.user(user_id).block()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        card = await compose(boss, TEXT)
        preview = await boss.wait(SHOWN)
        assert preview.raw["entities"][0]["type"] == "bold"  # Telegram took the HTML
        await send_draft(boss, card)

        await emu.wait_until(lambda: copies(emu, TEXT) >= 60 or None, timeout=30)
        late = emu.user(30_001, "Late", language_code="en")
        asked_at = len(emu.calls)
        await late.send("/start")
        await late.wait_for(lambda m: "Hi, Late" in m.content, timeout=10)
        await emu.wait_until(lambda: copies(emu, TEXT) >= 120 or None, timeout=30)
    # The bot stopped in the middle: what was sent is marked, the rest waits.
    status, total, sent, failed, blocked, pending = broadcast_row(database, 1)
    assert status == "sending" and total == 301  # 300 users and the admin
    assert 0 < pending < total - 100 and sent + failed + blocked + pending == total

    # The /start was answered while the broadcast went on: few copies went out in between, and
    # most of the broadcast came after it.
    calls = emu.calls
    reply_at = next(
        i
        for i, call in enumerate(calls)
        if i > asked_at and call.method == "sendMessage" and call.params["chat_id"] == "30001"
    )
    between = sum(1 for call in calls[asked_at:reply_at] if call.params.get("text") == TEXT)
    assert between <= 3 * SenderLimits().window
    assert sum(1 for call in calls[reply_at:] if call.params.get("text") == TEXT) >= 50

    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        report = await boss.wait("Broadcast #1 finished", timeout=30)
        assert "Sent: 271\nFailed: 0\nBlocked the bot: 30\nTotal: 301" in report.content
        progress = await boss.wait("Broadcast #1 — done")
        assert progress.button_texts == []  # no Pause/Cancel on a finished broadcast
        for user_id in users:
            expected = 0 if user_id in blockers else 1
            assert received(emu, user_id, SHOWN) == expected, user_id
            assert copies(emu, TEXT, user_id) == 1, user_id  # asked once each, never again
        assert received(emu, 30_001, SHOWN) == 0  # came after the start: not in the audience
        marks = recipient_marks(database, 1)
        assert {u for u, mark in marks.items() if mark == "blocked"} == blockers
        assert bot_blocked(database) == blockers

        # The next broadcast leaves them out; one who comes back is in again.
        broadcasts = app.services.broadcasts
        everyone = Audience(AudienceKind.ALL)
        assert await broadcasts.audience_size(everyone) == 302 - 30  # with Late, without blockers
        back = users[0]
        await emu.user(back).unblock()
        clock.jump(1)
        await emu.user(back).send("/start")
        await emu.user(back).wait_for(lambda m: "Hi," in m.content)
        assert await broadcasts.audience_size(everyone) == 302 - 29
        draft = await broadcasts.create(ADMIN, "Second")
        await broadcasts.send(ADMIN, draft.id)
        await broadcasts.cancel(ADMIN, draft.id)
    second = recipient_marks(database, 2)
    assert len(second) == 302 - 29 and back in second
    assert not (blockers - {back}) & set(second)
    assert all(copies(emu, "Second", user_id) == 0 for user_id in blockers - {back})


async def test_pause_resume_and_cancel_by_button_and_a_non_admin_changes_nothing(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, database = JumpClock(), tmp_path / "trt.db"
    users = await seed_users(emu, tmp_path, range(40_001, 40_151), clock())
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        card = await compose(boss, TEXT)
        await boss.press("🔗 Button", card.message_id)
        await boss.wait("Send the button as one line")
        await boss.send("Open the shop | https://shop.example.com/spring")
        card = await boss.wait("Button: Open the shop → https://shop.example.com/spring")
        assert "Audience: all users — 151" in card.content
        await boss.press("👥 Audience")
        await boss.press("active in 7 days · 151")
        await boss.wait("Audience: active in 7 days — 151")
        progress = await send_draft(boss, card)
        await boss.press("⏸ Pause", progress.message_id)
        paused = await boss.wait("— paused")
        assert paused.message_id == progress.message_id
        assert "▶️ Resume" in paused.button_texts
        status, total, sent, _, _, pending = broadcast_row(database, 1)
        assert status == "paused" and 0 < sent < total and pending == total - sent
        assert asked(emu, database, 1, users, TEXT)  # the run is over: nothing more goes out
        one = next(u for u in users if received(emu, u, SHOWN))
        copy = next(m for m in emu.chat(one) if m.content == SHOWN)
        assert copy.buttons[0][0].url == "https://shop.example.com/spring"

        await boss.press("🗂 Past broadcasts")
        listing = await boss.wait("Recent broadcasts")
        assert f"paused · active in 7 days · sent: {sent} of 151" in listing.content
        await boss.press("#1", listing.message_id)
        card_1 = await boss.user.wait_for(
            lambda m: m.message_id == listing.message_id and "▶️ Resume" in m.button_texts
        )
        assert f"Sent: {sent}\n" in card_1.content

        # Everything the admin could press, pressed by someone else: refused, nothing changes.
        eve = Person(emu.user(40_500, "Eve", language_code="en"), clock)
        await eve.send("/start")
        await eve.wait("Hi, Eve")
        before = snapshot(database)
        for data in admin_callback_data(emu):
            clock.jump(1)  # at a person's pace: the anti-flood must not be what refuses her
            query = await eve.user.press_data(data)
            refusal = await emu.wait_callback_answer(query)
            assert (refusal.text, refusal.show_alert) == ("Not allowed.", True), data
        await eve.send("/broadcast")
        await eve.wait("I don't know that command")
        assert snapshot(database) == before
        assert asked(emu, database, 1, users, TEXT)

        await boss.press("▶️ Resume", card_1.message_id)  # from the history's card this time
        resumed = await boss.user.wait_for(
            lambda m: m.message_id == card_1.message_id and "⏸ Pause" in m.button_texts
        )
        assert "Broadcast #1 — sending" in resumed.content
        await boss.wait("Broadcast #1 finished", timeout=30)
        done = await boss.user.wait_for(
            lambda m: m.message_id == progress.message_id and "— done" in m.content
        )
        assert "Left: 0 of 151" in done.content
        assert all(received(emu, u, SHOWN) == 1 for u in users)

        second = await send_draft(boss, await compose(boss, "Second one"))
        assert "Broadcast #2 — sending" in second.content
        await boss.press("✖️ Cancel the broadcast", second.message_id)
        report = await boss.wait("Broadcast #2 cancelled")
        status, total, sent, _, _, pending = broadcast_row(database, 2)
        assert status == "cancelled" and pending == total - sent > 0
        assert f"Not sent: {pending} of {total}" in report.content
        assert asked(emu, database, 2, users, "Second one")  # nobody after the cancel


def asked(
    emu: TelegramEmulator, database: Path, broadcast: int, users: list[int], text: str
) -> bool:
    """Telegram was asked for a copy exactly for the recipients marked sent, once each."""
    marks = recipient_marks(database, broadcast)
    return all(copies(emu, text, u) == (marks.get(u) == "sent") for u in users)


def admin_callback_data(emu: TelegramEmulator) -> list[str]:
    """Every broadcast button the bot ever showed the admin (sent or edited in)."""
    found: list[str] = []
    for call in emu.calls:
        if call.params.get("chat_id") != str(ADMIN) or "reply_markup" not in call.params:
            continue
        for row in json.loads(call.params["reply_markup"]).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "")
                if data.startswith("1|bc") and data not in found:
                    found.append(data)
    assert len(found) >= 10, found
    return found


def snapshot(database: Path) -> tuple[list[tuple[object, ...]], int, list[tuple[object, ...]]]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        broadcasts = conn.execute("SELECT * FROM broadcasts ORDER BY id").fetchall()
        (recipients,) = conn.execute("SELECT COUNT(*) FROM broadcast_recipients").fetchone()
        marks = conn.execute(
            "SELECT user_id, status FROM broadcast_recipients ORDER BY user_id"
        ).fetchall()
    return broadcasts, recipients, marks
