"""The Telegram side of the broadcast port: copies, the preview, the progress message, the report.

Every copy goes out with ``rate_limit_args={"lane": "broadcast"}`` and every progress edit with
the delivery lane, for the outgoing budget that serves a user's own action first (DESIGN §6). Two
cases cannot take a lane and get none: no rate limiter at all (PTB refuses ``rate_limit_args``
then) and PTB's own ``AIORateLimiter``, which reads ``rate_limit_args`` as its retry count
(``max_retries = rate_limit_args or default`` — a mapping there raises TypeError).

Telegram's answers become the port's exceptions: a user who blocked the bot (403) or a chat that
is gone → ``RecipientGone``; ``RetryAfter`` still raised after the limiter's own retries →
``DeliveryError(retry_after=…)``; a network error → ``DeliveryError``; any other refusal (400) →
``SendRefused``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from trt_local.bot.broadcast_view import message_markup, progress_card, report_text
from trt_local.bot.harmless import is_not_modified, recipient_gone
from trt_local.bot.outbox_limiter import retry_seconds
from trt_local.services.broadcast_port import (
    BroadcastMessage,
    DeliveryError,
    RecipientGone,
    SendRefused,
)
from trt_local.storage.broadcasts import BroadcastRecord

log = logging.getLogger("trt.bot.broadcasts")

HTML = ParseMode.HTML
BROADCAST_LANE = "broadcast"
DELIVERY_LANE = "delivery"


def lane_args(bot: Any, lane: str) -> dict[str, str] | None:
    """``rate_limit_args`` naming the outgoing lane, when the bot's rate limiter reads lanes."""
    limiter = getattr(bot, "rate_limiter", None)
    if limiter is None or type(limiter) is AIORateLimiter:
        return None
    return {"lane": lane}


class TelegramBroadcasts:
    def __init__(
        self,
        bot_getter: Callable[[], Any],
        *,
        language_of: Callable[[int], Awaitable[str]],
    ) -> None:
        self._bot_getter = bot_getter
        self._language_of = language_of

    @property
    def _bot(self) -> ExtBot[Any]:
        bot: ExtBot[Any] = self._bot_getter()
        return bot

    async def _deliver(self, chat_id: int, message: BroadcastMessage, lane: str | None) -> None:
        bot = self._bot
        # HTML by definition: not left to the application's defaults.
        extra: dict[str, Any] = {"reply_markup": message_markup(message), "parse_mode": HTML}
        limits = lane_args(bot, lane) if lane else None
        if limits is not None:
            extra["rate_limit_args"] = limits
        if message.photo_file_id is not None:
            await bot.send_photo(chat_id, message.photo_file_id, caption=message.text, **extra)
        else:
            await bot.send_message(chat_id, message.text, **extra)

    async def send(self, user_id: int, message: BroadcastMessage) -> None:
        try:
            await self._deliver(user_id, message, BROADCAST_LANE)
        except Forbidden as exc:
            raise RecipientGone(str(exc)) from None
        except RetryAfter as exc:
            raise DeliveryError(str(exc), retry_after=retry_seconds(exc)) from None
        except BadRequest as exc:  # a NetworkError in PTB's tree: caught first
            if recipient_gone(exc):
                raise RecipientGone(str(exc)) from None
            raise SendRefused(str(exc)) from None
        except NetworkError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        except TelegramError as exc:
            raise SendRefused(f"{type(exc).__name__}: {exc}") from None

    async def preview(self, chat_id: int, message: BroadcastMessage) -> None:
        try:
            await self._deliver(chat_id, message, None)  # the admin's own action: first lane
        except BadRequest as exc:
            raise SendRefused(str(exc)) from None

    async def progress(self, broadcast: BroadcastRecord) -> None:
        lang = await self._language_of(broadcast.author_id)
        text, markup = progress_card(lang, broadcast)
        await self._edit(broadcast, text, markup)

    async def finished(self, broadcast: BroadcastRecord) -> None:
        lang = await self._language_of(broadcast.author_id)
        text, _ = progress_card(lang, broadcast)
        await self._edit(broadcast, text, None)
        if broadcast.progress_chat_id is None:
            return  # started from the dashboard: its history shows the report
        try:
            await self._bot.send_message(
                broadcast.progress_chat_id,
                report_text(lang, broadcast),
                parse_mode=HTML,
                rate_limit_args=lane_args(self._bot, DELIVERY_LANE),
            )
        except TelegramError as exc:
            log.warning("could not report broadcast %s: %s", broadcast.id, exc)

    async def _edit(
        self, broadcast: BroadcastRecord, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        chat, message = broadcast.progress_chat_id, broadcast.progress_message_id
        if chat is None or message is None:
            return
        bot = self._bot
        for attempt in range(2):
            try:
                await bot.edit_message_text(
                    text,
                    chat_id=chat,
                    message_id=message,
                    reply_markup=markup,
                    parse_mode=HTML,
                    rate_limit_args=lane_args(bot, DELIVERY_LANE),
                )
                return
            except RetryAfter as exc:
                if attempt:
                    raise DeliveryError(str(exc)) from None
                await asyncio.sleep(retry_seconds(exc))
            except BadRequest as exc:
                if not is_not_modified(exc):
                    log.info("broadcast %s: progress message not edited: %s", broadcast.id, exc)
                return
            except TelegramError as exc:
                log.info("broadcast %s: progress message not edited: %s", broadcast.id, exc)
                return
