"""The emulator's mutable world: bot identity, private chats, files, updates, pending queries.

Method handlers and the user side change it synchronously (everything runs on one event loop);
``version`` grows with each change so the façade knows when to wake waiters, and ``events`` collects
what a chat pane should redraw for until the façade flushes them.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trt_local.emulator.errors import bad_request, forbidden
from trt_local.emulator.files import FileStore
from trt_local.emulator.markup import ReplyKeyboard
from trt_local.emulator.records import ChatEvent, EventKind, StarPayment
from trt_local.emulator.updates import UpdateFeed


@dataclass(frozen=True, slots=True)
class Profile:
    """A Telegram account: the bot or an emulated user."""

    id: int
    first_name: str
    is_bot: bool = False
    username: str | None = None
    language_code: str | None = None

    def user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data


@dataclass(slots=True)
class Invoice:
    currency: str
    total_amount: int
    payload: str
    paid: bool = False


@dataclass(slots=True)
class ChatState:
    user: Profile
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_message_id: int = 1
    blocked: bool = False
    reply_keyboard: ReplyKeyboard | None = None
    last_action: str | None = None
    invoices: dict[int, Invoice] = field(default_factory=dict)


@dataclass(slots=True)
class CallbackQuery:
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    text: str | None = None
    show_alert: bool = False


@dataclass(slots=True)
class PreCheckout:
    chat_id: int
    invoice_message_id: int
    answered: bool = False
    ok: bool = False
    error_message: str | None = None


class EmulatorState:
    def __init__(
        self, bot: Profile, clock: Callable[[], float], file_folder: Path | None = None
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.files = FileStore(file_folder)
        self.feed = UpdateFeed()
        self.chats: dict[int, ChatState] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.pre_checkouts: dict[str, PreCheckout] = {}
        self.payments: dict[str, StarPayment] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.events: list[ChatEvent] = []
        self.version = 0
        self._ids = itertools.count(1)

    def now(self) -> int:
        return int(self.clock())

    def unique_id(self) -> str:
        """An opaque unique id (callback query ids, charge ids, media group ids)."""
        return f"{next(self._ids)}{secrets.token_hex(6)}"

    def changed(self, kind: EventKind | None = None, chat_id: int = 0, **details: Any) -> None:
        self.version += 1
        if kind is not None:
            self.events.append(ChatEvent(kind, chat_id, **details))

    def chat(self, chat_id: int | str) -> ChatState:
        if isinstance(chat_id, str):  # @username
            name = chat_id.removeprefix("@").lower()
            found = next(
                (c for c in self.chats.values() if (c.user.username or "").lower() == name), None
            )
        else:
            found = self.chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    def writable_chat(self, chat_id: int | str) -> ChatState:
        chat = self.chat(chat_id)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def message(self, chat: ChatState, message_id: int, missing: str) -> dict[str, Any]:
        found = chat.messages.get(message_id)
        if found is None:
            raise bad_request(missing)
        return found

    def add_message(
        self, chat: ChatState, body: dict[str, Any], *, from_bot: bool
    ) -> dict[str, Any]:
        """Append a message to the chat with the next id; emits a ``message`` event."""
        sender = self.bot if from_bot else chat.user
        message = {
            "message_id": chat.next_message_id,
            "from": sender.user_json(),
            "chat": chat.user.chat_json(),
            "date": self.now(),
            **body,
        }
        chat.next_message_id += 1
        chat.messages[message["message_id"]] = message
        if from_bot:
            chat.last_action = None  # Telegram clears "typing…" when the message arrives
        self.changed("message", chat.user.id, message_id=message["message_id"])
        return message

    def user_message(self, chat: ChatState, body: dict[str, Any]) -> dict[str, Any]:
        """A message from the chat's user: stored, and delivered to the bot as an update."""
        message = self.add_message(chat, body, from_bot=False)
        self.push_update("message", message)
        return message

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = self.feed.push(kind, payload)
        self.changed()
        return update
