"""``EmulatedUser``: a person in a private chat with the bot, driven by tests and the demo chat pane.

Acting (send, press, pay, block) creates the updates a Telegram client would cause. Reading gives
the bot's messages as they currently stand; ``next_message`` works like an inbox (each bot message
is handed out once, oldest first), ``wait_for`` waits until some message matches, e.g. after an edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from trt_local.emulator.checkout import pay_invoice
from trt_local.emulator.errors import ButtonNotFound, EmulatorError
from trt_local.emulator.files import image_size, media_json
from trt_local.emulator.formatting import command_entities
from trt_local.emulator.markup import MAX_CALLBACK_DATA_BYTES, ReplyKeyboard
from trt_local.emulator.records import ChatMessage, PaymentOutcome
from trt_local.emulator.state import CallbackQuery, ChatState, Profile

if TYPE_CHECKING:
    from trt_local.emulator.world import TelegramEmulator

_RESENDABLE = ("photo", "document", "video", "audio", "voice", "sticker")
_STICKER_BYTES = b"RIFF\x1a\x00\x00\x00WEBPVP8 emulated-sticker"


class EmulatedUser:
    def __init__(self, emulator: TelegramEmulator, profile: Profile) -> None:
        self._emu = emulator
        self._state = emulator.state
        self.profile = profile
        self._read_up_to = 0  # the inbox cursor of next_message
        self._state.chats[profile.id] = ChatState(profile)

    def __repr__(self) -> str:
        return f"<EmulatedUser {self.profile.id} {self.profile.first_name!r}>"

    @property
    def id(self) -> int:
        return self.profile.id

    @property
    def _chat(self) -> ChatState:
        return self._state.chats[self.profile.id]

    # ---- reading ------------------------------------------------------------------------------

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat, after edits and deletes."""
        return self._emu.chat(self.profile.id)

    @property
    def history(self) -> list[ChatMessage]:
        """Every message of this chat, the user's too (what a chat pane draws)."""
        return self._emu.history(self.profile.id)

    @property
    def last(self) -> ChatMessage | None:
        found = self.messages
        return found[-1] if found else None

    @property
    def keyboard(self) -> ReplyKeyboard | None:
        """The reply keyboard the bot currently shows under the input field."""
        return self._chat.reply_keyboard

    @property
    def chat_action(self) -> str | None:
        """The bot's pending chat action ("typing", …) until its next message."""
        return self._chat.last_action

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    async def wait_for(
        self,
        predicate: Callable[[ChatMessage], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - a bounded wait is the point of this API
    ) -> ChatMessage:
        """The newest bot message matching ``predicate``, waiting for the bot if none does yet."""

        def probe() -> ChatMessage | None:
            return next((m for m in reversed(self.messages) if predicate(m)), None)

        try:
            return await self._emu.wait_until(probe, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no bot message matched within {timeout}s; {self._summary()}"
            ) from None

    async def next_message(self, timeout: float = 5.0) -> ChatMessage:  # noqa: ASYNC109
        """The oldest bot message not handed out yet by this method, waiting if there is none."""

        def probe() -> ChatMessage | None:
            return next((m for m in self.messages if m.message_id > self._read_up_to), None)

        try:
            found = await self._emu.wait_until(probe, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"the bot sent nothing new within {timeout}s; {self._summary()}"
            ) from None
        self._read_up_to = found.message_id
        return found

    def mark_read(self) -> None:
        """Skip every bot message sent so far for ``next_message``."""
        self._read_up_to = max(self._chat.messages, default=self._read_up_to)

    def _summary(self) -> str:
        shown = [f"#{m.message_id} {m.content[:60]!r} {m.button_texts}" for m in self.messages[-5:]]
        return "last bot messages: " + ("; ".join(shown) or "none")

    # ---- acting -------------------------------------------------------------------------------

    def _ensure_not_blocked(self) -> None:
        if self._chat.blocked:
            raise EmulatorError(f"user {self.profile.id} has blocked the bot; call unblock() first")

    async def _post(self, body: dict[str, Any]) -> ChatMessage:
        self._ensure_not_blocked()
        message = self._state.user_message(self._chat, body)
        await self._emu.commit()
        return ChatMessage.from_json(message, self._state.bot.id)

    async def send(self, text: str) -> ChatMessage:
        """Send a text; ``/command args`` carries the bot_command entity CommandHandler needs."""
        if not text:
            raise ValueError("Telegram clients cannot send an empty message")
        body: dict[str, Any] = {"text": text}
        if entities := command_entities(text):
            body["entities"] = entities
        return await self._post(body)

    async def send_photo(self, data: bytes, caption: str | None = None) -> ChatMessage:
        if image_size(data) is None:
            raise ValueError("send_photo needs PNG/JPEG/GIF/WebP bytes")
        stored = self._state.files.add("photo", data)
        return await self._post(self._captioned({"photo": media_json(stored)}, caption))

    async def send_document(
        self,
        data: bytes,
        file_name: str = "file.bin",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> ChatMessage:
        stored = self._state.files.add("document", data, file_name=file_name, mime_type=mime_type)
        return await self._post(self._captioned({"document": media_json(stored)}, caption))

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        stored = self._state.files.add("sticker", _STICKER_BYTES, mime_type="image/webp")
        return await self._post({"sticker": media_json(stored, {"emoji": emoji})})

    async def send_voice(self, data: bytes, duration: int = 1) -> ChatMessage:
        stored = self._state.files.add("voice", data, mime_type="audio/ogg")
        return await self._post({"voice": media_json(stored, {"duration": duration})})

    async def send_audio(
        self,
        data: bytes,
        file_name: str = "audio.mp3",
        mime_type: str = "audio/mpeg",
        duration: int = 1,
        caption: str | None = None,
    ) -> ChatMessage:
        stored = self._state.files.add("audio", data, file_name=file_name, mime_type=mime_type)
        body = {"audio": media_json(stored, {"duration": duration})}
        return await self._post(self._captioned(body, caption))

    async def send_video(
        self,
        data: bytes,
        width: int = 640,
        height: int = 360,
        duration: int = 1,
        caption: str | None = None,
    ) -> ChatMessage:
        stored = self._state.files.add("video", data, file_name="video.mp4", mime_type="video/mp4")
        extra = {"width": width, "height": height, "duration": duration}
        return await self._post(self._captioned({"video": media_json(stored, extra)}, caption))

    async def send_location(
        self, latitude: float, longitude: float, horizontal_accuracy: float | None = None
    ) -> ChatMessage:
        """A shared map point (the paperclip's Location); Telegram checks the coordinates."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError("a location needs -90 <= latitude <= 90 and -180 <= longitude <= 180")
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            if not 0 <= horizontal_accuracy <= 1500:
                raise ValueError("horizontal_accuracy is 0-1500 metres")
            location["horizontal_accuracy"] = horizontal_accuracy
        return await self._post({"location": location})

    @staticmethod
    def _captioned(body: dict[str, Any], caption: str | None) -> dict[str, Any]:
        return {**body, "caption": caption} if caption else body

    async def send_again(self, message_id: int, caption: str | None = None) -> ChatMessage:
        """A new message with the file of an earlier one of this user's (the same screenshot
        picked again or forwarded): Telegram gives it the same ``file_id`` and ``file_unique_id``.
        """
        earlier = self._chat.messages.get(message_id)
        if earlier is None or earlier.get("from", {}).get("id") != self.profile.id:
            raise EmulatorError(f"message #{message_id} is not this user's")
        kind = next((k for k in _RESENDABLE if k in earlier), None)
        if kind is None:
            raise EmulatorError(f"message #{message_id} has no file to send again")
        return await self._post(self._captioned({kind: earlier[kind]}, caption))

    async def press(self, button: str, message_id: int | None = None) -> str:
        """Press the inline button with this text or callback data; returns the query id.

        Without ``message_id`` the newest bot message having such a button is used.
        """
        self._ensure_not_blocked()
        message, data = self._find_button(button, message_id)
        return await self._callback_query(message, data)

    async def press_data(self, data: str, message_id: int | None = None) -> str:
        """Send a callback query with arbitrary ``data``, as from a button of an older version of
        the message or a forged client; returns the query id.

        It is attached to bot message ``message_id`` (default: the newest bot message).
        """
        self._ensure_not_blocked()
        bot_messages = [m for m in self._chat.messages.values() if m["from"]["id"] != self.id]
        if message_id is not None:
            bot_messages = [m for m in bot_messages if m["message_id"] == message_id]
        if not bot_messages:
            raise EmulatorError("there is no bot message to attach a callback query to")
        return await self._callback_query(bot_messages[-1], data)

    async def _callback_query(self, message: dict[str, Any], data: str) -> str:
        if not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ValueError("Telegram callback data is 1-64 bytes")
        query_id = self._state.unique_id()
        self._state.callbacks[query_id] = CallbackQuery(
            self.profile.id, message["message_id"], data
        )
        self._state.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.profile.user_json(),
                "message": message,
                "chat_instance": str(self.profile.id * 31 + self._state.bot.id),
                "data": data,
            },
        )
        await self._emu.commit()
        return query_id

    def _find_button(self, wanted: str, message_id: int | None) -> tuple[dict[str, Any], str]:
        messages = self._chat.messages
        if message_id is not None:
            candidates = [messages[message_id]] if message_id in messages else []
        else:
            candidates = [
                m for m in reversed(messages.values()) if m["from"]["id"] == self._state.bot.id
            ]
        for message in candidates:
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for found in row:
                    if wanted not in (found["text"], found.get("callback_data")):
                        continue
                    if "callback_data" not in found:
                        raise EmulatorError(f"button {found['text']!r} has no callback data")
                    return message, str(found["callback_data"])
        where = f"message #{message_id}" if message_id is not None else "any bot message"
        raise ButtonNotFound(f"no inline button {wanted!r} in {where}; {self._summary()}")

    async def pay(
        self,
        invoice_message_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the brief's API: a bounded wait for the bot
    ) -> PaymentOutcome:
        """Pay an invoice: pre-checkout query, wait for the bot's answer, then the payment."""
        return await pay_invoice(self._emu, self._chat, invoice_message_id, timeout)

    async def delete(self, message_id: int) -> None:
        """Delete a message for both sides, as a user may in a private chat: the bot's later
        edits of it fail with "message to edit not found"."""
        if self._chat.messages.pop(message_id, None) is None:
            raise EmulatorError(f"there is no message #{message_id} to delete")
        self._state.changed("delete", self.profile.id, message_id=message_id)
        await self._emu.commit()

    async def redeliver(self, message_id: int) -> int:
        """One of this user's messages reaches the bot again, as a new update; returns its id.

        What a duplicate delivery looks like to the bot (the inbox cannot tell it by update id):
        a ``successful_payment`` seen twice must still credit once.
        """
        message = self._chat.messages.get(message_id)
        if message is None or message.get("from", {}).get("id") != self.profile.id:
            raise EmulatorError(f"message #{message_id} is not this user's")
        update = self._state.push_update("message", message)
        await self._emu.commit()
        return int(update["update_id"])

    async def block(self) -> None:
        """The user blocks the bot: sends to this chat now fail with 403."""
        await self._set_blocked(True)

    async def unblock(self) -> None:
        await self._set_blocked(False)

    async def _set_blocked(self, blocked: bool) -> None:
        if self._chat.blocked == blocked:
            return
        self._chat.blocked = blocked
        bot = self._state.bot.user_json()
        member = {"status": "member", "user": bot}
        kicked = {"status": "kicked", "user": bot, "until_date": 0}
        self._state.push_update(
            "my_chat_member",
            {
                "chat": self.profile.chat_json(),
                "from": self.profile.user_json(),
                "date": self._state.now(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )
        self._state.changed("blocked", self.profile.id, text="blocked" if blocked else "unblocked")
        await self._emu.commit()
