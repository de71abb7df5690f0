"""A Suno request whose bot process dies between its two tracks: after the restart, only the second
track is sent (the first was recorded as sent), each with its title and cover.

The real ``python -m trt_local run --headless`` runs against the Telegram emulator and the Kie
sandbox served on 127.0.0.1 (see test_crash_points.py), with the packaged catalog's Suno entry: a
process cannot take a test's catalog, so the journey uses the entry's title prefix and the two
switches every Suno entry has (custom mode, instrumental), typed as answers to stay within the
anti-flood burst.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import JumpClock, consistency_violations
from tests.e2e.journeys import Person
from tests.e2e.test_crash_points import ADMIN, START_S, Loopback, bot, crashed, stop
from trt_local.core import crashpoints
from trt_local.emulator import EmulatedUser, EmulatorServer, TelegramEmulator
from trt_local.kie import KieSandbox, KieSandboxServer
from trt_local.kie.sandbox_suno import cover


@pytest.fixture
async def suno_loopback(emu: TelegramEmulator, tmp_path: Path) -> AsyncIterator[Loopback]:
    # speed=0: the task is done at its first poll.
    async with EmulatorServer(emu) as telegram, KieSandboxServer(KieSandbox(speed=0)) as kie:
        yield Loopback(emu, telegram, kie, tmp_path)


def sent_tracks(emu: TelegramEmulator, user: EmulatedUser) -> list[tuple[str, str, bytes]]:
    """Every audio message the user got: (title, sound digest, thumbnail bytes)."""
    tracks = []
    for message in user.messages:
        if message.media_kind != "audio" or message.file_id is None:
            continue
        audio = message.raw["audio"]
        sound = emu.state.files.get(message.file_id)
        thumb = emu.state.files.get(audio["thumbnail"]["file_id"])
        assert sound is not None and thumb is not None
        digest = hashlib.sha256(emu.file_bytes(sound.file_path)).hexdigest()
        tracks.append((audio["title"], digest, emu.file_bytes(thumb.file_path)))
    return tracks


async def test_a_restart_between_the_two_tracks_sends_only_the_second(
    suno_loopback: Loopback,
) -> None:
    loop, clock = suno_loopback, JumpClock()
    emu = loop.emu
    ann = Person(emu.user(6101, "Ann", language_code="en"), clock)
    boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
    async with bot(loop, TRT_CRASH_AT=crashpoints.BETWEEN_FILES) as proc:
        await ann.open_model("Audio and voice", "Suno")
        await boss.send("/topup 6101 100 crash suite")
        await boss.wait("to user 6101")
        await ann.send("a calm song about rain")
        await ann.wait("Custom mode")
        await ann.send("no")
        await ann.wait("Instrumental")
        await ann.send("no")
        await ann.wait("Choose the model")
        await ann.press("V5")
        await ann.confirm()
        await crashed(proc, crashpoints.BETWEEN_FILES)
    first = sent_tracks(emu, ann.user)
    assert len(first) == 1, "the process died after the first track"

    async with bot(loop) as proc:
        await ann.wait("done!", timeout=START_S)
        await stop(proc)

    tracks = sent_tracks(emu, ann.user)
    assert len(tracks) == 2 and tracks[0] == first[0], "the first track is not sent again"
    assert [title for title, _, _ in tracks] == ["A calm song about"] * 2
    assert tracks[0][1] != tracks[1][1]  # two takes
    assert [thumb for _, _, thumb in tracks] == [cover(1), cover(2)]
    assert consistency_violations(loop.home / "trt.db") == []
    assert len(loop.kie.sandbox.created) == 1
