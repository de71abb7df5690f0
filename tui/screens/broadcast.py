"""Broadcast: compose a message, pick the audience with its size, preview, send with a progress
bar, pause, resume, cancel, and the history of past broadcasts with their reports.

The form is checked as it is typed with the rules the bot applies (``check_content``,
``check_button``), and the preview is the text as recipients will read it. Sending, pausing and
cancelling are the service calls the Telegram admin panel makes; a broadcast started in Telegram
shows here too, and one started here shows in Telegram's history. Photos are composed in
Telegram (the dashboard has no Telegram file to send).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
    TextArea,
)

from trt_local.core.broadcast import (
    Audience,
    AudienceKind,
    BroadcastInvalid,
    BroadcastState,
    BroadcastStatus,
    check_button,
    check_content,
    parse_days,
)
from trt_local.services.admin import DASHBOARD_ACTOR
from trt_local.services.registry import Services
from trt_local.storage.broadcasts import BroadcastRecord
from tui.context import DashboardContext
from tui.formatting import duration, timestamp
from tui.screens.confirm import ConfirmScreen
from tui.screens.live import LiveScreen
from tui.widgets.status_line import StatusLine
from tui.widgets.table_sync import TableSync

COLUMNS = ("id", "status", "audience", "sent", "failed", "blocked", "total", "started")
HISTORY_SIZE = 50
AUDIENCES: tuple[tuple[str, str], ...] = (
    ("all", "All users"),
    ("active:7", "Active in 7 days"),
    ("active:30", "Active in 30 days"),
    ("paid", "Paid at least once"),
    ("balance", "Money on the balance"),
    ("joined", "Joined in the last N days"),
)
_STATUS_STYLE = {
    BroadcastStatus.SENDING: "yellow",
    BroadcastStatus.PAUSED: "cyan",
    BroadcastStatus.CANCELLED: "red",
    BroadcastStatus.DONE: "green",
}


def audience_text(audience: Audience) -> str:
    names = dict(AUDIENCES)
    if audience.kind is AudienceKind.JOINED:
        return f"Joined in the last {audience.days} days"
    key = f"{audience.kind.value}:{audience.days}" if audience.days else audience.kind.value
    return names.get(key, key)


def report(record: BroadcastRecord) -> str:
    """The counts of one broadcast, as its final report says them."""
    lines = [f"Broadcast #{record.id}: {record.status.value} — {audience_text(record.audience)}"]
    lines.append(
        f"sent {record.sent} · failed {record.failed} · blocked the bot {record.blocked} · "
        f"left {record.left} of {record.total}"
    )
    if record.started_at is not None:
        end = f" → {timestamp(record.finished_at)}" if record.finished_at else ""
        took = (
            f" ({duration(record.finished_at - record.started_at)})" if record.finished_at else ""
        )
        lines.append(f"started {timestamp(record.started_at)}{end}{took}")
    return "\n".join(lines)


class BroadcastScreen(LiveScreen):
    RELOAD_S: ClassVar[float] = 1.0
    DEFAULT_CSS = """
    BroadcastScreen #compose { width: 64; padding: 0 1; }
    BroadcastScreen #text { height: 8; }
    BroadcastScreen .problem { color: $error; height: auto; }
    BroadcastScreen #button-row { height: auto; }
    BroadcastScreen #button-text { width: 20; }
    BroadcastScreen #button-url { width: 1fr; }
    BroadcastScreen #preview { height: auto; max-height: 8; border: round $primary; }
    BroadcastScreen #side { width: 1fr; padding: 0 1; }
    BroadcastScreen #current, BroadcastScreen #report { height: auto; }
    BroadcastScreen Horizontal.buttons { height: auto; }
    BroadcastScreen #history { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "send", "Send…")]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__(context)
        self.current: BroadcastRecord | None = None  # the one sending or paused
        self.history: list[BroadcastRecord] = []
        self.sizes: dict[str, int] = {}
        self.audience_size: int | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Horizontal():
            with VerticalScroll(id="compose"):
                yield Label("Message (Telegram HTML: <b>, <i>, <a href>…)", markup=False)
                yield TextArea(id="text")
                yield Static("", id="text-problem", classes="problem", markup=False)
                yield Label("URL button (optional): its text and an https:// address")
                with Horizontal(id="button-row"):
                    yield Input(placeholder="button text", id="button-text")
                    yield Input(placeholder="https://…", id="button-url")
                yield Static("", id="button-problem", classes="problem", markup=False)
                yield Label("Audience")
                yield Select(
                    [(label, key) for key, label in AUDIENCES],
                    value="all",
                    allow_blank=False,
                    id="audience",
                )
                yield Input(placeholder="days (for 'joined')", id="days", restrict=r"[0-9]*")
                yield Static("", id="size", markup=False)
                yield Label("Preview (as recipients read it)")
                yield Static("", id="preview", markup=False)
                yield Button("Send… (ctrl+s)", id="send", variant="primary", disabled=True)
            with Vertical(id="side"):
                yield Static("No broadcast is being sent.", id="current", markup=False)
                yield ProgressBar(id="progress", show_eta=False)
                with Horizontal(classes="buttons"):
                    yield Button("Pause", id="pause", disabled=True)
                    yield Button("Resume", id="resume", disabled=True)
                    yield Button("Cancel broadcast", id="cancel", variant="error", disabled=True)
                yield Label("History")
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
                yield Static("", id="report", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self._table = TableSync(table, COLUMNS)
        self.query_one("#text", TextArea).focus()
        self.check_form()

    # -- loading --------------------------------------------------------------------------------

    async def load(self, services: Services) -> None:
        broadcasts = services.broadcasts
        self.sizes = {self._key(a): size for a, size in await broadcasts.audiences()}
        unfinished = await broadcasts.unfinished()
        self.current = unfinished[0] if unfinished else None
        self.history = await broadcasts.history(HISTORY_SIZE)
        chosen = self._audience()
        self.audience_size = await broadcasts.audience_size(chosen) if chosen else None
        self._show_current()
        self._show_history()
        self.check_form()

    @staticmethod
    def _key(audience: Audience) -> str:
        return f"{audience.kind.value}:{audience.days}" if audience.days else audience.kind.value

    def _show_current(self) -> None:
        record = self.current
        bar = self.query_one("#progress", ProgressBar)
        if record is None:
            self.query_one("#current", Static).update("No broadcast is being sent.")
            bar.update(total=None, progress=0)
        else:
            self.query_one("#current", Static).update(report(record))
            bar.update(total=max(1, record.total), progress=record.total - record.left)
        status = record.status if record else None
        self.query_one("#pause", Button).disabled = status is not BroadcastStatus.SENDING
        self.query_one("#resume", Button).disabled = status is not BroadcastStatus.PAUSED
        self.query_one("#cancel", Button).disabled = status is None

    def _show_history(self) -> None:
        rows = []
        for record in self.history:
            status = Text(record.status.value, style=_STATUS_STYLE.get(record.status, ""))
            cells = (
                record.id,
                status,
                Text(audience_text(record.audience)),
                record.sent,
                record.failed,
                record.blocked,
                record.total,
                timestamp(record.started_at),
            )
            rows.append((str(record.id), cells))
        self._table.show(rows)
        self._show_report()

    def _show_report(self) -> None:
        key = self._table.cursor_key()
        chosen = next((r for r in self.history if str(r.id) == key), None)
        self.query_one("#report", Static).update(report(chosen) if chosen else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_report()

    # -- the form -------------------------------------------------------------------------------

    def _audience(self) -> Audience | None:
        value = self.query_one("#audience", Select).value
        key = value if isinstance(value, str) else "all"
        if key == "joined":
            try:
                return Audience(
                    AudienceKind.JOINED, parse_days(self.query_one("#days", Input).value)
                )
            except BroadcastInvalid:
                return None
        kind, _, number = key.partition(":")
        return Audience.parse(kind, number or None)

    def _button(self) -> tuple[str, str] | None:
        text = self.query_one("#button-text", Input).value
        url = self.query_one("#button-url", Input).value
        return (text, url) if text.strip() or url.strip() else None

    def check_form(self) -> bool:
        """Show what is wrong with the form (and the preview); True when it can be sent."""
        text = self.query_one("#text", TextArea).text
        problems: dict[str, str] = {}
        try:
            shown = check_content(text, photo=False)
        except BroadcastInvalid as error:
            shown = ""
            problems["text"] = _sentence(error)
        button = self._button()
        if button is not None:
            try:
                check_button(*button)
            except BroadcastInvalid as error:
                problems["button"] = _sentence(error)
        audience = self._audience()
        size = self.audience_size
        if audience is None:
            problems["size"] = "type the number of days, 1 to 3650"
        elif size is not None:
            self.query_one("#size", Static).update(f"Reaches {size} users now")
            if size == 0:
                problems["size"] = "Nobody is in this audience right now"
        self.query_one("#text-problem", Static).update(problems.get("text", ""))
        self.query_one("#button-problem", Static).update(problems.get("button", ""))
        if "size" in problems:
            self.query_one("#size", Static).update(problems["size"])
        self.query_one("#preview", Static).update(shown)
        can_send = not problems and audience is not None and size is not None
        self.query_one("#send", Button).disabled = not can_send
        return can_send

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.check_form()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "days":
            self.audience_size = None  # until the next load counts it
            self.reload()
        self.check_form()

    def on_select_changed(self, event: Select.Changed) -> None:
        audience = self._audience()
        self.audience_size = self.sizes.get(self._key(audience)) if audience else None
        self.reload()
        self.check_form()

    # -- actions --------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "send": self.action_send,
            "pause": self.action_pause,
            "resume": self.action_resume,
            "cancel": self.action_cancel_broadcast,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def action_send(self) -> None:
        services, audience = self.context.services, self._audience()
        if services is None or audience is None or not self.check_form():
            self.notify("Fix the marked fields first.", severity="error")
            return
        text = self.query_one("#text", TextArea).text
        question = (
            f"Send this broadcast to {audience_text(audience).lower()}: "
            f"{self.audience_size} users?\nIt goes out in the background."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._send_worker(services, text, self._button(), audience)

        self.app.push_screen(ConfirmScreen(question, yes="Send"), answered)

    @work(exclusive=True, group="broadcast-action")
    async def _send_worker(
        self, services: Services, text: str, button: tuple[str, str] | None, audience: Audience
    ) -> None:
        broadcasts = services.broadcasts
        try:
            draft = await broadcasts.create(DASHBOARD_ACTOR, text, button=button, audience=audience)
        except BroadcastInvalid as error:
            self.notify(_sentence(error), severity="error")
            return
        try:
            record = await broadcasts.send(DASHBOARD_ACTOR, draft.id)
        except (BroadcastInvalid, BroadcastState) as error:
            await broadcasts.discard(draft.id)  # the form still holds it
            self.notify(_sentence(error), severity="error")
            return
        self.notify(f"Broadcast #{record.id} is on its way to {record.total} users.")
        self.reload()

    def action_pause(self) -> None:
        self._control("pause")

    def action_resume(self) -> None:
        self._control("resume")

    def action_cancel_broadcast(self) -> None:
        record = self.current
        if record is None:
            return
        question = (
            f"Cancel broadcast #{record.id}? The {record.left} users not reached yet never get it."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._control("cancel")

        self.app.push_screen(ConfirmScreen(question, yes="Cancel it", no="Keep"), answered)

    def _control(self, action: str) -> None:
        services, record = self.context.services, self.current
        if services is not None and record is not None:
            self._control_worker(services, action, record.id)

    @work(exclusive=True, group="broadcast-action")
    async def _control_worker(self, services: Services, action: str, broadcast_id: int) -> None:
        broadcasts = services.broadcasts
        act = {"pause": broadcasts.pause, "resume": broadcasts.resume, "cancel": broadcasts.cancel}
        try:
            record = await act[action](DASHBOARD_ACTOR, broadcast_id)
        except BroadcastState as error:
            self.notify(_sentence(error), severity="warning")
        else:
            self.notify(f"Broadcast #{record.id}: {record.status.value}.")
        self.reload()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Broadcast: send", "Check and send the form (ctrl+s)", self.action_send)
        yield SystemCommand("Broadcast: pause", "Pause the broadcast being sent", self.action_pause)
        yield SystemCommand("Broadcast: resume", "Resume the paused broadcast", self.action_resume)
        yield SystemCommand(
            "Broadcast: cancel", "Cancel the unfinished broadcast", self.action_cancel_broadcast
        )


def _sentence(error: BroadcastInvalid | BroadcastState) -> str:
    """A problem in the operator's words."""
    if isinstance(error, BroadcastState):
        if error.busy:
            return "Another broadcast is being sent: wait for it, pause or cancel it first."
        return f"The broadcast is {error.status.value if error.status else 'gone'} already."
    return {
        "empty": "The message is empty.",
        "bad_html": f"Telegram will not take this HTML: {error.detail}.",
        "too_long": f"Too long: at most {error.limit} characters as read.",
        "bad_button_text": f"The button needs a text of 1 to {error.limit} characters.",
        "bad_url": "The button's address must start with https:// and name a website.",
        "bad_days": f"Days: a whole number from 1 to {error.limit}.",
        "refused": f"Telegram refused it: {error.detail}.",
        "nobody": "Nobody is in this audience right now.",
    }[error.problem.value]
