"""The top-up screen: preset or typed amount, its price in Stars, then a Telegram Stars invoice."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, LabeledPrice, Update

from trt_local.bot import awaiting, codec
from trt_local.bot.context import Ctx
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t
from trt_local.core.errors import AmountError
from trt_local.core.money import format_money, parse_amount
from trt_local.services.stars import CURRENCY, TopupOutOfRange

AMOUNT = "topup_amount"  # what ``awaiting`` waits for after "Other amount"


def _money(context: Ctx, minor: int) -> str:
    return format_money(minor, context.services.settings.prices.currency, context.lang)


def transfers_on(context: Ctx) -> bool:
    """Manual bank transfers are offered when payment details are configured.

    ``payment_details`` arrives on Services with the manual-transfer feature; until then (an
    older Services) transfers read as off.
    """
    return bool(getattr(context.services, "payment_details", ""))


def _screen(context: Ctx) -> tuple[str, InlineKeyboardMarkup]:
    assert context.user is not None
    lang, money = context.lang, context.services.settings.money_in
    presets = [
        button(
            t(lang, "btn.preset", amount=_money(context, amount), stars=money.stars_for(amount)),
            "tpa",
            amount,
        )
        for amount in money.presets_minor
    ]
    rows = [presets[i : i + 2] for i in range(0, len(presets), 2)]
    rows.append([button(t(lang, "btn.other_amount"), "tpc")])
    text = t(
        lang,
        "topup.screen",
        balance=_money(context, context.user.balance_minor),
        unit=_money(context, 100),
        rate=money.stars_per_unit,
        min=_money(context, money.min_topup_minor),
        max=_money(context, money.max_topup_minor),
    )
    return text, with_nav(rows, lang, "bal")


def _range_text(context: Ctx) -> str:
    money = context.services.settings.money_in
    return t(
        context.lang,
        "topup.bad_amount",
        min=_money(context, money.min_topup_minor),
        max=_money(context, money.max_topup_minor),
    )


async def topup(update: Update, context: Ctx) -> None:
    """The top-up screen: preset amounts with their Stars price, and "Other amount"."""
    if update.callback_query:
        await update.callback_query.answer()
    text, markup = _screen(context)
    await show(update, context, text, markup)


async def preset(update: Update, context: Ctx) -> None:
    """A preset amount's button: its invoice."""
    query = update.callback_query
    assert query is not None
    data = codec.decode(query.data)
    if data is None or not data.arg(0).isdigit():
        await query.answer(t(context.lang, "fallback.stale"))
        return
    await query.answer()
    await _offer(update, context, int(data.arg(0)))


async def other_amount(update: Update, context: Ctx) -> None:
    """ "Other amount": ask for a number; the next text message answers."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    money = context.services.settings.money_in
    awaiting.expect(context, AMOUNT)
    text = t(
        context.lang,
        "topup.ask_amount",
        min=_money(context, money.min_topup_minor),
        max=_money(context, money.max_topup_minor),
        example=_money(context, money.presets_minor[-1]),
    )
    await show(update, context, text, with_nav([], context.lang, "topup"))


async def on_amount(update: Update, context: Ctx) -> None:
    """The typed amount: its invoice, or the range said and the screen again."""
    assert update.message is not None
    try:
        amount = parse_amount(update.message.text or "")
    except AmountError:
        await _refuse(update, context)
        return
    await _offer(update, context, amount)


async def _refuse(update: Update, context: Ctx) -> None:
    text, markup = _screen(context)
    await show(update, context, f"{_range_text(context)}\n\n{text}", markup, new=True)


async def _offer(update: Update, context: Ctx, amount_minor: int) -> None:
    """Open the top-up, show its price in Stars, send the invoice."""
    assert context.user is not None and update.effective_chat is not None
    lang = context.lang
    try:
        invoice = await context.services.stars.open_topup(context.user, amount_minor)
    except TopupOutOfRange:
        await _refuse(update, context)
        return
    if context.user_data is not None:
        context.user_data.pop(awaiting.KEY, None)
    amount = _money(context, invoice.amount_minor)
    text = t(lang, "topup.offer", amount=amount, stars=invoice.stars)
    rows = []
    if transfers_on(context):
        text += t(lang, "topup.offer_transfer")
        rows.append([button(t(lang, "btn.transfer"), "xfer", invoice.amount_minor)])
    await show(update, context, text, with_nav(rows, lang, "topup"))
    await context.bot.send_invoice(
        update.effective_chat.id,
        title=t(lang, "invoice.title", amount=amount),
        description=t(lang, "invoice.description", amount=amount, id=invoice.payment_id),
        payload=invoice.payload,
        currency=CURRENCY,
        prices=[LabeledPrice(t(lang, "invoice.label", amount=amount), invoice.stars)],
        # No provider token: Stars take none, and it is left out rather than sent empty because
        # PTB's Defaults turn an empty string into "[]" (an empty sequence), which Telegram refuses.
    )
