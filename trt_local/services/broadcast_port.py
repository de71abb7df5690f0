"""The port between broadcasts and Telegram: what the bot implements for them.

The service never talks to Telegram. It hands the port a :class:`BroadcastMessage` for each
recipient and the broadcast's record for the progress message and the final report; the bot
sends them (in the outgoing budget's broadcast lane) and turns Telegram's answers into the
exceptions below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from trt_local.services.ports import DeliveryError, RecipientGone
from trt_local.storage.broadcasts import BroadcastRecord


@dataclass(frozen=True, slots=True)
class BroadcastMessage:
    text: str  # Telegram HTML; the caption when there is a photo
    photo_file_id: str | None = None
    button: tuple[str, str] | None = None  # (text, https url)

    @classmethod
    def of(cls, record: BroadcastRecord) -> BroadcastMessage:
        return cls(record.text, record.photo_file_id, record.button)


class SendRefused(Exception):
    """Telegram refused this message (bad markup, a wrong photo id, a bad button address)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BroadcastPort(Protocol):
    async def send(self, user_id: int, message: BroadcastMessage) -> None:
        """Send one copy to ``user_id``.

        Raise :class:`RecipientGone` when the user cannot receive anything (blocked the bot, the
        account is gone), :class:`SendRefused` when Telegram refuses the message, and
        :class:`DeliveryError` when it may go through later (with ``retry_after`` when Telegram
        asked to wait).
        """

    async def preview(self, chat_id: int, message: BroadcastMessage) -> None:
        """Send the message, as recipients will see it, to ``chat_id``; SendRefused if refused."""

    async def progress(self, broadcast: BroadcastRecord) -> None:
        """Show the counts in the broadcast's progress message, if it has one (best effort)."""

    async def finished(self, broadcast: BroadcastRecord) -> None:
        """Close the progress message and send the author the final report (best effort)."""


__all__ = [
    "BroadcastMessage",
    "BroadcastPort",
    "DeliveryError",
    "RecipientGone",
    "SendRefused",
]
