"""sendAudio's title, performer, duration and thumbnail, as Telegram keeps them (Bot API sendAudio:
the thumbnail is a JPEG under 200 kB, at most 320×320, uploaded with the audio; others are ignored).
"""

from __future__ import annotations

import pytest
from telegram import Bot

from tests.emulator.conftest import png
from trt_local.emulator import TelegramEmulator
from trt_local.kie.sandbox_media import render_wav
from trt_local.kie.sandbox_suno import cover


def resized(jpeg: bytes, width: int, height: int) -> bytes:
    at = jpeg.index(b"\xff\xc0") + 5  # SOF0: marker, length, precision, then height and width
    return jpeg[:at] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + jpeg[at + 4 :]


async def test_audio_keeps_title_performer_length_and_thumbnail(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(42)
    thumb = cover(1)

    sent = await bot.send_audio(
        42,
        render_wav(1.0, 440.0),
        filename="1.wav",
        title="Window Rain",
        performer="Suno V5 (music)",
        duration=2,
        thumbnail=thumb,
    )

    assert sent.audio is not None and sent.audio.thumbnail is not None
    assert (sent.audio.title, sent.audio.performer) == ("Window Rain", "Suno V5 (music)")
    assert sent.audio.duration.total_seconds() == 2  # type: ignore[union-attr]
    shown = sent.audio.thumbnail
    assert (shown.width, shown.height, shown.file_size) == (300, 300, len(thumb))
    file = await bot.get_file(shown.file_id)
    assert bytes(await file.download_as_bytearray()) == thumb
    assert ann.last is not None and ann.last.raw["audio"]["title"] == "Window Rain"


@pytest.mark.parametrize(
    "thumb",
    [resized(cover(1), 640, 640), cover(1) + bytes(200 * 1024), png(100, 100)],
    ids=["640x640", "over-200kB", "png"],
)
async def test_a_thumbnail_outside_the_rules_is_ignored_not_refused(
    emu: TelegramEmulator, bot: Bot, thumb: bytes
) -> None:
    emu.user(42)

    sent = await bot.send_audio(42, render_wav(1.0, 440.0), title="Song", thumbnail=thumb)

    assert sent.audio is not None and sent.audio.title == "Song"
    assert sent.audio.thumbnail is None
