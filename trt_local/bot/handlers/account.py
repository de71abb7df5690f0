"""/topup for admins: credit money a user paid outside the bot (the Balance screen is balance.py)."""

from __future__ import annotations

from telegram import Update

from trt_local.bot.codec import parse_number
from trt_local.bot.context import Ctx
from trt_local.bot.texts import t
from trt_local.core.errors import AmountError
from trt_local.core.money import format_money, parse_amount


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
