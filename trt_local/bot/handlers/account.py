"""Balance for users; /topup for admins (until payments exist, admins credit users by hand)."""

from __future__ import annotations

from telegram import Update

from trt_local.bot.codec import parse_number
from trt_local.bot.context import Ctx
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.errors import AmountError
from trt_local.core.money import format_money, parse_amount


async def balance(update: Update, context: Ctx) -> None:
    """The Balance button and /balance."""
    assert context.user is not None
    if update.callback_query:
        await answer(update.callback_query)
    services = context.services
    amount = await services.billing.balance(context.user.id)
    quote_free = await services.generation.free_left(context.user.id)
    currency = services.settings.prices.currency
    text = t(
        context.lang,
        "balance.text",
        balance=format_money(amount, currency, context.lang),
        free_left=quote_free,
    )
    await show(update, context, text, with_nav([], context.lang))


async def topup(update: Update, context: Ctx) -> None:
    """/topup <user_id> <amount> [reason…] — admins only."""
    assert context.user is not None and update.message is not None
    lang = context.lang
    if not context.user.is_admin:
        await update.message.reply_text(t(lang, "fallback.command"))
        return
    args = context.args or []
    usage = t(lang, "topup.usage")
    # "²" and "٧" pass isdigit(); ids past 64 bits cannot be looked up: both get the usage.
    user_id = parse_number(args[0]) if args else None
    if len(args) < 2 or user_id is None:
        await update.message.reply_text(usage)
        return
    try:
        amount = parse_amount(args[1])
    except AmountError:
        await update.message.reply_text(usage)
        return
    if amount <= 0:
        await update.message.reply_text(usage)
        return
    target = await context.services.users.get(user_id)
    if target is None:
        await update.message.reply_text(t(lang, "topup.unknown_user", user=user_id))
        return
    reason = " ".join(args[2:]) or "manual top-up"
    # Keyed on the command's message: a replayed update (after a crash between the credit and the
    # inbox's done mark) finds this ref posted and credits nothing.
    ref = f"topup:{update.message.chat_id}:{update.message.message_id}"
    change = await context.services.billing.admin_topup(
        context.user.id, user_id, amount, reason, ref=ref
    )
    new_balance = change.balance_minor
    currency = context.services.settings.prices.currency
    await update.message.reply_text(
        t(
            lang,
            "topup.done" if change.applied else "topup.already",
            user=user_id,
            amount=format_money(amount, currency, lang),
            balance=format_money(new_balance, currency, lang),
        )
    )
    if not change.applied:
        return  # the user was told (or the crash came first): never twice
    tlang = target.language
    await context.bot.send_message(
        user_id,
        t(
            tlang,
            "topup.received",
            amount=format_money(amount, currency, tlang),
            balance=format_money(new_balance, currency, tlang),
        ),
    )
