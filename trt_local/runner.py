"""Process-level runners: the bot headless or under the dashboard, the emulator, backups.

Both bot runners follow STACK-NOTES §3: the bot's ``stop()`` runs in ``finally`` and is safe after a
partial start. Headless awaits a stop event set by SIGINT/SIGTERM. The dashboard (variant A) is
awaited with SIGTERM/SIGHUP wired to its ``exit``; it starts the bot itself after its first frame
and shows a failed start instead of dying of it; its ``return_code`` is the exit status, so a
crashed dashboard never exits 0 (P5). Under the dashboard nothing is written to the terminal.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from trt_local.config import ConfigError, Settings, redact_token
from trt_local.lock import InstanceLock
from trt_local.logs import RedactingFormatter, setup_logging
from trt_local.paths import Paths
from trt_local.platform_signals import DASHBOARD, HEADLESS, StopSignals

if TYPE_CHECKING:
    from trt_local.app import TrtApp
    from tui.navigation import ScreenSpec

log = logging.getLogger("trt.runner")


def run_bot(settings: Settings, *, headless: bool) -> int:
    settings.paths.ensure()
    lock = InstanceLock(settings.paths.lock_file)
    lock.acquire()  # AlreadyRunning → exit 3 in the CLI
    try:
        formatter = setup_logging(
            settings.paths.log_file, secrets=settings.secrets, to_stderr=headless
        )
        log.info(
            "starting trt (token %s, data %s)",
            redact_token(settings.telegram_token),
            settings.paths.data_dir,
        )
        if headless:
            return asyncio.run(run_headless(settings))
        return asyncio.run(run_dashboard(settings, formatter))
    finally:
        lock.release()


async def run_headless(settings: Settings) -> int:
    from telegram.error import NetworkError

    from trt_local.app import TrtApp

    stop = asyncio.Event()
    signals = StopSignals(stop.set, HEADLESS)  # + Ctrl+Break and a closing console on Windows
    signals.install()
    app = TrtApp(settings)
    try:
        start = asyncio.create_task(app.start())
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({start, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if start in done:
            start.result()  # ConfigError (rejected token) propagates to the CLI → exit 2
            await stop.wait()
        else:
            start.cancel()
            await asyncio.gather(start, return_exceptions=True)
    except ConfigError:
        raise
    except NetworkError as exc:
        log.error("stopped before Telegram could be reached: %s", exc)
    finally:
        stopper.cancel()
        await app.stop()
        log.info("stopped")
        signals.restore()
    return 0


async def run_dashboard(settings: Settings, formatter: RedactingFormatter) -> int:
    """The bot inside the dashboard; returns the dashboard's exit status."""
    from trt_local.app import TrtApp

    return await dashboard_session(TrtApp(settings), formatter)


async def dashboard_session(
    app: TrtApp,
    formatter: RedactingFormatter,
    *,
    screens: Sequence[ScreenSpec] | None = None,
    headless: bool = False,
) -> int:
    """Run ``app`` under the dashboard until it quits; stop the bot whatever happens.

    ``headless`` runs the dashboard without drawing it (scripted checks and tests).
    """
    from tui.app import Dashboard
    from tui.logsink import LogSink

    sink = LogSink(formatter)
    root = logging.getLogger()
    root.addHandler(sink)
    dashboard = Dashboard(app, log_sink=sink, screens=screens)
    # Textual handles no signal itself (P6): SIGTERM/SIGHUP end it like ctrl+q, minus the question
    # (on Windows: Ctrl+Break and a closing console).
    signals = StopSignals(dashboard.exit, DASHBOARD)
    signals.install()
    try:
        await dashboard.run_async(headless=headless)
    finally:
        await app.stop()
        root.removeHandler(sink)
        log.info("stopped")
        signals.restore()
    return dashboard.return_code or 0


def run_first_setup(paths: Paths, env: Mapping[str, str]) -> bool:
    """The setup screen on a terminal; True once config.toml is written."""
    from trt_local.setup_wizard import SetupChecks
    from tui.setup_app import SetupApp

    paths.ensure()
    setup_logging(paths.log_file, to_stderr=False)  # nothing may print under the TUI (P8)
    app = SetupApp(SetupChecks.from_environment(paths, env), paths.config_file)
    saved = app.run()
    return bool(saved) and not app.return_code


def run_emulator(port: int, token: str) -> int:
    from trt_local.emulator.http import serve_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(serve_forever(port, token))
    return 0


def run_backup(paths: Paths, target: Path) -> int:
    from trt_local.storage.db import Database

    async def copy() -> None:
        db = await Database.open(paths.database)
        try:
            await db.backup_to(target)
        finally:
            await db.close()

    asyncio.run(copy())
    print(f"backup written to {target}")
    return 0
