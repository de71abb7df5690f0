"""The composition root: builds every service once and owns the start/stop order.

Lifecycle (STACK-NOTES §3): open SQLite → services → PTB Application → initialize (getMe) → start →
replay the inbox → start_polling → publish the command menu. Stop in reverse, each step guarded so
``stop()`` is safe twice and after a partial start. Never ``run_polling()``: the dashboard hosts us
in its own loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.request import BaseRequest

from trt_local.bot.admin_alerts import CreditAlerts
from trt_local.bot.application import build_application, publish_commands
from trt_local.bot.broadcast_port import TelegramBroadcasts
from trt_local.bot.inbox import InboxApplication
from trt_local.bot.notifier import TelegramNotifier
from trt_local.bot.stars_refunds import TelegramStarsRefunds
from trt_local.bot.transfer_notifier import TelegramTransferNotifier
from trt_local.bot.upgrade_offer import upgrade_rows
from trt_local.config import ConfigError, Settings
from trt_local.core.catalog import default_catalog
from trt_local.kie import KieClient, KieSandbox, SlidingWindowLimiter
from trt_local.kie.catalog_api import CatalogAPI
from trt_local.logs import RedactingFormatter
from trt_local.services.account import AccountService
from trt_local.services.admin import AdminService
from trt_local.services.billing import Billing
from trt_local.services.broadcasts import BroadcastService
from trt_local.services.credit_watch import CreditWatch
from trt_local.services.drafts import DraftService
from trt_local.services.engine import Engine
from trt_local.services.errors import ErrorLog
from trt_local.services.exports import Exporter
from trt_local.services.generation import GenerationService
from trt_local.services.kie_drift import KieDriftWatch
from trt_local.services.media import MediaService
from trt_local.services.pending_input import PendingInput
from trt_local.services.promo import PromoService
from trt_local.services.referrals import ReferralService
from trt_local.services.registry import Services
from trt_local.services.runtime_settings import OperatorTexts, RuntimeSettings
from trt_local.services.stars import StarsService
from trt_local.services.stats import StatsService
from trt_local.services.transfer_watch import TransferWatch
from trt_local.services.transfers import TransferService
from trt_local.services.users import UserService
from trt_local.storage.bot_state import BotStateRepo
from trt_local.storage.db import Database
from trt_local.storage.drafts import DraftsRepo
from trt_local.storage.errors import ErrorsRepo
from trt_local.storage.inbox import InboxRepo
from trt_local.storage.pending_input import PendingInputRepo
from trt_local.storage.users import UsersRepo

log = logging.getLogger("trt.app")

POLL_TIMEOUT = 10  # seconds a getUpdates long poll waits for news


class PollState(StrEnum):
    STARTING = "starting"
    OK = "ok"
    RECONNECTING = "reconnecting"
    CONFLICT = "409 conflict"
    STOPPED = "stopped"


class TrtApp:
    """The running bot: database, services and the Telegram application."""

    def __init__(
        self,
        settings: Settings,
        *,
        requests: tuple[BaseRequest, BaseRequest] | None = None,
        kie_sandbox: KieSandbox | None = None,
        rate_limiter: bool | BaseRateLimiter[Any] = True,  # other values: benchmarks only
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._requests = requests
        self._rate_limiter = rate_limiter
        self.clock = clock
        # The sandbox keeps its own monotonic clock: task durations must not jump with wall time.
        self.kie_sandbox = kie_sandbox or (KieSandbox() if settings.sandbox else None)
        self.kie: KieClient | None = None
        self.db: Database | None = None
        self.services: Services | None = None
        self.application: InboxApplication | None = None
        self.poll_state = PollState.STOPPED
        self.poll_detail = ""
        self.started_at: float | None = None
        self.bot_username = ""
        self._status_listeners: list[Callable[[PollState, str], None]] = []
        self._stopping = asyncio.Event()

    # -- status ---------------------------------------------------------------------------------
    def on_status(self, listener: Callable[[PollState, str], None]) -> None:
        self._status_listeners.append(listener)

    def _set_state(self, state: PollState, detail: str = "") -> None:
        if state == self.poll_state and detail == self.poll_detail:
            return
        self.poll_state, self.poll_detail = state, detail
        for listener in self._status_listeners:
            listener(state, detail)

    def _on_poll_response(self, code: int, description: str) -> None:
        if code == 200:
            if self.poll_state != PollState.OK:
                log.info("polling Telegram: ok")
            self._set_state(PollState.OK)
        elif code == 409:
            if self.poll_state != PollState.CONFLICT:
                log.error(
                    "Telegram answered 409 Conflict: another process is polling with this bot "
                    "token (%s). Stop the other instance; retrying with backoff.",
                    description,
                )
            self._set_state(PollState.CONFLICT, description)

    def _on_poll_error(self, exc: TelegramError) -> None:
        # PTB retries polling forever with a growing pause (up to 30 s); we surface the state.
        if isinstance(exc, Conflict):
            return  # reported by _on_poll_response with Telegram's own description
        if self.poll_state != PollState.RECONNECTING:
            log.warning("polling failed (%s); retrying", exc)
        self._set_state(PollState.RECONNECTING, str(exc))

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start everything; on failure the caller must still call :meth:`stop`."""
        self._set_state(PollState.STARTING)
        self.db = await Database.open(self.settings.paths.database)
        self.services = await self._build_services(self.db)
        inbox = InboxRepo(self.db)
        await inbox.prune()
        self.application = build_application(
            token=self.settings.telegram_token,
            base_url=self.settings.telegram_api_base,
            base_file_url=self.settings.telegram_file_base,
            services=self.services,
            inbox=inbox,
            clock=self.clock,
            requests=self._requests,
            on_poll_status=self._on_poll_response,
            rate_limiter=self._rate_limiter,
        )
        await self._initialize(self.application)
        self.bot_username = self.application.bot.username
        await self.application.start()
        await self.services.engine.start()  # resumes unfinished jobs
        self.services.transfer_watch.start()  # sends what a stop kept from going out
        self.services.credit_watch.start()
        self.services.kie_drift.start()  # reports only: prices and models stay the admin's
        await self.services.broadcasts.start()  # resumes a broadcast a stop interrupted
        await self.application.replay_pending()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            timeout=POLL_TIMEOUT,
            allowed_updates=["message", "callback_query", "pre_checkout_query"],
            error_callback=self._on_poll_error,
        )
        # The command menu once polling runs: its 2 + admins round trips to Telegram (or a
        # RetryAfter on them) no longer hold back the answers to people who wrote meanwhile.
        await publish_commands(self.application, self.services)
        self.started_at = self.clock()
        # getMe and deleteWebhook answered and the first long poll is out: that is "ok" until a
        # poll says otherwise (an idle first poll may not return for POLL_TIMEOUT seconds).
        if self.poll_state == PollState.STARTING:
            self._set_state(PollState.OK)
        log.info("bot @%s is running", self.bot_username)

    async def _build_services(self, db: Database) -> Services:
        settings, clock = self.settings, self.clock
        catalog = default_catalog()
        for problem in catalog.problems:
            log.warning("catalog: %s (model left out)", problem)
        # The config's operator texts are the defaults; the admin's changes live in the database.
        operator = OperatorTexts(
            support_contact=settings.support_contact,
            payment_details=settings.payment_details,
            terms_text=settings.terms_text,
        )
        runtime = await RuntimeSettings.open(db, catalog, operator)
        self.kie = KieClient(
            settings.kie_api_key or "sandbox-key",
            api_base=settings.kie_api_base,
            upload_base=settings.kie_upload_base,
            transport=self.kie_sandbox,
        )
        referrals = ReferralService(db, runtime, clock=clock)
        users = UserService(
            UsersRepo(db), admin_ids=settings.admin_ids, clock=clock, on_created=referrals.welcome
        )

        async def language_of(user_id: int) -> str:
            user = await users.get(user_id)
            return user.language if user else "en"

        notifier = TelegramNotifier(
            lambda: self._bot(),
            language_of=language_of,
            admin_ids=lambda: sorted(settings.admin_ids),
            currency=lambda: runtime.prices.currency,
            clock=clock,
            follow_ups=lambda job, lang: upgrade_rows(self._services(), job, lang),
        )
        # Stored tracebacks are redacted as the log is: no token or key reaches the database.
        errors = ErrorLog(
            ErrorsRepo(db), redact=RedactingFormatter(settings.secrets).redact, clock=clock
        )
        engine = Engine(db, self.kie, notifier, runtime, clock=clock, errors=errors)
        stats = StatsService(db, runtime, self.kie, clock=clock)
        credit_watch = CreditWatch(
            stats,
            runtime,
            BotStateRepo(db),
            CreditAlerts(self._telegram_bot, self._services),
            clock=clock,
        )
        drafts = DraftService(DraftsRepo(db), clock)
        pending_input = PendingInput(PendingInputRepo(db), clock=clock)
        generation = GenerationService(
            db, runtime, engine.settlement, clock=clock, wake=engine.wake
        )
        transfers = TransferService(
            db,
            runtime,
            clock=clock,
            commission=referrals.commission_for_topup,
        )
        transfer_watch = TransferWatch(
            transfers,
            TelegramTransferNotifier(
                lambda: self._bot(),
                users,
                currency=lambda: runtime.prices.currency,
                support_contact=lambda: runtime.operator.support_contact,
            ),
            admin_ids=lambda: sorted(settings.admin_ids),
            clock=clock,
        )
        services = Services(
            users=users,
            drafts=drafts,
            billing=Billing(db, clock=clock),
            settings=runtime,
            generation=generation,
            media=MediaService(self.kie, clock=clock),
            engine=engine,
            admin=AdminService(db, users, generation, runtime, clock=clock),
            stats=stats,
            promo=PromoService(db, runtime, clock=clock),
            referrals=referrals,
            pending_input=pending_input,
            account=AccountService(db, runtime, generation, clock=clock),
            stars=StarsService(
                db,
                runtime,
                TelegramStarsRefunds(self._bot),
                clock=clock,
                commission=referrals.commission_for_topup,
            ),
            transfers=transfers,
            transfer_watch=transfer_watch,
            errors=errors,
            exports=Exporter(db, runtime),
            credit_watch=credit_watch,
            # Kie allows its catalog endpoints 1 request/s together (API.md §12).
            kie_drift=KieDriftWatch(
                CatalogAPI(self.kie, limiter=SlidingWindowLimiter(1, 1.0)),
                runtime,
                BotStateRepo(db),
                clock=clock,
            ),
            broadcasts=BroadcastService(
                db, TelegramBroadcasts(self._bot, language_of=language_of), clock=clock
            ),
            clock=clock,
        )
        services.flow_resetters.append(drafts.clear)
        services.flow_resetters.append(pending_input.clear)
        services.flow_resetters.append(transfers.forget)
        return services

    async def download_file(self, file_id: str, folder: Path, stem: str) -> Path:
        """Fetch a file the bot was sent (getFile) into ``folder`` as ``stem`` + its suffix.

        Raises ``RuntimeError`` (with Telegram's reason) when the bot is not running or Telegram
        cannot hand the file over.
        """
        if self.application is None:
            raise RuntimeError("the bot is not running")
        try:
            telegram_file = await self.application.bot.get_file(file_id)
            data = bytes(await telegram_file.download_as_bytearray())
        except TelegramError as exc:
            raise RuntimeError(f"Telegram could not hand the file over: {exc}") from None
        path = folder / f"{stem}{Path(telegram_file.file_path or '').suffix or '.jpg'}"
        await asyncio.to_thread(_write_file, path, data)
        return path

    def _bot(self) -> object:
        assert self.application is not None
        return self.application.bot

    def _telegram_bot(self) -> Bot:
        assert self.application is not None
        bot: Bot = self.application.bot
        return bot

    def _services(self) -> Services:
        assert self.services is not None
        return self.services

    async def _initialize(self, application: InboxApplication) -> None:
        """getMe with retries on network trouble; a rejected token is a configuration error."""
        delay = 1.0
        while True:
            try:
                await application.initialize()
                return
            except InvalidToken:
                raise ConfigError(
                    "TELEGRAM_BOT_TOKEN",
                    "Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather "
                    "(/mybots → API Token) and set it again",
                ) from None
            except NetworkError as exc:
                self._set_state(PollState.RECONNECTING, str(exc))
                log.warning("cannot reach Telegram (%s); retrying in %.0f s", exc, delay)
                try:
                    await asyncio.wait_for(self._stopping.wait(), timeout=delay)
                except TimeoutError:
                    delay = min(delay * 2, 30.0)
                    continue
                raise

    async def stop(self) -> None:
        """Stop polling, drain handlers, close Telegram and SQLite. Safe to call twice."""
        self._stopping.set()
        application = self.application
        if application is not None:
            try:
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
            except TelegramError as exc:
                log.warning("error while stopping the Telegram application: %s", exc)
        if self.services is not None:
            await self.services.transfer_watch.stop()  # messages still owed go out next start
            await self.services.credit_watch.stop()
            await self.services.kie_drift.stop()
            # Before the bot shuts down: copies in flight finish and are marked.
            await self.services.broadcasts.stop()  # the broadcast resumes on the next start
            await self.services.engine.stop()  # unfinished jobs resume on the next start
        if application is not None:
            try:
                await application.shutdown()
            except TelegramError as exc:
                log.warning("error while shutting the Telegram application down: %s", exc)
        if self.kie is not None:
            await self.kie.aclose()
            self.kie = None
        if self.db is not None:
            await self.db.close()
            self.db = None
        self._set_state(PollState.STOPPED)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
