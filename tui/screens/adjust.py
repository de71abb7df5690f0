"""Adjust a balance: a signed amount and a required reason, checked as they are typed.

The screen only asks; it dismisses with an :class:`Adjustment` and the Users screen posts it
through ``Billing.adjust`` (the function the Telegram admin panel uses), which refuses anything
that would take the balance below zero even if the balance changed meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from trt_local.core.errors import AmountError
from trt_local.core.money import parse_delta
from trt_local.services.admin import UserSummary
from tui.formatting import money


@dataclass(frozen=True, slots=True)
class Adjustment:
    user_id: int
    delta_minor: int
    reason: str


def check(balance_minor: int, amount: str, reason: str, currency: str) -> tuple[int | None, str]:
    """The delta when the form is acceptable, else None; plus the line to show under it."""
    try:
        delta = parse_delta(amount)
    except AmountError as exc:
        return None, f"amount: {exc} (+ adds, - takes away)"
    if delta == 0:
        return None, "amount: type how much to add (+) or take away (-)"
    after = balance_minor + delta
    preview = f"{money(balance_minor, currency)} → {money(after, currency)}"
    if after < 0:
        return None, f"{preview}: a balance cannot go below zero"
    if not reason.strip():
        return None, f"{preview}; a reason is required (it goes into the ledger)"
    return delta, preview


class AdjustScreen(ModalScreen[Adjustment | None]):
    DEFAULT_CSS = """
    AdjustScreen { align: center middle; }
    AdjustScreen > Vertical {
        width: 72; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    AdjustScreen #check { height: auto; margin-top: 1; }
    AdjustScreen #check.bad { color: $error; }
    AdjustScreen Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    AdjustScreen Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, user: UserSummary, currency: str) -> None:
        super().__init__()
        self._user = user
        self._currency = currency

    def compose(self) -> ComposeResult:
        user = self._user
        with Vertical():
            yield Label(
                f"Adjust the balance of {user.name or user.id} ({user.id}): "
                f"{money(user.balance_minor, self._currency)} now"
            )
            yield Input(placeholder="+100 or -25.50", id="amount")
            yield Input(placeholder="reason (required, kept in the ledger)", id="reason")
            yield Static("", id="check", markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Apply", id="apply", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        delta, line = self._check()
        shown = self.query_one("#check", Static)
        shown.update(line)
        shown.set_class(delta is None, "bad")
        self.query_one("#apply", Button).disabled = delta is None

    def _check(self) -> tuple[int | None, str]:
        return check(
            self._user.balance_minor,
            self.query_one("#amount", Input).value,
            self.query_one("#reason", Input).value,
            self._currency,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "amount":
            self.query_one("#reason", Input).focus()
        else:
            self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self._apply()
        else:
            self.action_cancel()

    def _apply(self) -> None:
        delta, _ = self._check()
        if delta is not None:
            reason = self.query_one("#reason", Input).value.strip()
            self.dismiss(Adjustment(self._user.id, delta, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
