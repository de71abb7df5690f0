"""The demo's chat pane: you are a Telegram user talking to the bot through the emulator.

Type and press Enter to send; Tab moves to the buttons (ctrl+b jumps to the newest message's
buttons), Enter or a click presses one; ctrl+o sends a picture from a file path. The pane
follows the emulator's change events and redraws at most ten times a second; result files are
saved to a folder and their paths shown under the message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from trt_local.emulator import ChatEvent, EmulatedUser, EmulatorError, TelegramEmulator
from tui.chat_files import ResultFiles
from tui.context import DashboardContext
from tui.screens.photo import PhotoScreen
from tui.widgets.chat_bubble import ChatBubble, InlineButtonPressed
from tui.widgets.status_line import StatusLine

REDRAW_S = 0.1


class ChatScreen(Screen[None]):
    DEFAULT_CSS = """
    ChatScreen #messages { height: 1fr; padding: 0 1; }
    ChatScreen #hint { height: auto; color: $text-muted; padding: 0 1; }
    ChatScreen #keyboard { height: auto; }
    ChatScreen #keyboard Button { margin-right: 1; }
    ChatScreen #typing { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "send_photo", "Send photo"),
        Binding("ctrl+b", "focus_buttons", "Buttons"),
        Binding("ctrl+t", "focus_input", "Type"),
    ]

    def __init__(
        self,
        context: DashboardContext,
        emulator: TelegramEmulator,
        user: EmulatedUser,
        files: ResultFiles,
    ) -> None:
        super().__init__()
        self.context = context
        self.emulator = emulator
        self.user = user
        self.files = files
        self.syncs = 0  # completed redraws (tests wait on them)
        self._dirty = True
        self._syncing = False
        self._synced = asyncio.Condition()
        self._unsubscribe: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        yield VerticalScroll(id="messages")
        yield Static(
            f"You are Telegram user {self.user.id} ({self.user.profile.first_name}), an admin "
            f"of this bot. Type /start and press Enter. Results are saved to {self.files.folder}",
            id="hint",
            markup=False,
        )
        yield Static("", id="typing", markup=False)
        yield Horizontal(id="keyboard")
        yield Input(placeholder="Message the bot…  (Enter sends)", id="chat-input")
        yield Footer()

    def on_mount(self) -> None:
        self._unsubscribe = self.emulator.on_change(self._on_change)
        self.set_interval(REDRAW_S, self._redraw_if_changed)
        self.query_one("#chat-input", Input).focus()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    # -- following the chat ---------------------------------------------------------------------

    def _on_change(self, event: ChatEvent) -> None:
        if event.chat_id != self.user.id:
            return
        self._dirty = True
        if event.kind == "callback_answer" and event.text:
            self.notify(event.text, title="bot")  # a button's toast, as Telegram shows it

    def _redraw_if_changed(self) -> None:
        if self._dirty and not self._syncing:
            self._dirty = False
            self._syncing = True
            self._sync_worker()

    @work(group="chat-sync")
    async def _sync_worker(self) -> None:
        try:
            await self.sync()
        finally:
            self._syncing = False

    async def sync(self) -> None:
        """Make the pane show the chat as it stands: add, update and remove bubbles."""
        history = self.user.history
        box = self.query_one("#messages", VerticalScroll)
        bubbles = {bubble.message.message_id: bubble for bubble in box.query(ChatBubble)}
        wanted = {message.message_id for message in history}
        for message_id, bubble in bubbles.items():
            if message_id not in wanted:
                await bubble.remove()
        added = False
        for message in history:
            location = self.files.describe(message) if message.from_bot else None
            shown = bubbles.get(message.message_id)
            if shown is None:
                await box.mount(ChatBubble(message, location))
                added = True
            elif shown.message != message or shown.location != location:
                await shown.show(message, location)
        if added:
            box.scroll_end(animate=False)
        await self._show_keyboard()
        action = self.user.chat_action
        self.query_one("#typing", Static).update(f"bot is {action}…" if action else "")
        self.syncs += 1
        async with self._synced:
            self._synced.notify_all()

    async def wait_synced(self, predicate: Callable[[], bool]) -> None:
        """Wait until a redraw leaves ``predicate()`` true (for tests and scripted demos)."""
        async with self._synced:
            await self._synced.wait_for(predicate)

    async def _show_keyboard(self) -> None:
        keyboard = self.query_one("#keyboard", Horizontal)
        rows = self.user.keyboard or ()
        texts = [text for row in rows for text in row]
        shown = [str(button.label) for button in keyboard.query(Button)]
        if shown != texts:
            await keyboard.remove_children()
            await keyboard.mount_all(Button(text, classes="reply", compact=True) for text in texts)

    # -- acting ---------------------------------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        event.input.clear()
        await self._act(self.user.send(text))

    async def on_inline_button_pressed(self, event: InlineButtonPressed) -> None:
        await self._act(self.user.press(event.data, message_id=event.message_id))

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("reply"):  # a reply-keyboard button sends its text
            await self._act(self.user.send(str(event.button.label)))

    async def _act(self, action: Awaitable[object]) -> None:
        try:
            await action
        except (EmulatorError, ValueError) as exc:
            self.notify(str(exc), severity="error")

    def action_send_photo(self) -> None:
        self.app.push_screen(PhotoScreen(), self._photo_chosen)

    def _photo_chosen(self, chosen: tuple[bytes, str] | None) -> None:
        if chosen is not None:
            data, caption = chosen
            self._send_photo(data, caption)

    @work(group="chat-photo")
    async def _send_photo(self, data: bytes, caption: str) -> None:
        await self._act(self.user.send_photo(data, caption or None))

    def action_focus_buttons(self) -> None:
        for bubble in reversed(list(self.query(ChatBubble))):
            button = bubble.first_button()
            if button is not None:
                button.focus()
                return

    def action_focus_input(self) -> None:
        self.query_one("#chat-input", Input).focus()
