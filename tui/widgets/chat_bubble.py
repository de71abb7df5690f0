"""One message of the demo chat: who sent it, its text, its file, its inline buttons."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from trt_local.emulator import ChatMessage

_MEDIA_ICONS = {"photo": "🖼", "video": "🎬", "audio": "🎵", "voice": "🎤", "document": "📄"}


@dataclass
class InlineButtonPressed(Message):
    """The person pressed an inline button under a bot message."""

    message_id: int
    data: str


class ChatBubble(Vertical):
    DEFAULT_CSS = """
    ChatBubble { height: auto; margin: 0 0 1 0; padding: 0 1; border-left: wide $primary; }
    ChatBubble.mine { border-left: wide $success; margin-left: 8; }
    ChatBubble .sender { color: $text-muted; }
    ChatBubble .file { color: $accent; }
    ChatBubble Horizontal { height: auto; }
    ChatBubble.with-buttons .text, ChatBubble.with-buttons .file { margin-bottom: 1; }
    ChatBubble Button { min-width: 6; margin-right: 2; }
    """

    def __init__(self, message: ChatMessage, location: str | None) -> None:
        super().__init__(classes="" if message.from_bot else "mine")
        self.message = message
        self.location = location
        self.set_class(bool(message.buttons), "with-buttons")

    def compose(self) -> ComposeResult:
        message = self.message
        sender = "bot" if message.from_bot else "you"
        edited = " · edited" if message.edited else ""
        yield Static(f"{sender} · #{message.message_id}{edited}", classes="sender", markup=False)
        if message.content:
            yield Static(message.content, classes="text", markup=False)
        if message.media_kind is not None:
            icon = _MEDIA_ICONS.get(message.media_kind, "📎")
            where = self.location or ("sent" if not message.from_bot else "(no file)")
            yield Static(f"{icon} {message.media_kind}: {where}", classes="file", markup=False)
        for row_index, row in enumerate(message.buttons):
            with Horizontal():
                for col_index, button in enumerate(row):
                    label = button.text if button.url is None else f"🔗 {button.text}"
                    yield Button(
                        label,
                        id=f"b-{message.message_id}-{row_index}-{col_index}",
                        disabled=button.callback_data is None,
                        tooltip=button.url,
                        compact=True,
                    )

    async def show(self, message: ChatMessage, location: str | None) -> None:
        """Redraw for an edited message (new text, buttons or file)."""
        self.message, self.location = message, location
        self.set_class(bool(message.buttons), "with-buttons")
        await self.recompose()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        _, _, row, col = (event.button.id or "").split("-")
        data = self.message.buttons[int(row)][int(col)].callback_data
        if data is not None:
            self.post_message(InlineButtonPressed(self.message.message_id, data))

    def first_button(self) -> Button | None:
        buttons = [b for b in self.query(Button) if not b.disabled]
        return buttons[0] if buttons else None
