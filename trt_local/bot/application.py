"""Building the python-telegram-bot Application and registering every handler, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from trt_local.bot import (
    codec,
    texts_generate,  # noqa: F401 - registers the generation texts
)
from trt_local.bot.antiflood import AntiFlood
from trt_local.bot.context import BotData, Ctx
from trt_local.bot.handlers import account, catalog, fallback, history, menu, wizard
from trt_local.bot.handlers.errors import on_error
from trt_local.bot.handlers.gate import Gate
from trt_local.bot.inbox import InboxApplication, InboxRequest, PollStatusCallback
from trt_local.bot.outbox_limiter import OutboxLimiter, Unpaced
from trt_local.services.registry import Services
from trt_local.storage.inbox import InboxRepo

# Bounded concurrency with a matched pool: unbounded is ~4x slower here (STACK-NOTES P2).
CONCURRENT_UPDATES = 16
POOL_SIZE = 24

COMMANDS = {
    "en": [
        ("start", "Main menu"),
        ("balance", "Balance and free generations"),
        ("history", "My generations"),
        ("help", "What the bot does"),
        ("language", "Change the language"),
        ("cancel", "Cancel the current action"),
    ],
    "ru": [
        ("start", "Главное меню"),
        ("balance", "Баланс и бесплатные генерации"),
        ("history", "Мои генерации"),
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
    rate_limiter: bool | BaseRateLimiter[Any] = True,
) -> InboxApplication:
    bot_request, updates_request = requests or default_requests()
    # Any: the builder's generic parameters change with .rate_limiter(), which is optional here.
    builder: Any = (
        ApplicationBuilder()
        .application_class(InboxApplication, kwargs={"inbox": inbox, "clock": clock})
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .request(bot_request)
        .get_updates_request(InboxRequest(updates_request, inbox, clock, on_poll_status))
        .concurrent_updates(CONCURRENT_UPDATES)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=Ctx, bot_data=BotData))
    )
    # One outgoing budget, three lanes (outbox_limiter.py). False = no pacing, for benchmarks of
    # the bare path (bench/start_path.py); a limiter object is used as given (bench/outbox.py).
    if rate_limiter is True:
        builder = builder.rate_limiter(OutboxLimiter(clock=clock))
    elif rate_limiter is False:
        builder = builder.rate_limiter(Unpaced())
    else:
        builder = builder.rate_limiter(rate_limiter)
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

    # Generation: catalog → model card → wizard → confirm; history; balance; admin top-up.
    app.add_handler(CommandHandler("balance", account.balance))
    app.add_handler(CommandHandler("topup", account.topup))
    app.add_handler(CommandHandler("history", history.history))
    for action, callback in (
        ("gen", catalog.categories),
        ("cat", catalog.category),
        ("mdl", catalog.model_card),
        ("run", wizard.start_model),
        ("go", wizard.on_confirm),
        ("hist", history.history),
        ("job", history.job_card),
        ("hshow", history.show_again),
        ("again", history.again),
        ("bal", account.balance),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=codec.pattern(action)))
    for action in ("opt", "skip", "done", "wbk", "edl", "edi", "cnf"):
        app.add_handler(CallbackQueryHandler(wizard.on_button, pattern=codec.pattern(action)))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, wizard.on_text))
    app.add_handler(
        MessageHandler(
            filters.PHOTO | filters.Document.ALL | filters.AUDIO | filters.VOICE | filters.VIDEO,
            wizard.on_media,
        )
    )

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
