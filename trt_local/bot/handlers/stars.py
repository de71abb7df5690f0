"""Telegram Stars payments: pre-checkout, the successful payment, /paysupport, /terms, refunds."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.error import TelegramError

from trt_local.bot.context import Ctx
from trt_local.bot.handlers import fallback, referrals
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.services.stars import (
    NotRefundable,
    PaymentNotFound,
    RefundNotCovered,
    RefundRejected,
    RefundUnconfirmed,
    Refusal,
)

log = logging.getLogger("trt.bot.stars")


async def pre_checkout(update: Update, context: Ctx) -> None:
    """Telegram asks whether to take the payment: answer at once, ok or why not."""
    query = update.pre_checkout_query
    assert query is not None and context.user is not None
    refusal = await context.services.stars.check_pre_checkout(
        context.user, query.invoice_payload, query.total_amount, query.currency
    )
    if refusal is None:
        await query.answer(ok=True)
        return
    key = "blocked" if refusal is Refusal.BLOCKED else f"pay.err.{refusal.value}"
    log.info("pre-checkout of user %s refused: %s", context.user.id, refusal.value)
    await query.answer(ok=False, error_message=t(context.lang, key))


async def successful_payment(update: Update, context: Ctx) -> None:
    """The Stars are paid: credit once (keyed on the charge id) and send the receipt."""
    message = update.message
    assert message is not None and message.successful_payment is not None
    assert context.user is not None
    paid = message.successful_payment
    receipt = await context.services.stars.record_payment(
        context.user, paid.invoice_payload, paid.telegram_payment_charge_id, paid.total_amount
    )
    if not receipt.credited:
        log.info("Stars payment %s delivered again; nothing credited", receipt.payment_id)
        return
    lang, currency = context.lang, context.services.settings.prices.currency
    text = t(
        lang,
        "pay.receipt",
        amount=format_money(receipt.amount_minor, currency, lang),
        stars=receipt.stars,
        id=receipt.payment_id,
        balance=format_money(receipt.balance_minor, currency, lang),
    )
    await message.reply_text(
        text, reply_markup=with_nav([[button(t(lang, "btn.balance"), "bal")]], lang)
    )
    await referrals.tell_commission(context, receipt.commission)


async def paysupport(update: Update, context: Ctx) -> None:
    """/paysupport: how to reach support about a payment, and the refund policy."""
    assert update.message is not None
    contact = context.services.support_contact
    text = t(
        context.lang,
        "paysupport.text",
        contact=escape(contact) if contact else t(context.lang, "paysupport.no_contact"),
    )
    await update.message.reply_text(text)


async def terms(update: Update, context: Ctx) -> None:
    """/terms: the operator's terms from the config, or the built-in ones."""
    assert update.message is not None
    configured = context.services.terms_text
    await update.message.reply_text(
        escape(configured) if configured else t(context.lang, "terms.default")
    )


async def refund_stars(update: Update, context: Ctx) -> None:
    """/refund_stars <payment id> — admins only: the Stars go back, the money leaves the balance."""
    assert context.user is not None and update.message is not None
    if not context.user.is_admin:
        await fallback.unknown_command(update, context)
        return
    lang = context.lang
    args = context.args or []
    if len(args) != 1 or not args[0].isdigit():
        await update.message.reply_text(t(lang, "refund.usage"))
        return
    payment_id = int(args[0])
    currency = context.services.settings.prices.currency
    try:
        done = await context.services.stars.refund(context.user.id, payment_id)
    except PaymentNotFound:
        await update.message.reply_text(t(lang, "refund.not_found", id=payment_id))
        return
    except NotRefundable:
        await update.message.reply_text(t(lang, "refund.not_paid", id=payment_id))
        return
    except RefundNotCovered as short:
        await update.message.reply_text(
            t(
                lang,
                "refund.not_covered",
                id=payment_id,
                balance=format_money(short.balance_minor, currency, lang),
                amount=format_money(short.amount_minor, currency, lang),
            )
        )
        return
    except RefundRejected as refused:
        detail = escape(refused.detail)
        await update.message.reply_text(t(lang, "refund.rejected", id=payment_id, detail=detail))
        return
    except RefundUnconfirmed:
        await update.message.reply_text(t(lang, "refund.unconfirmed", id=payment_id))
        return
    if not done.applied:
        await update.message.reply_text(t(lang, "refund.already", id=payment_id))
        return
    payment = done.payment
    text = t(
        lang,
        "refund.done",
        id=payment.id,
        stars=payment.stars,
        user=payment.user_id,
        amount=format_money(done.taken_minor, currency, lang),
        balance=format_money(done.balance_minor, currency, lang),
    )
    if done.shortfall_minor:
        text += t(
            lang, "refund.shortfall", missing=format_money(done.shortfall_minor, currency, lang)
        )
    told = await _tell_user(
        context,
        payment.user_id,
        payment.id,
        payment.stars or 0,
        done.taken_minor,
        done.balance_minor,
    )
    text += t(lang, "refund.user_told" if told else "refund.user_unreachable")
    await update.message.reply_text(text)


async def _tell_user(
    context: Ctx, user_id: int, payment_id: int, stars: int, taken: int, balance: int
) -> bool:
    user = await context.services.users.get(user_id)
    lang = user.language if user else "en"
    currency = context.services.settings.prices.currency
    text = t(
        lang,
        "refund.received",
        id=payment_id,
        stars=stars,
        amount=format_money(taken, currency, lang),
        balance=format_money(balance, currency, lang),
    )
    try:
        await context.bot.send_message(user_id, text)
    except TelegramError as exc:  # blocked the bot, or Telegram trouble: the admin is told
        log.warning("could not tell user %s about refund %s: %s", user_id, payment_id, exc)
        return False
    return True
