"""Building the python-telegram-bot Application and registering every handler, in order."""

from __future__ import annotations

from collections.abc import Callable

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from trt_local.bot import codec
from trt_local.bot.antiflood import AntiFlood
from trt_local.bot.context import BotData, Ctx
from trt_local.bot.handlers import fallback, menu
from trt_local.bot.handlers.errors import on_error
from trt_local.bot.handlers.gate import Gate
from trt_local.bot.inbox import InboxApplication, InboxRequest, PollStatusCallback
from trt_local.services.registry import Services
from trt_local.storage.inbox import InboxRepo

# Bounded concurrency with a matched pool: unbounded is ~4x slower here (STACK-NOTES P2).
CONCURRENT_UPDATES = 16
POOL_SIZE = 24

COMMANDS = {
    "en": [
        ("start", "Main menu"),
        ("help", "What the bot does"),
        ("language", "Change the language"),
        ("cancel", "Cancel the current action"),
    ],
    "ru": [
        ("start", "Главное меню"),
        ("help", "Что умеет бот"),
        ("language", "Сменить язык"),
        ("cancel", "Отменить текущее действие"),
    ],
}


def default_requests() -> tuple[BaseRequest, BaseRequest]:
    bot_request = HTTPXRequest(connection_pool_size=POOL_SIZE, pool_timeout=10.0)
    updates_request = HTTPXRequest(connection_pool_size=1)
    return bot_request, updates_request


def build_application(
    *,
    token: str,
    base_url: str,
    base_file_url: str,
    services: Services,
    inbox: InboxRepo,
    clock: Callable[[], float],
    requests: tuple[BaseRequest, BaseRequest] | None = None,
    on_poll_status: PollStatusCallback | None = None,
) -> InboxApplication:
    bot_request, updates_request = requests or default_requests()
    builder = (
        ApplicationBuilder()
        .application_class(InboxApplication, kwargs={"inbox": inbox, "clock": clock})
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .request(bot_request)
        .get_updates_request(InboxRequest(updates_request, inbox, clock, on_poll_status))
        .concurrent_updates(CONCURRENT_UPDATES)
        # Overall ~30 msg/s and RetryAfter honoured for every call; per-chat pacing of bulk sends
        # and progress edits is done where they are produced.
        .rate_limiter(AIORateLimiter(max_retries=2))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=Ctx, bot_data=BotData))
    )
    application = builder.build()
    assert isinstance(application, InboxApplication)
    application.bot_data.services = services
    register_handlers(application, clock)
    return application


def register_handlers(app: Application, clock: Callable[[], float]) -> None:  # type: ignore[type-arg]
    """All handlers, in one ordered place. Group -1 gates; group 0 has features, then fallbacks."""
    gate = Gate(
        messages=AntiFlood(rate=1.5, burst=5, clock=clock),
        callbacks=AntiFlood(rate=2.0, burst=6, clock=clock),
    )
    app.add_handler(TypeHandler(Update, gate), group=-1)

    app.add_handler(CommandHandler("start", menu.start))
    app.add_handler(CommandHandler("help", menu.help_command))
    app.add_handler(CommandHandler("language", menu.language_command))
    app.add_handler(CommandHandler("cancel", menu.cancel))
    app.add_handler(CommandHandler("reset", menu.reset))
    app.add_handler(CallbackQueryHandler(menu.menu_button, pattern=codec.pattern("menu")))
    app.add_handler(CallbackQueryHandler(menu.help_command, pattern=codec.pattern("help")))
    app.add_handler(CallbackQueryHandler(menu.language_command, pattern=codec.pattern("lang")))
    app.add_handler(CallbackQueryHandler(menu.set_language, pattern=codec.pattern("setlang")))

    # Fallbacks last: within a group only the first matching handler runs.
    app.add_handler(MessageHandler(filters.COMMAND, fallback.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT, fallback.stray_text))
    app.add_handler(MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, fallback.stray_media))
    app.add_handler(CallbackQueryHandler(fallback.stale_button))
    app.add_error_handler(on_error)


async def publish_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command list shown in Telegram's menu, per language."""
    for language, commands in COMMANDS.items():
        await app.bot.set_my_commands(
            [BotCommand(name, text) for name, text in commands],
            language_code=None if language == "en" else language,
        )
