"""The panel's Payments section: pending bank transfers to review, recent Stars payments to refund.

Callback data (each checked again by its handler): ``apay`` the section · ``apa|<id>`` approve a
transfer and show the section again · ``trr|<id>`` reject (the transfer desk's own button: it
asks for the reason) · ``arf|<id>`` confirm a Stars refund · ``arfy|<id>`` refund. The money
moves through the same calls as the transfer card's buttons and ``/refund_stars``.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, Update

from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.handlers import stars, transfers
from trt_local.bot.handlers.admin_access import admin_only
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.bot.transfer_notifier import name_of
from trt_local.core.money import format_money

SHOWN = 10  # rows of each list on one screen


def _money(context: Ctx, minor: int) -> str:
    return format_money(minor, context.services.settings.prices.currency, context.lang)


def age(lang: str, seconds: float) -> str:
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return t(lang, "adm.pay.age_min", n=minutes)
    if minutes < 48 * 60:
        return t(lang, "adm.pay.age_h", n=minutes // 60)
    return t(lang, "adm.pay.age_d", n=minutes // (24 * 60))


async def _show(update: Update, context: Ctx, lead: str | None = None) -> None:
    services, lang = context.services, context.lang
    now = services.clock()
    lines = [lead] if lead else []
    lines.append(t(lang, "adm.pay.title"))
    rows: list[list[InlineKeyboardButton]] = []
    pending = await services.transfers.pending(SHOWN)
    lines.append(t(lang, "adm.pay.transfers") if pending else t(lang, "adm.pay.transfers_none"))
    for transfer in pending:
        name = escape(await name_of(services.users, transfer.user_id))
        lines.append(
            t(
                lang,
                "adm.pay.transfer_row",
                id=transfer.id,
                name=name,
                user=transfer.user_id,
                amount=_money(context, transfer.amount_minor),
                age=age(lang, now - transfer.created_at),
            )
        )
        rows.append(
            [
                button(t(lang, "adm.btn.approve", id=transfer.id), "apa", transfer.id),
                button(t(lang, "adm.btn.reject", id=transfer.id), "trr", transfer.id),
            ]
        )
    paid = await services.stars.recent(statuses=("paid", "refunded"), limit=SHOWN)
    lines.append(t(lang, "adm.pay.stars") if paid else t(lang, "adm.pay.stars_none"))
    for payment in paid:
        lines.append(
            t(
                lang,
                "adm.pay.stars_row",
                id=payment.id,
                user=payment.user_id,
                amount=_money(context, payment.amount_minor),
                stars=payment.stars or 0,
                age=age(lang, now - payment.created_at),
                status=t(lang, f"adm.pay.status.{payment.status}"),
            )
        )
        if payment.status == "paid":
            rows.append([button(t(lang, "adm.btn.refund", id=payment.id), "arf", payment.id)])
    rows.append([button(t(lang, "adm.btn.refresh"), "apay")])
    await show(update, context, "\n".join(lines), with_nav(rows, lang, "adm"))


def _payment_id(update: Update) -> int | None:
    data = codec.decode(update.callback_query.data if update.callback_query else None)
    return data.number(0) if data else None


@admin_only
async def payments_section(update: Update, context: Ctx) -> None:
    """The Payments button (and its Refresh)."""
    if update.callback_query:
        await answer(update.callback_query)
    await _show(update, context)


@admin_only
async def approve(update: Update, context: Ctx) -> None:
    """Approve from the list: the transfer card's own approval, then the list again."""
    await transfers.approve(update, context)
    await _show(update, context)


@admin_only
async def refund_ask(update: Update, context: Ctx) -> None:
    """Refund: what would go back, and a confirmation (a refund cannot be undone)."""
    query = update.callback_query
    assert query is not None
    lang = context.lang
    payment_id = _payment_id(update)
    payment = await context.services.stars.get(payment_id) if payment_id is not None else None
    if payment is None or payment.method != "stars" or payment.status != "paid":
        await answer(query, t(lang, "adm.pay.not_refundable"), show_alert=True)
        return
    await answer(query)
    text = t(
        lang,
        "adm.pay.refund_confirm",
        id=payment.id,
        stars=payment.stars or 0,
        user=payment.user_id,
        amount=_money(context, payment.amount_minor),
    )
    rows = [[button(t(lang, "adm.btn.refund_yes"), "arfy", payment.id)]]
    await show(update, context, text, with_nav(rows, lang, "apay"))


@admin_only
async def refund(update: Update, context: Ctx) -> None:
    """Confirmed: refund as ``/refund_stars`` does; the outcome or the refusal in one line."""
    query = update.callback_query
    assert query is not None
    payment_id = _payment_id(update)
    if payment_id is None:
        await answer(query, t(context.lang, "fallback.stale"))
        return
    await answer(query)
    text = await stars.refund_and_tell(context, payment_id)
    await _show(update, context, lead=text)
