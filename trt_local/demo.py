"""``trt demo``: the whole bot offline — the Telegram emulator, the Kie sandbox, a chat pane.

Nothing leaves the process: the bot talks to an in-process :class:`TelegramEmulator` through
``EmulatorRequest`` and to Kie through the sandbox transport; there is no token, key or network.
The data lives in a temporary folder (deleted at exit) unless ``--home`` names one. You are the
emulated user :data:`DEMO_USER_ID`, an admin of the demo bot. With a terminal the dashboard opens
with an extra Chat screen; without one (piped), the bot runs headless until SIGTERM or SIGINT
(Ctrl+C; on Windows also Ctrl+Break or closing the console).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from trt_local.app import TrtApp
from trt_local.config import Settings
from trt_local.emulator import ChatEvent, EmulatedUser, TelegramEmulator
from trt_local.emulator.request import BASE_FILE_URL, BASE_URL, EmulatorRequest
from trt_local.kie import KieSandbox
from trt_local.lock import InstanceLock
from trt_local.logs import close_logging, setup_logging
from trt_local.paths import resolve_paths
from trt_local.platform_signals import HEADLESS, StopSignals
from trt_local.storage.access import check_writable

if TYPE_CHECKING:
    from tui.navigation import ScreenSpec

log = logging.getLogger("trt.demo")

DEMO_TOKEN = "123456:DEMO-offline-token-not-secret"
DEMO_USER_ID = 1001
DEMO_USER_NAME = "Demo"
SANDBOX_SPEED = 0.5  # an image takes about 4 s: long enough to watch it move through the queue


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """Everything one demo session runs on."""

    emulator: TelegramEmulator
    app: TrtApp
    user: EmulatedUser
    results_dir: Path


def demo_settings(home: Path) -> Settings:
    return Settings(
        paths=resolve_paths({}, home=home),
        telegram_token=DEMO_TOKEN,
        telegram_api_base=BASE_URL,
        telegram_file_base=BASE_FILE_URL,
        admin_ids=frozenset({DEMO_USER_ID}),
        sandbox=True,
        demo=True,
    )


def build_demo(
    home: Path,
    *,
    clock: Callable[[], float] = time.time,
    sandbox: KieSandbox | None = None,
) -> DemoWorld:
    """The emulator, the bot wired to it (not started) and the demo user."""
    settings = demo_settings(home)
    settings.paths.ensure()
    emulator = TelegramEmulator(
        DEMO_TOKEN, bot_username="trt_demo_bot", file_folder=home / "emulator-files"
    )
    app = TrtApp(
        settings,
        requests=(EmulatorRequest(emulator), EmulatorRequest(emulator)),
        kie_sandbox=sandbox or KieSandbox(speed=SANDBOX_SPEED),
        clock=clock,
    )
    user = emulator.user(DEMO_USER_ID, DEMO_USER_NAME, language_code="en", username="demo_user")
    return DemoWorld(emulator, app, user, home / "results")


@contextlib.contextmanager
def demo_home(home: Path | None) -> Iterator[Path]:
    """``home`` as given, or a temporary folder removed afterwards."""
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
        yield home
        return
    # Windows refuses to delete a file something still holds (an antivirus scan, say): what is left
    # in the temporary folder then is the OS's to clean, not a traceback at the end of the demo.
    with tempfile.TemporaryDirectory(prefix="trt-demo-", ignore_cleanup_errors=True) as folder:
        yield Path(folder)


def run_demo(home: Path | None, *, headless: bool) -> int:
    if home is not None:  # a read-only folder or a full disk: StorageUnavailable, exit 2
        check_writable(home, demo_settings(home).paths.database)
    with demo_home(home) as folder:
        world = build_demo(folder)
        paths = world.app.settings.paths
        lock = InstanceLock(paths.lock_file)
        lock.acquire()  # two demos on one --home would share a database
        try:
            formatter = setup_logging(paths.log_file, to_stderr=headless)
            log.info("demo data in %s", folder)
            if headless:
                return asyncio.run(_headless(world))
            from trt_local.runner import dashboard_session
            from tui.navigation import default_screens

            # The chat first: a newcomer's first step is to talk to the bot.
            screens = (*chat_screens(world), *default_screens())
            return asyncio.run(dashboard_session(world.app, formatter, screens=screens))
        finally:
            lock.release()
            close_logging()  # the log file is in the folder that is removed next


def chat_screens(world: DemoWorld) -> tuple[ScreenSpec, ...]:
    """The Chat screen spec for the dashboard (built late: it imports Textual)."""
    from tui.chat_files import ResultFiles
    from tui.navigation import ScreenSpec
    from tui.screens.chat import ChatScreen

    files = ResultFiles(world.emulator, world.results_dir)
    return (
        ScreenSpec(
            "chat",
            "Chat",
            "f6",
            "Talk to the bot as a Telegram user",
            lambda context: ChatScreen(context, world.emulator, world.user, files),
        ),
    )


async def _headless(world: DemoWorld) -> int:
    from tui.chat_files import ResultFiles

    stop = asyncio.Event()
    signals = StopSignals(stop.set, HEADLESS)
    signals.install()
    files = ResultFiles(world.emulator, world.results_dir)

    def save_results(event: ChatEvent) -> None:
        if event.kind in ("message", "edit"):
            for where in files.save_all(world.user.messages):
                log.info("result saved: %s", where)

    unsubscribe = world.emulator.on_change(save_results)
    try:
        await world.app.start()
        log.info("demo bot @%s is running headless; stop it with Ctrl+C", world.app.bot_username)
        await stop.wait()
    finally:
        unsubscribe()
        await world.app.stop()
        signals.restore()
    return 0
