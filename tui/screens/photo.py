"""Asks for a picture file to send into the demo chat; dismisses with (path, caption) or None."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from trt_local.emulator.files import image_size

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram's limit for a photo


def check_photo(text: str) -> tuple[bytes | None, str]:
    """The file's bytes and "" when it is a sendable picture, else None and why not."""
    path = Path(text.strip()).expanduser()
    if not text.strip():
        return None, "type the path of a PNG, JPEG, GIF or WebP file"
    if not path.is_file():
        return None, f"no file at {path}"
    if path.stat().st_size > MAX_PHOTO_BYTES:
        return None, "a photo may be at most 10 MB"
    data = path.read_bytes()
    if image_size(data) is None:
        return None, "that is not a PNG, JPEG, GIF or WebP picture"
    return data, ""


class PhotoScreen(ModalScreen[tuple[bytes, str] | None]):
    DEFAULT_CSS = """
    PhotoScreen { align: center middle; }
    PhotoScreen > Vertical {
        width: 80; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    PhotoScreen #problem { color: $error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Send a photo: the file's path, then Enter")
            yield Input(placeholder="/path/to/picture.png", id="path")
            yield Input(placeholder="caption (optional)", id="caption")
            yield Static("", id="problem", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        data, problem = check_photo(self.query_one("#path", Input).value)
        if data is None:
            self.query_one("#problem", Static).update(problem)
            self.query_one("#path", Input).focus()
            return
        self.dismiss((data, self.query_one("#caption", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
