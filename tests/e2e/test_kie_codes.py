"""Kie's §12 codes end to end: what the user reads in the chat, and that the money comes back.

451 (Kie could not fetch the uploaded photo) and 550 (Kie's queue is full), each as the create
answer and as a task's error code, through the real bot, the emulator and the sandbox. (All the
codes on the fake clock: tests/services/test_kie_codes.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.family_journeys import flux_edit, gpt4o_job, media, money, use_family_catalog
from tests.e2e.harness import JumpClock, running_bot, times_said
from tests.e2e.journeys import ADMIN, Person, next_step, topup
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox

UNREACHABLE = "Kie could not open your file: the upload expired or is unreachable. Send it again."
BUSY = "Kie's queue is full. Try again in a few minutes."


@pytest.fixture(autouse=True)
def family_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    use_family_catalog(monkeypatch)


def creates(sandbox: KieSandbox) -> int:
    return sum(r.url.endswith("/generate") for r in sandbox.requests)


@pytest.mark.parametrize("where", ["create", "task"])
async def test_an_unreachable_upload_is_refunded_and_the_user_asked_to_send_it_again(
    emu: TelegramEmulator, tmp_path: Path, where: str
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    if where == "create":
        sandbox.fail_next("create", 451, message="Failed to download the image from inputImage")
    else:
        sandbox.fail_tasks("451", "Failed to download the image from inputImage", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        gus = Person(emu.user(7101, "Gus", language_code="en"), clock)
        await gus.send("/start")
        await topup(emu, clock, 7101, "100")
        await flux_edit(gus, "make the sky purple")
        await creates_sent_to(emu, sandbox)
        next_step(app, clock)
        failed = await gus.wait("did not work", timeout=20)
        assert UNREACHABLE in failed.content and "Refunded" in failed.content
    assert creates(sandbox) == 1  # a 451 create is final: not sent again
    assert times_said(emu, 7101, "did not work") == 1
    (_, _), (_, charge), refund = money(tmp_path, 7101)
    assert refund == ("refund", -charge)


async def test_a_task_failing_with_a_full_queue_is_refunded_and_explained(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("550", "queue is full", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        hal = Person(emu.user(7102, "Hal", language_code="en"), clock)
        await hal.send("/start")
        await topup(emu, clock, 7102, "100")
        await gpt4o_job(hal, "a paper boat")
        next_step(app, clock)
        failed = await hal.wait("did not work", timeout=20)
        assert BUSY in failed.content and "Refunded" in failed.content
    (_, _), (_, charge), refund = money(tmp_path, 7102)
    assert refund == ("refund", -charge)


async def test_a_create_turned_away_by_a_full_queue_is_sent_again_and_delivered_once(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_next("create", 550, message="queue is full")
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        ivy = Person(emu.user(7103, "Ivy", language_code="en"), clock)
        await ivy.send("/start")
        await topup(emu, clock, 7103, "100")
        await gpt4o_job(ivy, "a paper boat")
        await ivy.wait("queued")
        # The client waits out the refusal (up to the 5 s maintenance backoff) and sends it again.
        await emu.wait_until(lambda: [1] if sandbox.created else None, timeout=20)
        next_step(app, clock)
        await media(ivy.user, "photo", 1)
        await ivy.wait("done!")
    assert creates(sandbox) == 2 and len(sandbox.created) == 1  # one task, one charge
    assert times_said(emu, 7103, "did not work") == 0
    [(_, _), (kind, _)] = money(tmp_path, 7103)
    assert kind == "charge"


async def creates_sent_to(emu: TelegramEmulator, sandbox: KieSandbox) -> None:
    """Wait until the bot has sent its create (to any family's endpoint)."""
    await emu.wait_until(lambda: True if creates(sandbox) else None, timeout=10)
