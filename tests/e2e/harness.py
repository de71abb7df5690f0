"""Running the real TrtApp (real PTB Application, real SQLite) against the Telegram emulator."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

from trt_local.app import TrtApp
from trt_local.config import Settings
from trt_local.emulator import TelegramEmulator
from trt_local.emulator.request import BASE_FILE_URL, BASE_URL, EmulatorRequest
from trt_local.paths import resolve_paths

TOKEN = "123456:DEMO-token-for-tests"


def make_settings(home: Path, *, admin_ids: Iterable[int] = (), support: str = "") -> Settings:
    return Settings(
        paths=resolve_paths({}, home=home),
        telegram_token=TOKEN,
        telegram_api_base=BASE_URL,
        telegram_file_base=BASE_FILE_URL,
        admin_ids=frozenset(admin_ids),
        sandbox=True,
        support_contact=support,
    )


@contextlib.asynccontextmanager
async def running_bot(
    emu: TelegramEmulator,
    home: Path,
    *,
    admin_ids: Iterable[int] = (),
    clock: Callable[[], float] | None = None,
    support: str = "",
) -> AsyncIterator[TrtApp]:
    settings = make_settings(home, admin_ids=admin_ids, support=support)
    kwargs = {"clock": clock} if clock else {}
    app = TrtApp(settings, requests=(EmulatorRequest(emu), EmulatorRequest(emu)), **kwargs)
    try:
        await app.start()
        await emu.wait_polling()
        yield app
    finally:
        await app.stop()
