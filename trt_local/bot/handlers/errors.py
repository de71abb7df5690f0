"""The error handler: log first with an error id, then tell the user that id.

A write the database refused (disk full, read-only) is not a bug: its transaction was rolled back,
so the user is told the bot cannot save right now and nothing was charged.
"""

from __future__ import annotations

import contextlib
import logging
import secrets

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from trt_local.bot.context import Ctx
from trt_local.bot.texts import t
from trt_local.storage.access import storage_failure

log = logging.getLogger("trt.bot.errors")


def new_error_id() -> str:
    return secrets.token_hex(3).upper()


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
