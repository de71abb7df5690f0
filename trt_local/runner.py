"""Process-level runners: the bot headless (signals → stop event), the emulator, backups.

The dashboard runner (issue 4) will sit beside ``run_headless`` and differ only in what it awaits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from trt_local.config import ConfigError, Settings, redact_token
from trt_local.lock import InstanceLock
from trt_local.logs import setup_logging
from trt_local.paths import Paths

log = logging.getLogger("trt.runner")


def run_bot(settings: Settings, *, headless: bool) -> int:
    settings.paths.ensure()
    lock = InstanceLock(settings.paths.lock_file(settings.telegram_token))
    lock.acquire()  # AlreadyRunning → exit 3 in the CLI
    try:
        setup_logging(settings.paths.log_file, secrets=settings.secrets, to_stderr=True)
        log.info(
            "starting trt (token %s, data %s)",
            redact_token(settings.telegram_token),
            settings.paths.data_dir,
        )
        return asyncio.run(run_headless(settings))
    finally:
        lock.release()


async def run_headless(settings: Settings) -> int:
    from telegram.error import NetworkError

    from trt_local.app import TrtApp

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
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
    return 0


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
