"""The Balance screen (button and /balance) and the paged history of money movements."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from trt_local.bot import balance_view, codec
from trt_local.bot.context import Ctx
from trt_local.bot.keyboards import button, with_nav
from trt_local.bot.screens import show
from trt_local.bot.texts import t

HISTORY_PAGE = 15


def balance_keyboard(lang: str) -> InlineKeyboardMarkup:
    """Top up / Invite friends / Promo code / History, then Back and Menu."""
    return with_nav(
        [
            [button(t(lang, "btn.topup"), "topup")],
            [button(t(lang, "btn.invite"), "invite"), button(t(lang, "btn.promo"), "promo")],
            [button(t(lang, "btn.money_history"), "bhist")],
        ],
        lang,
    )


async def balance(update: Update, context: Ctx) -> None:
    """The Balance button and /balance: money, free generations, the last movements."""
    assert context.user is not None
    if update.callback_query:
        await update.callback_query.answer()
    services = context.services
    account = await services.account.overview(context.user.id)
    text = balance_view.overview_text(
        account,
        context.lang,
        currency=services.settings.prices.currency,
        zone=services.settings.prices.timezone,
        now=services.clock(),
    )
    await show(update, context, text, balance_keyboard(context.lang))


async def history(update: Update, context: Ctx) -> None:
    """Every money movement, newest first, a page at a time."""
    assert context.user is not None and update.callback_query is not None
    query = update.callback_query
    data = codec.decode(query.data)
    offset = int(data.arg(0)) if data and data.arg(0).isdigit() else 0
    await query.answer()
    lang, prices = context.lang, context.services.settings.prices
    lines, total = await context.services.account.lines(
        context.user.id, offset=offset, limit=HISTORY_PAGE
    )
    if total == 0:
        await show(update, context, t(lang, "balance.none"), with_nav([], lang, "bal"))
        return
    text = "\n".join(
        [
            t(lang, "balance.history", total=total),
            *(
                balance_view.line_text(line, lang, prices.currency, prices.timezone)
                for line in lines
            ),
        ]
    )
    pager = []
    if offset > 0:
        pager.append(button(t(lang, "btn.newer"), "bhist", max(0, offset - HISTORY_PAGE)))
    if offset + HISTORY_PAGE < total:
        pager.append(button(t(lang, "btn.older"), "bhist", offset + HISTORY_PAGE))
    await show(update, context, text, with_nav([pager] if pager else [], lang, "bal"))
