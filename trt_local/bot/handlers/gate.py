"""Runs before every other handler: records the user, applies anti-flood and blocks."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from trt_local.bot.antiflood import AntiFlood
from trt_local.bot.context import Ctx
from trt_local.bot.harmless import answer
from trt_local.bot.texts import t


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
            if query is not None:
                await answer(query, t(context.lang, "blocked"), show_alert=True)
            elif message is not None:
                await message.reply_text(t(context.lang, "blocked"))
            raise ApplicationHandlerStop
        # Payments must never be dropped by anti-flood: Telegram expects an answer within seconds.
        if update.pre_checkout_query is not None or (
            message is not None and message.successful_payment is not None
        ):
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
