"""``trt doctor``: one line per check; exit 0 only when every check passes.

A failing check is followed by its first offending rows, indented. ``warn`` lines (a parked delivery)
ask an admin to look but do not fail the run.

``trt doctor --kie`` instead compares the enabled models with what Kie reports
(:mod:`trt_local.services.kie_drift`): one line per difference, then "no drift" or a count; exit 0
with no drift, 1 with drift (or a part that could not be checked), 2 without a Kie key. It never
changes a price or a model: the admin decides in Settings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trt_local.config import ConfigError, Settings, load_settings, redact_token
from trt_local.paths import Paths

if TYPE_CHECKING:
    import httpx

    from trt_local.services.kie_drift import DriftReport

NO_KIE_KEY = (
    "KIE_API_KEY is not set: the drift check asks Kie with your key; export it from "
    "kie.ai/api-key or run `trt setup`"
)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    rows: tuple[str, ...] = ()  # the first offending rows
    warning: bool = False


def run_doctor(
    paths: Paths,
    env: Mapping[str, str],
    *,
    kie: bool = False,
    kie_transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    if kie:
        return run_kie_drift(paths, env, transport=kie_transport)
    try:
        settings = load_settings(paths, env)
    except ConfigError as exc:
        print(f"FAIL config: {exc}")
        return 2
    print(
        f"ok   config: token {redact_token(settings.telegram_token)}, "
        f"{len(settings.admin_ids)} admin(s), kie {'sandbox' if settings.sandbox else 'live'}, "
        f"config file {paths.config_file}"
    )
    from trt_local.storage.access import StorageUnavailable, check_writable

    try:
        check_writable(settings.paths.data_dir, settings.paths.database)
    except StorageUnavailable as exc:
        print(f"FAIL database: {exc}")
        return 2
    checks = asyncio.run(_checks(settings))
    for check in checks:
        mark = "FAIL" if not check.ok else "warn" if check.warning else "ok  "
        print(f"{mark} {check.name}: {check.detail}")
        for row in check.rows:
            print(f"       {row}")
    return 0 if all(c.ok for c in checks) else 1


async def _checks(settings: Settings) -> list[Check]:
    return [_tls(), *await _database(settings), await _telegram(settings)]


def _tls() -> Check:
    """The CA bundle httpx verifies Telegram and Kie.ai against; a binary carries its own copy."""
    import ssl

    import certifi

    bundle = certifi.where()
    try:
        context = ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as exc:
        return Check("tls", False, f"CA bundle {bundle} cannot be loaded: {exc}")
    count = len(context.get_ca_certs())
    return Check("tls", count > 0, f"{count} CA certificates from {bundle}")


async def _database(settings: Settings) -> list[Check]:
    """Integrity, then the money and job audit (services.audit) when the file is sound."""
    import sqlite3
    import time

    from trt_local.services.audit import run_audit
    from trt_local.storage.db import Database

    try:
        db = await Database.open(settings.paths.database)
    except (sqlite3.Error, OSError) as exc:
        return [Check("database", False, f"{settings.paths.database} cannot be opened: {exc}")]
    try:
        result = await db.integrity_check()
        integrity = Check(
            "database", result == "ok", f"{settings.paths.database} integrity {result}"
        )
        if not integrity.ok:
            return [integrity]
        audit = await run_audit(db, now=time.time())
    finally:
        await db.close()
    return [integrity, *(Check(a.name, a.ok, a.detail, a.offenders, a.warning) for a in audit)]


async def _telegram(settings: Settings) -> Check:
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    bot = Bot(
        settings.telegram_token,
        base_url=settings.telegram_api_base,
        base_file_url=settings.telegram_file_base,
    )
    try:
        async with bot:
            me = await bot.get_me()
    except InvalidToken:
        return Check("telegram", False, "Telegram rejected TELEGRAM_BOT_TOKEN (getMe)")
    except TelegramError as exc:
        return Check("telegram", False, f"getMe failed: {type(exc).__name__}")
    return Check("telegram", True, f"getMe answered @{me.username}")


def run_kie_drift(
    paths: Paths, env: Mapping[str, str], *, transport: httpx.AsyncBaseTransport | None = None
) -> int:
    """``trt doctor --kie``: the enabled models against Kie's catalog (or a probe per family)."""
    try:
        settings = load_settings(paths, env, require_token=False)
    except ConfigError as exc:
        print(f"FAIL config: {exc}")
        return 2
    if not settings.kie_api_key and not settings.sandbox:
        print(f"FAIL config: {NO_KIE_KEY}")
        return 2
    from trt_local.storage.access import StorageUnavailable, check_writable

    try:
        check_writable(settings.paths.data_dir, settings.paths.database)
    except StorageUnavailable as exc:
        print(f"FAIL database: {exc}")
        return 2
    # The client logs each failed call; here the report says it once, in its own words.
    logging.getLogger("trt").addHandler(logging.NullHandler())
    report = asyncio.run(_kie_drift(settings, transport))
    for note in report.notes:
        print(f"note {note}")
    for line in report.differences:
        print(line)
    for problem in report.problems:
        print(f"FAIL {problem}")
    print(f"{report.summary()} (decide in Settings)" if report.differences else report.summary())
    return 0 if report.clean else 1


async def _kie_drift(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> DriftReport:
    import time

    from trt_local.core.catalog import default_catalog
    from trt_local.kie import KieClient, KieSandbox, SlidingWindowLimiter
    from trt_local.kie.catalog_api import CatalogAPI
    from trt_local.services.kie_drift import STATE_KEY, check_drift
    from trt_local.services.runtime_settings import RuntimeSettings
    from trt_local.storage.bot_state import BotStateRepo
    from trt_local.storage.db import Database

    if transport is None and settings.sandbox:
        transport = KieSandbox()
    db = await Database.open(settings.paths.database)
    try:
        # The admin's on/off choices live in the database: the enabled models are those.
        runtime = await RuntimeSettings.open(db, default_catalog())
        async with KieClient(
            settings.kie_api_key or "sandbox-key",
            api_base=settings.kie_api_base,
            upload_base=settings.kie_upload_base,
            transport=transport,
        ) as client:
            api = CatalogAPI(client, limiter=SlidingWindowLimiter(1, 1.0))
            report = await check_drift(api, runtime.catalog().enabled_models(), now=time.time())
        # The dashboard shows this one until its own hourly check.
        await BotStateRepo(db).put(STATE_KEY, report.to_json())
    finally:
        await db.close()
    return report
