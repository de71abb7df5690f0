"""Building the python-telegram-bot Application and registering every handler, in order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
    PreCheckoutQueryHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from trt_local.bot import (
    awaiting,
    codec,
    texts_admin,  # noqa: F401 - registers the admin panel's texts
    texts_broadcast,  # noqa: F401 - registers the broadcast texts
    texts_generate,  # noqa: F401 - registers the generation texts
    texts_money,  # noqa: F401 - registers the balance and payment texts
    texts_promo,  # noqa: F401 - registers the promo and referral texts
    texts_transfers,  # noqa: F401 - registers the bank transfer texts
    texts_upgrade,  # noqa: F401 - registers the Veo upgrade texts
)
from trt_local.bot.antiflood import AntiFlood
from trt_local.bot.commands import COMMANDS, publish_for_admin
from trt_local.bot.context import BotData, Ctx
from trt_local.bot.handlers import (
    account,
    admin_adjust,
    admin_errors,
    admin_export,
    admin_kie,
    admin_panel,
    admin_payments,
    admin_settings,
    admin_users,
    balance,
    broadcasts,
    catalog,
    fallback,
    history,
    menu,
    promo,
    referrals,
    stars,
    topup,
    transfers,
    upgrade,
    wizard,
)
from trt_local.bot.handlers.errors import on_error
from trt_local.bot.handlers.gate import Gate
from trt_local.bot.handlers.pending_input import PendingInputRouter
from trt_local.bot.inbox import InboxApplication, InboxRequest, PollStatusCallback
from trt_local.bot.outbox_limiter import OutboxLimiter, Unpaced
from trt_local.services.registry import Services
from trt_local.storage.inbox import InboxRepo
from trt_local.tls import client_context

# Bounded concurrency with a matched pool: unbounded is ~4x slower here (STACK-NOTES P2).
CONCURRENT_UPDATES = 16
POOL_SIZE = 24


def default_requests() -> tuple[BaseRequest, BaseRequest]:
    tls = {"verify": client_context()}  # the CA bundle is read once per process (trt_local.tls)
    bot_request = HTTPXRequest(connection_pool_size=POOL_SIZE, pool_timeout=10.0, httpx_kwargs=tls)
    updates_request = HTTPXRequest(connection_pool_size=1, httpx_kwargs=tls)
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
        # Nothing here schedules PTB jobs (the engine and watchers are asyncio tasks), so no
        # JobQueue, and no APScheduler to import on every start or to pack into the binary.
        .job_queue(None)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=Ctx, bot_data=BotData))
    )
    # One outgoing budget, three lanes (outbox_limiter.py). False = no pacing, for benchmarks of
    # the bare path (bench/update_path.py); a limiter object is used as given (bench/outbox.py).
    if rate_limiter is True:
        builder = builder.rate_limiter(OutboxLimiter(clock=clock))
    elif rate_limiter is False:
        builder = builder.rate_limiter(Unpaced())
    else:
        builder = builder.rate_limiter(rate_limiter)
    application = builder.build()
    assert isinstance(application, InboxApplication)
    application.bot_data.services = services
    # A command forgets a typed answer the bot was waiting for, like it resets the wizard.
    services.flow_resetters.append(_forget_awaited(application))
    register_handlers(application, clock)
    return application


def _forget_awaited(app: Application) -> Callable[[int], Awaitable[None]]:  # type: ignore[type-arg]
    async def forget(user_id: int) -> None:
        awaiting.forget_in(app, user_id)

    return forget


def register_handlers(app: Application, clock: Callable[[], float]) -> None:  # type: ignore[type-arg]
    """All handlers, in one ordered place.

    Group -3 forgets an awaited amount on a button press; group -2 gates; group -1 routes answers
    to questions a feature asked; group 0 has the features, then the fallbacks; group 2 only
    tidies up after a press.
    """
    gate = Gate(
        messages=AntiFlood(rate=1.5, burst=5, clock=clock),
        callbacks=AntiFlood(rate=2.0, burst=6, clock=clock),
    )
    # Any button but "Other amount" forgets an awaited amount, before anything else runs, so a
    # later text can never be taken for it (a press the gate drops counts too: the user moved on).
    app.add_handler(CallbackQueryHandler(awaiting.keeper("tpc")), group=-3)
    app.add_handler(TypeHandler(Update, gate), group=-2)
    pending = PendingInputRouter(
        {
            promo.PENDING_KIND: promo.on_code,
            admin_users.FIND_KIND: admin_users.on_find,
            admin_adjust.AMOUNT_KIND: admin_adjust.on_amount,
            admin_adjust.REASON_KIND: admin_adjust.on_reason,
            admin_kie.THRESHOLD_KIND: admin_kie.on_threshold,
            admin_settings.INPUT_KIND: admin_settings.on_value,
            **broadcasts.READERS,
        },
        broadcasts.MEDIA_READERS,
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, pending.on_text), group=-1)
    app.add_handler(MessageHandler(filters.PHOTO, pending.on_media), group=-1)
    app.add_handler(CallbackQueryHandler(pending.on_press), group=-1)

    # Payments first: Telegram waits seconds at most for the pre-checkout answer, and a paid
    # message must reach the credit whatever else is going on.
    app.add_handler(PreCheckoutQueryHandler(stars.pre_checkout))
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, stars.successful_payment))

    app.add_handler(CommandHandler("start", menu.start))
    app.add_handler(CommandHandler("help", menu.help_command))
    app.add_handler(CommandHandler("language", menu.language_command))
    app.add_handler(CommandHandler("cancel", menu.cancel))
    app.add_handler(CommandHandler("reset", menu.reset))
    app.add_handler(CallbackQueryHandler(menu.menu_button, pattern=codec.pattern("menu")))
    app.add_handler(CallbackQueryHandler(menu.help_command, pattern=codec.pattern("help")))
    app.add_handler(CallbackQueryHandler(menu.language_command, pattern=codec.pattern("lang")))
    app.add_handler(CallbackQueryHandler(menu.set_language, pattern=codec.pattern("setlang")))

    # Money in: balance, top-up with Stars, payment support, terms; admin top-up and refund.
    app.add_handler(CommandHandler("balance", balance.balance))
    app.add_handler(CommandHandler("paysupport", stars.paysupport))
    app.add_handler(CommandHandler("terms", stars.terms))
    app.add_handler(CommandHandler("topup", account.topup))
    app.add_handler(CommandHandler("refund_stars", stars.refund_stars))
    for action, callback in (
        ("bal", balance.balance),
        ("bhist", balance.history),
        ("topup", topup.topup),
        ("tpa", topup.preset),
        ("tpc", topup.other_amount),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=codec.pattern(action)))
    # The typed amount after "Other amount", ahead of the wizard's text handler.
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & awaiting.Awaiting(app, topup.AMOUNT), topup.on_amount
        )
    )

    # Generation: catalog → model card → wizard → confirm; history.
    app.add_handler(CommandHandler("history", history.history))
    # Money in: promo codes (admins create them) and invitations.
    app.add_handler(CommandHandler("promo", promo.promo_command))
    app.add_handler(CommandHandler("promo_new", promo.promo_new))
    app.add_handler(CommandHandler("promo_list", promo.promo_list))
    app.add_handler(CommandHandler("promo_off", promo.promo_off))
    app.add_handler(CommandHandler("invite", referrals.invite))
    # Admin panel: every handler checks rights itself (handlers.admin_access); Broadcasts ("bc")
    # register their own handlers.
    for command, handler in (
        ("admin", admin_panel.panel),
        ("user", admin_users.user_command),
        ("block", admin_users.block_command),
        ("unblock", admin_users.unblock_command),
        ("admin_add", admin_users.admin_add),
        ("admin_remove", admin_users.admin_remove),
        ("error", admin_errors.error_command),
        ("export", admin_export.export_command),
    ):
        app.add_handler(CommandHandler(command, handler))
    for action, handler in (
        ("adm", admin_panel.panel),
        ("ast", admin_panel.stats),
        ("ausr", admin_users.users_section),
        ("au", admin_users.card_button),
        ("ablk", admin_users.block_button),
        ("aadm", admin_users.admin_button),
        ("aadj", admin_adjust.adjust_button),
        ("aerr", admin_errors.errors_section),
        ("ae", admin_errors.error_button),
        ("akie", admin_kie.kie_section),
        ("athr", admin_kie.threshold_button),
        ("aexp", admin_export.export_section),
        ("ax", admin_export.export_button),
        ("apay", admin_payments.payments_section),
        ("apa", admin_payments.approve),
        ("arf", admin_payments.refund_ask),
        ("arfy", admin_payments.refund),
        ("aset", admin_settings.settings_section),
        ("ase", admin_settings.edit_button),
        ("amp", admin_settings.manual_button),
        ("asm", admin_settings.models_section),
        ("asc", admin_settings.category_button),
        ("amt", admin_settings.model_button),
    ):
        app.add_handler(CallbackQueryHandler(handler, pattern=codec.pattern(action)))
    # Broadcasts (admins; every handler checks rights itself).
    app.add_handler(CommandHandler("broadcast", broadcasts.open_flow))
    for action, callback in broadcasts.CALLBACKS:
        app.add_handler(CallbackQueryHandler(callback, pattern=codec.pattern(action)))
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
        ("vup", upgrade.offer),
        ("vupgo", upgrade.confirm),
        ("promo", promo.promo_button),
        ("invite", referrals.invite),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=codec.pattern(action)))
    for action in ("opt", "skip", "done", "wbk", "edl", "edi", "cnf"):
        app.add_handler(CallbackQueryHandler(wizard.on_button, pattern=codec.pattern(action)))

    # Manual bank transfers: the details ("xfer", from the top-up screen), the admins' review.
    for action, callback in (
        ("xfer", transfers.offer),
        ("tra", transfers.approve),
        ("trr", transfers.reject),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=codec.pattern(action)))
    # Typed text and files: a transfer's proof or reject reason when one is awaited (the wait is
    # in SQLite, which a filter cannot read); everything else goes on to the wizard.
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, transfers.on_text))
    app.add_handler(
        MessageHandler(
            filters.PHOTO | filters.Document.ALL | filters.AUDIO | filters.VOICE | filters.VIDEO,
            transfers.on_media,
        )
    )
    # Group 2, after everything: any other button forgets an awaited proof or reason.
    app.add_handler(CallbackQueryHandler(transfers.forget_on_press), group=2)

    # Fallbacks last: within a group only the first matching handler runs.
    app.add_handler(MessageHandler(filters.COMMAND, fallback.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT, fallback.stray_text))
    app.add_handler(MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, fallback.stray_media))
    app.add_handler(CallbackQueryHandler(fallback.stale_button))
    app.add_error_handler(on_error)


async def publish_commands(app: Application, services: Services) -> None:  # type: ignore[type-arg]
    """The command list shown in Telegram's menu, per language; admins also see theirs."""
    for language, commands in COMMANDS.items():
        await app.bot.set_my_commands(
            [BotCommand(name, text) for name, text in commands],
            language_code=None if language == "en" else language,
        )
    for admin_id in await services.users.admin_ids():
        user = await services.users.get(admin_id)
        await publish_for_admin(
            app.bot,
            admin_id,
            language=user.language if user else "en",
            admin=True,
            owner=services.users.is_owner(admin_id),
        )
