"""Suno end to end: the real bot, the emulator, the real Kie client over the sandbox's Suno family.

Every request gives two tracks; each is delivered as an audio message with its title, its length
and its cover as the thumbnail. The catalog is the test's own Suno entry (the packaged one is the
catalog owner's), so the journey does not move when prices or titles there change.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import JumpClock, ledger, running_bot
from tests.e2e.journeys import ADMIN, Person, topup
from trt_local import app as app_module
from trt_local.core.catalog import load_catalog
from trt_local.emulator import ChatMessage, EmulatedUser, TelegramEmulator
from trt_local.kie import KieSandbox
from trt_local.kie.sandbox_suno import cover

CUSTOM = {"customMode": True}  # Kie: style and title are required in custom mode
SUNO = {
    "id": "V5",
    "title": "Suno V5 (music)",
    "category": "audio",
    "endpoint": "suno",
    "inputs": [
        {"name": "prompt", "type": "string", "required": True, "max_length": 500},
        {"name": "customMode", "type": "bool", "required": True, "default": False},
        {"name": "instrumental", "type": "bool", "required": True, "default": False},
        {"name": "style", "type": "string", "max_length": 1000, "required_when": CUSTOM},
        {"name": "title", "type": "string", "max_length": 80, "required_when": CUSTOM},
    ],
    "output": "audio",
    "pricing": {"unit": "run", "base_credits": 12, "by": [], "per": None, "confidence": "high"},
    "free": False,
    "doc_status": "listed",
}
PRICE = 944  # 12 credits at the default rate and markup: ₽9.44


@pytest.fixture(autouse=True)
def suno_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog([SUNO])
    assert catalog.problems == ()
    monkeypatch.setattr(app_module, "default_catalog", lambda: catalog)


def audios(user: EmulatedUser) -> list[ChatMessage]:
    return [m for m in user.messages if m.media_kind == "audio"]


async def tracks(user: EmulatedUser, count: int) -> list[ChatMessage]:
    await user.wait_for(lambda m: len(audios(user)) >= count, timeout=20)
    return audios(user)


def thumbnail_bytes(emu: TelegramEmulator, message: ChatMessage) -> bytes:
    stored = emu.state.files.get(message.raw["audio"]["thumbnail"]["file_id"])
    assert stored is not None
    return emu.file_bytes(stored.file_path)


async def paid_user(emu: TelegramEmulator, clock: JumpClock, user_id: int, name: str) -> Person:
    person = Person(emu.user(user_id, name, language_code="en"), clock)
    await person.send("/start")
    await topup(emu, clock, user_id, "100")
    await person.wait("topped up by ₽100")
    return person


def assert_two_tracks(emu: TelegramEmulator, messages: list[ChatMessage], title: str) -> None:
    assert len(messages) == 2
    for n, message in enumerate(messages, start=1):
        audio: dict[str, Any] = message.raw["audio"]
        assert (audio["title"], audio["performer"]) == (title, "Suno V5 (music)")
        assert audio["duration"] == 2
        assert (audio["thumbnail"]["width"], audio["thumbnail"]["height"]) == (300, 300)
        assert thumbnail_bytes(emu, message) == cover(n)  # each take with its own cover
    sounds = {hashlib.sha256(emu.file_bytes(_path(emu, m))).digest() for m in messages}
    assert len(sounds) == 2  # two different takes, not one sent twice


def _path(emu: TelegramEmulator, message: ChatMessage) -> str:
    assert message.file_id is not None
    stored = emu.state.files.get(message.file_id)
    assert stored is not None
    return stored.file_path


async def test_simple_mode_delivers_two_tracks_with_title_and_cover(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        ann = await paid_user(emu, clock, 4101, "Ann")
        question = await ann.open_model("Audio and voice", "Suno V5")
        assert "500" in question.content
        await ann.send("a calm song about rain")
        mode = await ann.wait("Custom mode")
        assert {"Yes", "No"} <= set(mode.button_texts)
        await ann.press("No")
        await ann.wait("Instrumental")
        await ann.press("No")
        screen = await ann.wait_button("✅ Confirm")
        assert "₽9.44" in screen.content
        await ann.confirm()
        await ann.wait("queued")
        clock.jump(5)
        app.services.engine.wake()
        messages = await tracks(ann.user, 2)
        await ann.wait("done!")
    assert_two_tracks(emu, messages, "A calm song about")
    [created] = sandbox.created
    assert (created.model, created.input) == (
        "V5",
        {
            "prompt": "a calm song about rain",
            "customMode": False,
            "instrumental": False,
            "model": "V5",
        },
    )
    assert ledger(tmp_path / "trt.db", 4101) == [("topup", 10000), ("charge", -PRICE)]


async def test_custom_mode_asks_style_and_title_and_delivers_two_tracks_named_so(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        cid = await paid_user(emu, clock, 4103, "Cid")
        await cid.open_model("Audio and voice", "Suno V5")
        await cid.send("[Verse] Rain on the window, slow and grey")
        await cid.press("Yes")
        await cid.wait("Instrumental")
        await cid.press("No")
        style = await cid.wait("Send the style")
        # Custom mode needs it: no way past it without an answer.
        assert not any(b.startswith(("Skip", "Default")) for b in style.button_texts)
        await cid.send("lo-fi, piano")
        await cid.wait("Send the title")
        await cid.send("Window Rain")
        screen = await cid.wait_button("✅ Confirm")
        assert "• title: Window Rain" in screen.content
        await cid.confirm()
        await cid.wait("queued")
        clock.jump(5)
        app.services.engine.wake()
        messages = await tracks(cid.user, 2)
        await cid.wait("done!")
    assert_two_tracks(emu, messages, "Window Rain")
    [created] = sandbox.created
    assert created.input == {
        "prompt": "[Verse] Rain on the window, slow and grey",
        "customMode": True,
        "instrumental": False,
        "style": "lo-fi, piano",
        "title": "Window Rain",
        "model": "V5",
    }


async def test_a_sensitive_word_refusal_is_told_as_such_and_refunded(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    sandbox.fail_tasks(fail_code="SENSITIVE_WORD_ERROR", fail_msg="", count=1)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox) as app:
        bea = await paid_user(emu, clock, 4102, "Bea")
        await bea.open_model("Audio and voice", "Suno V5")
        await bea.send("a song with words Kie will not take")
        await bea.press("No")
        await bea.wait("Instrumental")
        await bea.press("No")
        await bea.confirm()
        await bea.wait("queued")
        clock.jump(5)
        app.services.engine.wake()
        told = await bea.wait("it did not work")
    assert "The model's rules rejected the request" in told.content
    assert "Refunded: ₽9.44" in told.content
    assert audios(bea.user) == []
    assert ledger(tmp_path / "trt.db", 4102) == [
        ("topup", 10000),
        ("charge", -PRICE),
        ("refund", PRICE),
    ]
