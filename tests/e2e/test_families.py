"""Runway, Flux Kontext and 4o Image end to end: the real bot, the emulator, the sandbox.

Each family's model is picked, created through its own endpoint, polled in its own encoding and
delivered; a failed task is refunded and explained. The catalog is chosen here (the packaged one
is being rewritten elsewhere): entries shaped like models.json's, with the families' field names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import JumpClock, ledger, running_bot, times_said
from tests.e2e.journeys import ADMIN, Person, next_step, topup
from trt_local import app as app_module
from trt_local.core.catalog import load_catalog
from trt_local.emulator import EmulatedUser, TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.kie.sandbox_media import render_png

PHOTO = render_png(64, 48, hashlib.sha256(b"family-photo").digest())

PRICING = {"unit": "run", "by": [], "per": None, "source": "test", "confidence": "high"}


def entry(
    model_id: str, title: str, category: str, endpoint: str, output: str, *inputs: Any
) -> dict[str, Any]:
    return {
        "id": model_id,
        "title": title,
        "category": category,
        "endpoint": endpoint,
        "inputs": list(inputs),
        "output": output,
        "pricing": {**PRICING, "base_credits": 12},
        "free": False,
        "doc_status": "listed",
        "notes": "",
    }


def enum(name: str, values: list[Any], default: Any, *, required: bool = True) -> dict[str, Any]:
    return {"name": name, "type": "enum", "required": required, "enum": values, "default": default}


PROMPT = {"name": "prompt", "type": "string", "required": True, "max_length": 1800}
CATALOG = [
    entry(
        "runway",
        "Runway",
        "text-to-video",
        "runway",
        "video",
        PROMPT,
        enum("duration", [5, 10], 5),
        enum("quality", ["720p", "1080p"], "720p"),
        enum("aspectRatio", ["16:9", "9:16"], "16:9", required=False),
    ),
    entry(
        "flux-kontext-pro",
        "FLUX Kontext",
        "image-edit",
        "flux-kontext",
        "image",
        {"name": "inputImage", "type": "image_url", "required": False},
        PROMPT,
        {
            "name": "safetyTolerance",
            "type": "int",
            "required": False,
            "default": 6,
            "min": 0,
            "max": 6,
        },
    ),
    entry(
        "gpt4o-image",
        "GPT-4o Image",
        "text-to-image",
        "gpt4o-image",
        "image",
        PROMPT,
        enum("size", ["1:1", "3:2", "2:3"], "1:1"),
    ),
]


@pytest.fixture(autouse=True)
def family_catalog(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The bot runs with the three families' models (its configuration, not a mock)."""
    catalog = load_catalog(CATALOG)
    assert catalog.problems == ()
    monkeypatch.setattr(app_module, "default_catalog", lambda: catalog)
    yield


def money(home: Path, user_id: int) -> list[tuple[str, int]]:
    return ledger(home / "trt.db", user_id)


async def media(user: EmulatedUser, kind: str, count: int) -> None:
    await user.wait_for(
        lambda m: sum(x.media_kind == kind for x in user.messages) >= count, timeout=20
    )


async def runway_job(person: Person) -> None:
    await person.open_model("Text to video", "Runway")
    await person.send("a cat dances in the rain")
    await person.press("10")
    await person.press("720p")
    await person.press("9:16")
    await person.confirm()


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


async def flux_edit(person: Person, prompt: str) -> None:
    question = await person.open_model("Image editing", "FLUX Kontext")
    assert "Send a photo" in question.content
    await person.user.send_photo(PHOTO)
    await person.user.wait_for(lambda m: "prompt" in m.content and "Send a photo" not in m.content)
    await person.send(prompt)
    await person.confirm()


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


async def gpt4o_job(person: Person, prompt: str) -> None:
    await person.open_model("Text to image", "GPT-4o Image")
    await person.send(prompt)
    await person.press("2:3")
    await person.confirm()


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
