"""Runs before every other handler: records the user, applies anti-flood and blocks.

Anti-flood drops only what is safe to lose: never an admin's update, never one that moves money.
A blocked user gets one short answer to each action and nothing is done; a Stars checkout is
refused on its form, but a payment Telegram already took still goes through to be recorded.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from trt_local.bot import codec
from trt_local.bot.antiflood import AntiFlood
from trt_local.bot.context import Ctx
from trt_local.bot.harmless import answer
from trt_local.bot.texts import t

# Callback actions that spend money: the confirm button ("go").
MONEY_ACTIONS = frozenset({"go"})


def moves_money(update: Update) -> bool:
    """A payment (Telegram wants an answer within seconds) or a press that charges a balance."""
    if update.pre_checkout_query is not None:
        return True
    if update.message is not None and update.message.successful_payment is not None:
        return True
    query = update.callback_query
    data = codec.decode(query.data) if query is not None else None
    return data is not None and data.action in MONEY_ACTIONS


class Gate:
    def __init__(self, messages: AntiFlood, callbacks: AntiFlood) -> None:
        self._messages = messages
        self._callbacks = callbacks

    async def __call__(self, update: Update, context: Ctx) -> None:
        """Attach the user to the context; stop the update if it is a flood or the user is blocked."""
        tg_user = update.effective_user
        if tg_user is None or tg_user.is_bot:
            return
        context.user = await context.services.users.seen(
            tg_user.id,
            username=tg_user.username,
            first_name=tg_user.first_name,
            last_name=tg_user.last_name,
            language_code=tg_user.language_code,
        )
        query = update.callback_query
        message = update.message
        if message is not None and (message.text or "").startswith("/"):
            # A command always preempts an unfinished wizard.
            await context.services.reset_user_flow(tg_user.id)
        if context.user.blocked and not context.user.is_admin:
            if update.pre_checkout_query is not None:
                # Refused here, not left unanswered: Telegram then tells the user why.
                await update.pre_checkout_query.answer(
                    ok=False, error_message=t(context.lang, "blocked")
                )
                raise ApplicationHandlerStop
            if message is not None and message.successful_payment is not None:
                # Telegram has taken the Stars already: record them, so they can be refunded.
                return
            if query is not None:
                await answer(query, t(context.lang, "blocked"), show_alert=True)
            elif update.pre_checkout_query is not None:
                # Refused before any money moves, with the reason on the payment form.
                await update.pre_checkout_query.answer(
                    ok=False, error_message=t(context.lang, "blocked")
                )
            elif message is not None:
                await message.reply_text(t(context.lang, "blocked"))
            raise ApplicationHandlerStop
        # Admins are never limited: a burst of /topup commands is work, not a flood.
        if context.user.is_admin or moves_money(update):
            return
        bucket = self._callbacks if query is not None else self._messages
        verdict = bucket.check(tg_user.id)
        if verdict.allowed:
            return
        text = t(context.lang, "flood.wait", seconds=verdict.retry_after)
        if query is not None:
            await answer(query, text if verdict.warn else None)
        elif verdict.warn and update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)
        raise ApplicationHandlerStop
