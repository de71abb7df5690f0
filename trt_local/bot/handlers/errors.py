"""The error handler: log first with an error id, store it for the admins, then tell the user.

A write the database refused (disk full, read-only) is not a bug: its transaction was rolled back,
so the user is told the bot cannot save right now and nothing was charged.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from trt_local.bot.context import Ctx
from trt_local.bot.texts import t
from trt_local.services.errors import new_error_id
from trt_local.storage.access import storage_failure

log = logging.getLogger("trt.bot.errors")


def describe(update: object) -> str:
    """Where the error happened, for the admins: the update and what it asked (never its text)."""
    if not isinstance(update, Update):
        return "outside an update"
    place = f"update {update.update_id}"
    message = update.message
    if message is not None and (message.text or "").startswith("/"):
        return f"{place}: {(message.text or '').split()[0][:40]}"
    if update.callback_query is not None:
        return f"{place}: button {update.callback_query.data or ''}"[:120]
    if message is not None:
        return f"{place}: message"
    return place


async def on_error(update: object, context: Ctx) -> None:
    """Every exception a handler raises ends here; the bot keeps working."""
    error_id = new_error_id()
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "error %s while handling update %s: %r",
        error_id,
        update_id,
        context.error,
        exc_info=context.error,
    )
    if context.bot_data.services is not None:
        sender = update.effective_user if isinstance(update, Update) else None
        await context.services.errors.record(
            error_id,
            source="update",
            place=describe(update),
            user_id=sender.id if sender is not None else None,
            error=context.error,
        )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked the bot: nobody to tell
    # PTB gives the error handler a fresh context: look the user's language up again.
    lang = "en"
    if update.effective_user is not None and context.bot_data.services is not None:
        user = await context.services.users.get(update.effective_user.id)
        lang = user.language if user else lang
    if update.callback_query is not None:
        # Already answered, or too old: the message below still explains.
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    refused_write = context.error is not None and storage_failure(context.error) is not None
    key = "error.storage" if refused_write else "error.generic"
    try:
        await context.bot.send_message(update.effective_chat.id, t(lang, key, error_id=error_id))
    except (NetworkError, TelegramError) as exc:
        log.warning("could not tell the user about error %s: %s", error_id, exc)
