"""The live log tail: the newest lines of the in-memory buffer, filtered by level and text.

New lines are appended four times a second at most, however fast they are logged; changing a
filter redraws the matching lines still in the buffer (the file under the log folder keeps
everything). Lines are already redacted by the logging formatter.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Log, Select

from tui.context import DashboardContext
from tui.logsink import LogLine
from tui.widgets.status_line import StatusLine

TAIL_S = 0.25
SHOWN_LINES = 5000
LEVELS = (
    ("debug and up", logging.DEBUG),
    ("info and up", logging.INFO),
    ("warnings and up", logging.WARNING),
    ("errors only", logging.ERROR),
)


def matches(line: LogLine, level: int, text: str) -> bool:
    return line.level >= level and (not text or text in line.text.lower())


class LogsScreen(Screen[None]):
    DEFAULT_CSS = """
    LogsScreen #log-filters { height: auto; padding: 0 1; }
    LogsScreen #level { width: 28; margin-right: 1; }
    LogsScreen #search { width: 1fr; }
    LogsScreen Log { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search"),
        Binding("end", "follow", "Follow"),
    ]

    def __init__(self, context: DashboardContext) -> None:
        super().__init__()
        self.context = context
        self.level = logging.INFO
        self.search = ""
        self.shown = 0  # lines on screen (tests read it)
        self._seq = 0

    def compose(self) -> ComposeResult:
        yield StatusLine(self.context)
        with Horizontal(id="log-filters"):
            yield Select(LEVELS, value=logging.INFO, allow_blank=False, id="level")
            yield Input(placeholder="search the log…", id="search")
        yield Log(id="log", max_lines=SHOWN_LINES, auto_scroll=True)
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(TAIL_S, self.tail)
        self.redraw()

    def redraw(self) -> None:
        """Show every buffered line that matches the filters."""
        log = self.query_one("#log", Log)
        log.clear()
        self.shown = 0
        self._seq = 0
        self.tail()

    def tail(self) -> None:
        """Append the lines logged since the last call that match the filters."""
        fresh = self.context.log_sink.since(self._seq)
        if not fresh:
            return
        self._seq = fresh[-1].seq
        wanted = [line.text for line in fresh if matches(line, self.level, self.search)]
        if wanted:
            self.query_one("#log", Log).write_lines(wanted)
            self.shown += len(wanted)

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.level:
            self.level = event.value
            self.redraw()

    def on_input_changed(self, event: Input.Changed) -> None:
        text = event.value.strip().lower()
        if text != self.search:
            self.search = text
            self.redraw()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_follow(self) -> None:
        self.query_one("#log", Log).scroll_end(animate=False)
