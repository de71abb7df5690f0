"""Ask the operator for a reason (a rejection the user is told); dismisses with it, or None."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class ReasonScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ReasonScreen { align: center middle; }
    ReasonScreen > Vertical {
        width: 72; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    ReasonScreen Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ReasonScreen Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, *, yes: str = "OK", max_length: int = 500) -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._question, id="question", markup=False)
            yield Input(placeholder="reason", id="reason", max_length=self._max_length)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self._yes, id="ok", variant="warning", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#ok", Button).disabled = not event.value.strip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.dismiss(self.query_one("#reason", Input).value.strip())
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
