"""The one-line bot status at the top of every screen: @username, polling state, uptime."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Static

from tui.context import DashboardContext
from tui.formatting import duration

_STATE_STYLE = {
    "ok": "green",
    "starting": "yellow",
    "reconnecting": "yellow",
    "409 conflict": "red",
    "stopped": "red",
}


def status_markup(context: DashboardContext) -> str:
    """``@bot · polling ok · up 1h 02m`` with the state coloured; the start error when failed."""
    host = context.host
    name = f"@{host.bot_username}" if host.bot_username else "bot"
    if context.start_error:
        return f"[b]{name}[/b] · [red]stopped[/red]: {escape(context.start_error)}"
    state = str(host.poll_state)
    if state == "starting" and host.started_at is not None:
        # Started (getMe and deleteWebhook answered); the first long poll is simply still open.
        state = "ok"
    style = _STATE_STYLE.get(state, "yellow")
    parts = [f"[b]{escape(name)}[/b]", f"polling [{style}]{escape(state)}[/{style}]"]
    if host.poll_detail and state != "ok":
        parts.append(escape(host.poll_detail[:80]))
    if host.started_at is not None:
        parts.append(f"up {duration(host.clock() - host.started_at)}")
    return " · ".join(parts)


class StatusLine(Widget):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $boost; padding: 0 1; }
    StatusLine > Static { width: 1fr; }
    """

    def __init__(self, context: DashboardContext, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._dash = context

    def compose(self) -> ComposeResult:
        yield Static(status_markup(self._dash), id="status-text")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.update_status)

    def update_status(self) -> None:
        self.query_one("#status-text", Static).update(status_markup(self._dash))
