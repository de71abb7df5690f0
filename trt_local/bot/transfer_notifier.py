"""The Telegram side of the transfer desk's notifier: proof cards to admins, outcomes to users.

A recipient who cannot be reached (blocked the bot, never started it) is logged and skipped; a
network error or a flood wait beyond the rate limiter's raises DeliveryError, and the desk tries
again on its next pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from trt_local.bot.transfer_view import admin_caption, review_keyboard, user_outcome
from trt_local.services.ports import DeliveryError
from trt_local.services.users import UserService
from trt_local.storage.transfers import TransferRecord

log = logging.getLogger("trt.bot.transfers")


async def name_of(users: UserService, user_id: int | None) -> str:
    """How an admin card names a person: their first name, else their id."""
    if user_id is None:
        return ""
    user = await users.get(user_id)
    return user.first_name if user is not None and user.first_name else str(user_id)


class TelegramTransferNotifier:
    def __init__(
        self,
        bot_getter: Callable[[], Any],
        users: UserService,
        *,
        currency: Callable[[], str],
        support_contact: str = "",
    ) -> None:
        self._bot_getter = bot_getter
        self._users = users
        self._currency = currency
        self._contact = support_contact

    async def _lang(self, user_id: int) -> str:
        user = await self._users.get(user_id)
        return user.language if user is not None else "en"

    async def announce(self, transfer: TransferRecord, admin_id: int) -> int | None:
        lang = await self._lang(admin_id)
        caption = admin_caption(
            lang, transfer, await name_of(self._users, transfer.user_id), self._currency()
        )
        markup = review_keyboard(lang, transfer.id)
        bot = self._bot_getter()
        try:
            try:
                message: Message = await bot.send_photo(
                    admin_id, transfer.proof_file_id, caption=caption, reply_markup=markup
                )
            except BadRequest as exc:
                if "photo" not in str(exc).lower():
                    raise
                # The proof came as an image file: Telegram keeps it a document.
                message = await bot.send_document(
                    admin_id, transfer.proof_file_id, caption=caption, reply_markup=markup
                )
        except (Forbidden, BadRequest) as exc:
            log.warning("transfer %s: cannot reach admin %s (%s)", transfer.id, admin_id, exc)
            return None
        except (RetryAfter, NetworkError) as exc:
            raise DeliveryError(str(exc)) from None
        return message.message_id

    async def update_admin(self, transfer: TransferRecord, admin_id: int, message_id: int) -> None:
        lang = await self._lang(admin_id)
        caption = admin_caption(
            lang,
            transfer,
            await name_of(self._users, transfer.user_id),
            self._currency(),
            await name_of(self._users, transfer.actor_id),
        )
        try:
            await self._bot_getter().edit_message_caption(
                chat_id=admin_id, message_id=message_id, caption=caption, reply_markup=None
            )
        except (Forbidden, BadRequest) as exc:
            # "not modified" after a retried pass, a deleted message: nothing left to do.
            log.info("transfer %s: admin %s's copy not updated (%s)", transfer.id, admin_id, exc)
        except (RetryAfter, NetworkError) as exc:
            raise DeliveryError(str(exc)) from None

    async def tell_user(self, transfer: TransferRecord, balance_minor: int | None) -> None:
        lang = await self._lang(transfer.user_id)
        text = user_outcome(lang, transfer, balance_minor, self._currency(), self._contact)
        try:
            await self._bot_getter().send_message(transfer.user_id, text)
        except (Forbidden, BadRequest) as exc:
            log.info("transfer %s: cannot tell user %s (%s)", transfer.id, transfer.user_id, exc)
        except (RetryAfter, NetworkError) as exc:
            raise DeliveryError(str(exc)) from None
