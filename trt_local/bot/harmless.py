"""Telegram refusals that are not errors: a callback query too old to answer, an edit that
changes nothing.

A handler must not fail because of them: a late or replayed press (a slow confirm, an update
handled again after a restart) would otherwise reach the error handler and show the user an error
id for work that was done.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

log = logging.getLogger("trt.bot")

_QUERY_GONE = ("query is too old", "query id is invalid")
_CHAT_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")


def is_not_modified(error: Exception) -> bool:
    """An edit with the message's current text and buttons (a double tap, a repeated update)."""
    return isinstance(error, BadRequest) and "message is not modified" in str(error).lower()


def is_query_gone(error: Exception) -> bool:
    """Telegram no longer takes an answer to this callback query (too old, or unknown)."""
    text = str(error).lower()
    return isinstance(error, BadRequest) and any(phrase in text for phrase in _QUERY_GONE)


async def answer(
    query: CallbackQuery, text: str | None = None, *, show_alert: bool = False
) -> bool:
    """Answer a callback query; False if Telegram did not take the answer.

    Every handler answers through this. A query too old to answer, or an answer lost to the
    network, only leaves the button's spinner on for a few seconds: the handler goes on.
    """
    try:
        await query.answer(text, show_alert=show_alert)
    except BadRequest as exc:
        if not is_query_gone(exc):
            raise
        log.info("callback query %s could not be answered: %s", query.id, exc)
        return False
    except NetworkError as exc:
        log.info("answer to callback query %s lost: %s", query.id, exc)
        return False
    return True


def recipient_gone(error: TelegramError) -> bool:
    """The chat can receive nothing: the user blocked the bot, or the chat no longer exists."""
    text = str(error).lower()
    return isinstance(error, Forbidden) or any(phrase in text for phrase in _CHAT_GONE)
