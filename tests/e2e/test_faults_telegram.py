"""Telegram faults end to end: what the user sees, and that nothing is lost, doubled or stuck.

Real Application, the Telegram emulator with injected faults, the real Kie client over the
sandbox. A RetryAfter costs real seconds (PTB's rate limiter sleeps it out), so those tests ask
for 1 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import (
    JumpClock,
    job_statuses,
    ledger,
    make_settings,
    running_bot,
    times_said,
)
from tests.e2e.journeys import (
    ADMIN,
    PRICE,
    REFUNDED,
    Person,
    creates_sent,
    next_step,
    paid_job,
    photos,
)
from trt_local.app import PollState, TrtApp
from trt_local.emulator import TelegramEmulator, faults
from trt_local.emulator.request import EmulatorRequest
from trt_local.kie import KieSandbox

REFUSED = "Your prompt was flagged by the content policy"


def said_in(text: str) -> Callable[[dict[str, str]], bool]:
    """A fault filter: only calls whose text contains ``text``."""
    return lambda params: text in params.get("text", "")


def calls_to_chat(emu: TelegramEmulator, chat_id: int) -> list[str]:
    return [call.method for call in emu.calls if call.params.get("chat_id") == str(chat_id)]


def photo_count(person: Person) -> int:
    return sum(m.media_kind == "photo" for m in person.user.messages)


def alerts(emu: TelegramEmulator) -> list[str]:
    return [m.content for m in emu.user(ADMIN).messages if "Kie.ai problem" in m.content]


async def test_retry_after_on_the_photo_and_the_done_edit_is_honoured_and_sent_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    # Three in a row outlast the rate limiter's own two retries: the engine tries again later.
    emu.inject("sendPhoto", faults.retry_after(1), times=3)
    emu.inject("editMessageText", faults.retry_after(1), when=said_in("done!"))
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6201)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)  # the poll: done; the send is refused three times
        await emu.wait_until(lambda: True if len(emu.calls_to("sendPhoto")) >= 3 else None, 10)
        assert app.services is not None
        await app.services.engine.drain()
        next_step(app, clock)  # the delivery's next attempt
        await photos(person.user, 1)
        done = await person.wait("done!")
        assert "🔁 Again" in done.button_texts
    assert len(emu.calls_to("sendPhoto")) == 4 and photo_count(person) == 1
    assert times_said(emu, 6201, "done!") == 2  # the refused edit and the one that went through
    assert alerts(emu) == []
    assert job_statuses(tmp_path / "trt.db", 6201) == ["delivered"]
    assert ledger(tmp_path / "trt.db", 6201) == [("topup", 1000), ("charge", -PRICE)]


async def test_retry_after_on_the_failure_notice_is_honoured_and_the_user_is_told_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("400", REFUSED, count=1)
    emu.inject("editMessageText", faults.retry_after(1), times=3, when=said_in("did not work"))
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6202)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)
        failed = await person.wait("did not work", timeout=10)
        assert "rules rejected the request" in failed.content and REFUNDED in failed.content
    assert sum("did not work" in m.content for m in person.user.messages) == 1
    assert ledger(tmp_path / "trt.db", 6202) == [
        ("topup", 1000),
        ("charge", -PRICE),
        ("refund", PRICE),
    ]


@pytest.mark.parametrize("fault", [faults.network_error, faults.lost_answer])
async def test_a_network_error_on_the_failure_notice_is_retried_and_said_once(
    emu: TelegramEmulator, tmp_path: Path, fault: Callable[[], faults.Fault]
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("400", REFUSED, count=1)
    # network_error: the edit never arrived; lost_answer: it arrived, the answer did not (the
    # repeat then finds it "not modified" and sends nothing new).
    emu.inject("editMessageText", fault(), when=said_in("did not work"))
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6208)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)
        await emu.wait_until(lambda: True if times_said(emu, 6208, "did not work") > 1 else None, 5)
        assert app.services is not None
        await app.services.engine.notices.drain()
    [failed] = [m for m in person.user.messages if "did not work" in m.content]
    assert REFUNDED in failed.content
    assert times_said(emu, 6208, "did not work") == 2  # the cut-off edit and the one repeat
    assert ledger(tmp_path / "trt.db", 6208)[-1] == ("refund", PRICE)


async def test_retry_after_on_an_admin_alert_is_honoured_and_the_alert_arrives_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_next("create", 401, times=10)
    emu.inject("sendMessage", faults.retry_after(1), times=3, when=said_in("Kie.ai problem"))
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        person = await paid_job(emu, clock, 6209)
        failed = await person.wait("did not work")
        assert "temporarily unavailable" in failed.content and REFUNDED in failed.content
        await emu.user(ADMIN).wait_for(lambda m: "Kie.ai problem" in m.content, timeout=10)
    assert len(alerts(emu)) == 1
    assert ledger(tmp_path / "trt.db", 6209)[-1] == ("refund", PRICE)


async def test_a_user_who_blocked_the_bot_gets_nothing_more_and_the_job_counts_as_delivered(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6203)
        await creates_sent(emu, sandbox, 1)
        await person.user.block()
        before = len(calls_to_chat(emu, 6203))
        next_step(app, clock)
        await emu.wait_until(lambda: True if len(calls_to_chat(emu, 6203)) > before else None, 10)
        assert app.services is not None
        await app.services.engine.drain()
        for _ in range(3):  # an hour later: no retry, no second try at the chat
            next_step(app, clock, 1200)
            await app.services.engine.run_once()
    assert len(calls_to_chat(emu, 6203)) == before + 1  # one refused call, then quiet
    assert job_statuses(tmp_path / "trt.db", 6203) == ["delivered"]
    assert alerts(emu) == []
    assert ledger(tmp_path / "trt.db", 6203) == [("topup", 1000), ("charge", -PRICE)]


FAULTS_STATES = {
    "network error": (faults.network_error, PollState.RECONNECTING),
    "lost answer": (faults.lost_answer, PollState.RECONNECTING),
    "409 conflict": (faults.conflict, PollState.CONFLICT),
}


@pytest.mark.parametrize("name", list(FAULTS_STATES))
async def test_long_polling_recovers_and_loses_nothing(
    emu: TelegramEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    fault, shown = FAULTS_STATES[name]
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        states: list[PollState] = []
        app.on_status(lambda state, _detail: states.append(state))
        gil = Person(emu.user(6204, "Gil", language_code="en"), clock)
        polls = len(emu.calls_to("getUpdates"))  # counts the long poll waiting now
        emu.inject("getUpdates", fault())
        await gil.send("/start")  # ends the waiting poll; the next one meets the fault
        await gil.wait("Hi, Gil")
        await emu.wait_until(
            lambda: True if len(emu.calls_to("getUpdates")) > polls else None, timeout=5
        )
        await gil.send("/help")  # sent while the bot cannot hear
        await gil.wait("/language")
        await emu.wait_until(lambda: True if emu.pending_updates == 0 else None, timeout=5)
    assert shown in states and states[-1] is PollState.STOPPED
    assert states[states.index(shown) + 1] is PollState.OK  # and back
    replies = [m.content for m in gil.user.messages]
    assert sum(r.startswith("Hi, Gil") for r in replies) == 1
    assert sum("/language" in r for r in replies) == 1
    if shown is PollState.CONFLICT:
        reported = [r for r in caplog.records if "409 Conflict" in r.getMessage()]
        assert len(reported) == 1 and reported[0].levelno == logging.ERROR


async def test_people_get_answers_while_telegram_is_slow_to_take_the_command_menu(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    # A slow network, or flood control on setMyCommands after many restarts: the bot must not
    # leave the people who wrote meanwhile waiting for it.
    emu.delay("setMyCommands", 120)
    app = TrtApp(make_settings(tmp_path), requests=(EmulatorRequest(emu), EmulatorRequest(emu)))
    starting = asyncio.create_task(app.start())
    try:
        hal = emu.user(6205, "Hal", language_code="en")
        await hal.send("/start")  # written while the bot starts
        await hal.wait_for(lambda m: "Hi, Hal" in m.content, timeout=20)
        assert not starting.done()  # the menu is still on its way
    finally:
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        await app.stop()


@pytest.mark.parametrize("outcome", ["done", "failed"])
async def test_a_deleted_status_message_gets_a_new_message_with_the_outcome(
    emu: TelegramEmulator, tmp_path: Path, outcome: str
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    if outcome == "failed":
        sandbox.fail_tasks("400", REFUSED, count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6205)
        await creates_sent(emu, sandbox, 1)
        status = await person.user.wait_for(lambda m: "Seedream" in m.content)
        await person.user.delete(status.message_id)
        next_step(app, clock)
        said = "done!" if outcome == "done" else "did not work"
        final = await person.wait(said)
    assert final.message_id > status.message_id and "🔁 Again" in final.button_texts
    assert sum(said in m.content for m in person.user.messages) == 1
    if outcome == "done":
        assert photo_count(person) == 1
        assert ledger(tmp_path / "trt.db", 6205) == [("topup", 1000), ("charge", -PRICE)]
    else:
        assert REFUNDED in final.content
        assert ledger(tmp_path / "trt.db", 6205)[-1] == ("refund", PRICE)


async def test_not_modified_on_the_done_edit_is_no_error_and_nothing_is_resent(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    emu.inject(
        "editMessageText", faults.bad_request("message is not modified"), when=said_in("done!")
    )
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6206)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)
        await photos(person.user, 1)
        await emu.wait_until(lambda: True if times_said(emu, 6206, "done!") else None, 10)
        assert app.services is not None
        await app.services.engine.notices.drain()
        next_step(app, clock, 1200)
        await app.services.engine.run_once()
    assert photo_count(person) == 1 and times_said(emu, 6206, "done!") == 1
    assert job_statuses(tmp_path / "trt.db", 6206) == ["delivered"]
    assert alerts(emu) == []


async def test_a_failure_notice_repeated_after_a_crash_is_not_modified_and_not_resent(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("400", REFUSED, count=1)
    database = tmp_path / "trt.db"
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6207)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)
        await person.wait("did not work")
    # The state a crash leaves between the notice going out and its "notified" mark.
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("UPDATE jobs SET notified_at = NULL WHERE user_id = 6207")
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        await emu.wait_until(lambda: True if times_said(emu, 6207, "did not work") > 1 else None, 5)
        assert app.services is not None
        await app.services.engine.notices.drain()
    sent = [c for c in emu.calls_to("sendMessage") if "did not work" in c.params.get("text", "")]
    assert sent == []  # the repeat found the message as it was: nothing new in the chat
    assert sum("did not work" in m.content for m in person.user.messages) == 1
    with contextlib.closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT notified_at FROM jobs WHERE user_id = 6207").fetchone()[0]
    assert ledger(database, 6207) == [("topup", 1000), ("charge", -PRICE), ("refund", PRICE)]
