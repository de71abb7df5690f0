"""Fixtures: an emulator, a real PTB Bot wired to it in-process, a running PTB Application."""

from __future__ import annotations

import contextlib
import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from trt_local.emulator import TelegramEmulator
from trt_local.emulator.request import BASE_FILE_URL, BASE_URL, EmulatorRequest

TOKEN = "123456:DEMO-token"


def png(width: int, height: int) -> bytes:
    """A real (tiny, solid red) PNG of the given size."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_bot(emu: TelegramEmulator, token: str = TOKEN) -> Bot:
    return Bot(
        token,
        request=EmulatorRequest(emu),
        get_updates_request=EmulatorRequest(emu),
        base_url=BASE_URL,
        base_file_url=BASE_FILE_URL,
    )


def make_app(emu: TelegramEmulator) -> Application:  # type: ignore[type-arg]
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(BASE_URL)
        .base_file_url(BASE_FILE_URL)
        .request(EmulatorRequest(emu))
        .get_updates_request(EmulatorRequest(emu))
        .job_queue(None)
        .build()
    )


@contextlib.asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Start the app and its polling the way the product does (no run_polling), stop in order."""
    try:
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


@pytest.fixture
def emu() -> TelegramEmulator:
    return TelegramEmulator(TOKEN, clock=lambda: 1_700_000_000.0)


@pytest.fixture
async def bot(emu: TelegramEmulator) -> AsyncIterator[Bot]:
    async with make_bot(emu) as started:
        yield started
