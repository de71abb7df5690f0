"""Immutable records the emulator hands out: uploads, message views, events, call log entries.

The emulator keeps its state as Bot API JSON; these records are snapshots of it, so a test that holds
a ``ChatMessage`` keeps seeing what the message looked like when it was read, even after an edit.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

MEDIA_KINDS = ("photo", "document", "video", "audio", "voice", "animation", "sticker", "invoice")

EventKind = Literal[
    "message", "edit", "delete", "action", "callback_answer", "pre_checkout_answer", "blocked"
]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One multipart file part: what a transport received for a field."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Button:
    """An inline keyboard button: ``callback_data`` or ``url`` (or neither for other kinds)."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    @property
    def target(self) -> str | None:
        return self.callback_data if self.callback_data is not None else self.url


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A message of an emulated private chat as it currently stands (after edits)."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None
    caption: str | None
    buttons: tuple[tuple[Button, ...], ...]
    media_kind: str | None
    file_id: str | None
    edited: bool
    raw: Mapping[str, Any] = field(compare=False, repr=False)

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has ('' for neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @classmethod
    def from_json(cls, message: Mapping[str, Any], bot_id: int) -> ChatMessage:
        raw = copy.deepcopy(dict(message))
        kind = next((k for k in MEDIA_KINDS if k in raw), None)
        return cls(
            message_id=raw["message_id"],
            chat_id=raw["chat"]["id"],
            from_bot=raw.get("from", {}).get("id") == bot_id,
            date=raw["date"],
            text=raw.get("text"),
            caption=raw.get("caption"),
            buttons=_buttons(raw.get("reply_markup")),
            media_kind=kind,
            file_id=_file_id(raw.get(kind)) if kind else None,
            edited="edit_date" in raw,
            raw=raw,
        )


def _buttons(markup: Mapping[str, Any] | None) -> tuple[tuple[Button, ...], ...]:
    if not markup:
        return ()
    return tuple(
        tuple(
            Button(text=b["text"], callback_data=b.get("callback_data"), url=b.get("url"))
            for b in row
        )
        for row in markup.get("inline_keyboard", ())
    )


def _file_id(media: Any) -> str | None:
    if isinstance(media, list):  # photo: PhotoSize list, the largest last
        media = media[-1] if media else None
    if isinstance(media, Mapping):
        value = media.get("file_id")
        return value if isinstance(value, str) else None
    return None


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """Something a chat pane should redraw for."""

    kind: EventKind
    chat_id: int
    message_id: int | None = None
    text: str | None = None  # callback answer / chat action / pre-checkout error text


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One authorised Bot API call, as the bot made it (params are the form strings)."""

    method: str
    params: Mapping[str, str]
    file_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The state of one callback query the emulated user created by pressing a button."""

    query_id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool
    text: str | None = None
    show_alert: bool = False


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    """What ``EmulatedUser.pay`` ended with."""

    ok: bool
    error_message: str | None = None
    charge_id: str | None = None
    message_id: int | None = None  # the user's ``successful_payment`` message


@dataclass(frozen=True, slots=True)
class StarPayment:
    """A completed Telegram Stars payment, for refund bookkeeping and assertions."""

    charge_id: str
    user_id: int
    currency: str
    total_amount: int
    payload: str
    refunded: bool = False
