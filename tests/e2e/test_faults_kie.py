"""Kie.ai faults end to end: what the user sees, and that the money is right.

Real Application, the Telegram emulator, the real Kie client over the sandbox. Faults whose
handling waits inside the Kie client (429/455 bursts, poll errors retried with backoff) are proven
on the fake clock in tests/services/test_faults_kie.py; here are the ones the engine decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import JumpClock, job_statuses, ledger, running_bot, times_said
from tests.e2e.journeys import (
    ADMIN,
    PRICE,
    REFUNDED,
    creates_sent,
    next_step,
    paid_job,
    photos,
)
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox

LOST = {
    "500": lambda sandbox, n: sandbox.fail_next("create", 500, times=n),
    "timeout": lambda sandbox, n: sandbox.drop_response_next(n, operation="create"),
}


@pytest.mark.parametrize("fault", sorted(LOST))
async def test_a_create_that_may_have_reached_kie_is_tried_once_more_and_charged_once(
    emu: TelegramEmulator, tmp_path: Path, fault: str
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        LOST[fault](sandbox, 1)
        person = await paid_job(emu, clock, 6001)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)  # the one retry
        await creates_sent(emu, sandbox, 2)
        next_step(app, clock)  # the first poll: done
        await photos(person.user, 1)
        await person.wait("done!")
    assert sum(m.media_kind == "photo" for m in person.user.messages) == 1
    assert times_said(emu, 6001, "did not work") == 0
    assert ledger(tmp_path / "trt.db", 6001) == [("topup", 1000), ("charge", -PRICE)]


@pytest.mark.parametrize("fault", sorted(LOST))
async def test_a_create_lost_twice_is_refunded_once_and_said_once(
    emu: TelegramEmulator, tmp_path: Path, fault: str
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        LOST[fault](sandbox, 2)
        person = await paid_job(emu, clock, 6002)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)
        failed = await person.wait("did not work")
        assert "could not complete the request" in failed.content
        assert REFUNDED in failed.content and "🔁 Again" in failed.button_texts
        next_step(app, clock, 600)  # no third create, nothing more to say
        assert app.services is not None
        await app.services.engine.run_once()
    assert sum(r.url.endswith("/createTask") for r in sandbox.requests) == 2
    assert times_said(emu, 6002, "did not work") == 1
    assert ledger(tmp_path / "trt.db", 6002) == [
        ("topup", 1000),
        ("charge", -PRICE),
        ("refund", PRICE),
    ]


@pytest.mark.parametrize(("code", "alert"), [(401, "kie_unauthorized"), (402, "kie_no_credits")])
async def test_an_account_problem_alerts_the_admin_once_and_refunds_every_user(
    emu: TelegramEmulator, tmp_path: Path, code: int, alert: str
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_next("create", code, times=100)
    users = (6011, 6012, 6013)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        for user_id in users:
            person = await paid_job(emu, clock, user_id)
            failed = await person.wait("did not work")
            assert "temporarily unavailable" in failed.content and REFUNDED in failed.content
        boss = emu.user(ADMIN)
        await boss.wait_for(lambda m: "Kie.ai problem" in m.content)
    alerts = [m.content for m in boss.messages if "Kie.ai problem" in m.content]
    assert len(alerts) == 1 and alert in alerts[0]
    assert sandbox.created == []
    for user_id in users:
        assert times_said(emu, user_id, "did not work") == 1
        assert ledger(tmp_path / "trt.db", user_id) == [
            ("topup", 1000),
            ("charge", -PRICE),
            ("refund", PRICE),
        ]


async def test_a_content_policy_failure_says_so_and_refunds(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("400", "Your prompt was flagged by the content policy", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6021)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)  # the poll finds the task failed
        failed = await person.wait("did not work")
        assert "rules rejected the request" in failed.content
        assert REFUNDED in failed.content
    assert times_said(emu, 6021, "did not work") == 1
    assert not any("Kie.ai problem" in m.content for m in emu.user(ADMIN).messages)
    assert ledger(tmp_path / "trt.db", 6021) == [
        ("topup", 1000),
        ("charge", -PRICE),
        ("refund", PRICE),
    ]


async def test_an_expired_result_url_is_refunded_and_said_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_next("download", 404, message="Not Found")  # Kie's file link has expired
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6031)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)
        failed = await person.wait("did not work")
        assert "returned no result" in failed.content and REFUNDED in failed.content
    assert not any(m.media_kind for m in person.user.messages)
    assert times_said(emu, 6031, "did not work") == 1
    assert job_statuses(tmp_path / "trt.db", 6031) == ["failed"]
    assert ledger(tmp_path / "trt.db", 6031) == [
        ("topup", 1000),
        ("charge", -PRICE),
        ("refund", PRICE),
    ]


async def test_a_result_over_50_mb_is_sent_as_a_link_and_stays_paid(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.oversize_results(51 * 1024 * 1024)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        person = await paid_job(emu, clock, 6041)
        await creates_sent(emu, sandbox, 1)
        next_step(app, clock)
        link = await person.wait("too big for Telegram")
        await person.wait("done!")
    [task] = sandbox.created
    assert f"https://sandbox.kie.invalid/files/{task.task_id}/1.png" in link.content
    assert not any(m.media_kind for m in person.user.messages)  # nothing uploaded
    assert job_statuses(tmp_path / "trt.db", 6041) == ["delivered"]
    assert ledger(tmp_path / "trt.db", 6041) == [("topup", 1000), ("charge", -PRICE)]
