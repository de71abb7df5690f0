"""Runway, Flux Kontext and 4o Image end to end: the real bot, the emulator, the sandbox.

Each family's model is picked, created through its own endpoint, polled in its own encoding and
delivered; a failed task is refunded and explained.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.family_journeys import (
    PHOTO,
    flux_edit,
    gpt4o_job,
    media,
    money,
    runway_job,
    use_family_catalog,
)
from tests.e2e.harness import JumpClock, running_bot, times_said
from tests.e2e.journeys import ADMIN, Person, next_step, topup
from trt_local.emulator import TelegramEmulator
from trt_local.kie import KieSandbox


@pytest.fixture(autouse=True)
def family_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    use_family_catalog(monkeypatch)


async def test_runway_video_is_created_polled_and_delivered(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        ann = Person(emu.user(7001, "Ann", language_code="en"), clock)
        await ann.send("/start")
        await topup(emu, clock, 7001, "100")
        await runway_job(ann)
        await ann.wait("queued")
        next_step(app, clock)
        await media(ann.user, "video", 1)
        await ann.wait("done!")
    [created] = sandbox.created
    assert created.input == {
        "prompt": "a cat dances in the rain",
        "duration": 10,
        "quality": "720p",
        "aspectRatio": "9:16",
    }
    assert any(r.url.endswith("/api/v1/runway/record-detail") for r in sandbox.requests)
    [(_, _), (kind, charge)] = money(tmp_path, 7001)
    assert kind == "charge" and charge < 0


async def test_a_failed_runway_video_is_refunded_and_explained(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("500", "Generation failed, please try again later", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        bob = Person(emu.user(7002, "Bob", language_code="en"), clock)
        await bob.send("/start")
        await topup(emu, clock, 7002, "100")
        await runway_job(bob)
        next_step(app, clock)
        failed = await bob.wait("did not work", timeout=20)
        assert "could not complete the request" in failed.content and "Refunded" in failed.content
    (_, _), (_, charge), refund = money(tmp_path, 7002)
    assert refund == ("refund", -charge)
    assert times_said(emu, 7002, "did not work") == 1


async def test_flux_kontext_edits_the_users_uploaded_photo(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        cid = Person(emu.user(7003, "Cid", language_code="en"), clock)
        await cid.send("/start")
        await topup(emu, clock, 7003, "100")
        await flux_edit(cid, "make the sky purple")
        await cid.wait("queued")
        next_step(app, clock)
        await media(cid.user, "photo", 1)
        await cid.wait("done!")
    [upload] = sandbox.uploads
    assert upload.content == PHOTO
    [created] = sandbox.created
    assert created.model == "flux-kontext-pro"
    assert created.input["inputImage"] == upload.url  # Kie's copy, never a Telegram URL
    assert any(r.url.endswith("/api/v1/flux/kontext/record-info") for r in sandbox.requests)


async def test_a_failed_flux_edit_is_refunded(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("400", "Your prompt was flagged by the content policy", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        dee = Person(emu.user(7004, "Dee", language_code="en"), clock)
        await dee.send("/start")
        await topup(emu, clock, 7004, "100")
        await flux_edit(dee, "something forbidden")
        next_step(app, clock)
        failed = await dee.wait("did not work", timeout=20)
        assert "rules rejected the request" in failed.content and "Refunded" in failed.content
    (_, _), (_, charge), refund = money(tmp_path, 7004)
    assert refund == ("refund", -charge)


async def test_4o_image_is_created_polled_and_delivered(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        eve = Person(emu.user(7005, "Eve", language_code="en"), clock)
        await eve.send("/start")
        await topup(emu, clock, 7005, "100")
        await gpt4o_job(eve, "a paper boat")
        next_step(app, clock)
        await media(eve.user, "photo", 1)
        await eve.wait("done!")
    [created] = sandbox.created
    assert created.input["size"] == "2:3" and created.input["prompt"] == "a paper boat"
    assert any(r.url.endswith("/api/v1/gpt4o-image/record-info") for r in sandbox.requests)


async def test_a_failed_4o_image_is_refunded(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks("500", "GPT generation failed", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        fay = Person(emu.user(7006, "Fay", language_code="en"), clock)
        await fay.send("/start")
        await topup(emu, clock, 7006, "100")
        await gpt4o_job(fay, "a paper boat")
        next_step(app, clock)
        failed = await fay.wait("did not work", timeout=20)
        assert "Refunded" in failed.content and "🔁 Again" in failed.button_texts
    (_, _), (_, charge), refund = money(tmp_path, 7006)
    assert refund == ("refund", -charge)
