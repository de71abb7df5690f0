"""Adjusting a balance from a user card: the amount, then the reason, each typed.

Both questions are stored (``PendingInput`` with the user and the amount as data), so a restart
between them loses nothing; a press or a command abandons the change. The money moves through
``Billing.adjust`` (the dashboard's call too): a reason is required, the balance never goes
below zero, and the ledger row names the admin and the reason. The change is keyed on the
message with the reason, so an update handled twice (after a crash) changes the balance once.
"""

from __future__ import annotations

from html import escape

from telegram import Update

from trt_local.bot.context import Ctx
from trt_local.bot.handlers.admin_access import admin_only
from trt_local.bot.handlers.admin_users import callback_args, parse_user_id
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.errors import AmountError, InsufficientFunds
from trt_local.core.money import format_money, parse_delta

AMOUNT_KIND = "adm_amount"  # data: user
REASON_KIND = "adm_reason"  # data: user, amount (signed minor units)


@admin_only
async def adjust_button(update: Update, context: Ctx) -> None:
    """± Adjust balance on a card: ask for the amount."""
    query = update.callback_query
    assert query is not None and context.user is not None
    args = callback_args(update)
    user_id = parse_user_id(args[0]) if args else None
    summary = await context.services.admin.user(user_id) if user_id is not None else None
    if summary is None:
        await answer(query, t(context.lang, "fallback.stale"))
        return
    await answer(query)
    await context.services.pending_input.expect(context.user.id, AMOUNT_KIND, {"user": summary.id})
    currency = context.services.settings.prices.currency
    text = t(
        context.lang,
        "adm.adjust.ask",
        name=escape(summary.name or str(summary.id)),
        balance=format_money(summary.balance_minor, currency, context.lang),
    )
    await show(update, context, text, with_nav([], context.lang, "au", summary.id))


@admin_only
async def on_amount(update: Update, context: Ctx) -> None:
    """The typed change (+100, -25.50): check it, then ask for the reason."""
    assert update.message is not None and context.user is not None
    lang, pending = context.lang, context.services.pending_input
    user_id = int(context.input_data.get("user", 0))
    summary = await context.services.admin.user(user_id)
    if summary is None:
        await update.message.reply_text(t(lang, "adm.unknown_user", id=user_id))
        return
    currency = context.services.settings.prices.currency
    try:
        delta = parse_delta(update.message.text or "")
    except AmountError:
        delta = 0
    back = with_nav([], lang, "au", user_id)
    if delta == 0:
        await pending.expect(context.user.id, AMOUNT_KIND, {"user": user_id})
        await update.message.reply_text(t(lang, "adm.adjust.bad_amount"), reply_markup=back)
        return
    if summary.balance_minor + delta < 0:
        await pending.expect(context.user.id, AMOUNT_KIND, {"user": user_id})
        balance = format_money(summary.balance_minor, currency, lang)
        text = t(lang, "adm.adjust.below_zero", balance=balance)
        await update.message.reply_text(text, reply_markup=back)
        return
    await pending.expect(context.user.id, REASON_KIND, {"user": user_id, "amount": delta})
    text = t(lang, "adm.adjust.ask_reason", amount=_signed(delta, currency, lang))
    await update.message.reply_text(text, reply_markup=back)


@admin_only
async def on_reason(update: Update, context: Ctx) -> None:
    """The typed reason: make the change."""
    message = update.message
    assert message is not None and context.user is not None
    lang = context.lang
    user_id = int(context.input_data.get("user", 0))
    delta = int(context.input_data.get("amount", 0))
    reason = (message.text or "").strip()
    currency = context.services.settings.prices.currency
    billing = context.services.billing
    try:
        change = await billing.adjust(
            context.user.id,
            user_id,
            delta,
            reason,
            ref=f"adjust:{message.chat_id}:{message.message_id}",
        )
    except InsufficientFunds as refusal:
        balance = format_money(refusal.balance_minor, currency, lang)
        text = t(lang, "adm.adjust.refused", balance=balance)
    except LookupError:
        text = t(lang, "adm.unknown_user", id=user_id)
    except ValueError:  # no reason (or a change of nothing): ask again, nothing moved
        data = {"user": user_id, "amount": delta}
        await context.services.pending_input.expect(context.user.id, REASON_KIND, data)
        text = t(lang, "adm.adjust.ask_reason", amount=_signed(delta, currency, lang))
    else:
        balance = format_money(change.balance_minor, currency, lang)
        if change.applied:
            text = t(
                lang,
                "adm.adjust.done",
                amount=_signed(delta, currency, lang),
                id=user_id,
                balance=balance,
                reason=escape(reason),
            )
        else:
            text = t(lang, "adm.adjust.already", balance=balance)
    await message.reply_text(text, reply_markup=with_nav([], lang, "au", user_id))


def _signed(delta: int, currency: str, lang: str) -> str:
    return ("+" if delta > 0 else "") + format_money(delta, currency, lang)
