"""The dashboard App: screens as modes, the bot started after the first frame, a guarded quit.

The App is thin. It builds the shared :class:`DashboardContext`, turns each :class:`ScreenSpec`
into a mode, a key and a palette command, starts the bot in a worker once the first frame is
drawn (a slow getMe must not delay the UI, STACK-NOTES §3.6) and shows a failed start instead of
dying of it. The runner stops the bot after ``run_async`` returns and exits with ``return_code``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen

from trt_local.config import ConfigError
from trt_local.logs import RedactingFormatter
from tui.context import DashboardContext
from tui.host import BotHost
from tui.logsink import LogSink
from tui.navigation import ScreenSpec, default_screens
from tui.screens.confirm import ConfirmScreen
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("trt.tui")


@dataclass
class BotStatusChanged(Message):
    """The bot's polling state changed (posted from the bot's status listener)."""

    state: str
    detail: str


class Dashboard(App[int]):
    TITLE = "TRT Local"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]
    CSS = """
    Screen { layout: vertical; }
    """

    def __init__(
        self,
        host: BotHost,
        *,
        log_sink: LogSink | None = None,
        screens: Sequence[ScreenSpec] | None = None,
        start_bot: bool = True,
        reload_s: float | None = None,
        update_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__()
        redactor = (
            log_sink.formatter
            if log_sink is not None and isinstance(log_sink.formatter, RedactingFormatter)
            else RedactingFormatter(host.settings.secrets)
        )
        self.context = DashboardContext(
            host,
            log_sink or LogSink(redactor),
            redactor,
            reload_s=reload_s,
            update_transport=update_transport,
        )
        self.specs = tuple(screens if screens is not None else default_screens())
        self._autostart = start_bot
        for spec in self.specs:
            self.add_mode(spec.name, self._factory(spec))
            self.bind(spec.key, f"show('{spec.name}')", description=spec.title)

    def _factory(self, spec: ScreenSpec) -> Callable[[], Screen[None]]:
        def build() -> Screen[None]:
            return spec.factory(self.context)

        return build

    def on_mount(self) -> None:
        self.context.host.on_status(self._on_bot_status)
        self.switch_mode(self.specs[0].name)
        if self._autostart:
            self.call_after_refresh(self.start_bot)

    # -- the bot --------------------------------------------------------------------------------

    def start_bot(self) -> None:
        self._start_worker()

    @work(exclusive=True, group="bot-start")
    async def _start_worker(self) -> None:
        try:
            await self.context.host.start()
            self._refresh_status()  # running now; the state may not change until the first poll
        except ConfigError as exc:
            self._start_failed(str(exc))
        except Exception as exc:
            # The boundary the brief asks for: whatever stops the start is shown and logged,
            # and the dashboard (data screens, logs) stays usable.
            log.exception("the bot could not start")
            self._start_failed(f"{type(exc).__name__}: {exc}")

    def _start_failed(self, reason: str) -> None:
        self.context.start_error = self.context.redact(reason)
        log.error("the bot is stopped: %s", self.context.start_error)
        self._refresh_status()

    def _on_bot_status(self, state: str, detail: str) -> None:
        # Called by the bot in this same loop; a message keeps the UI update on the App's queue.
        self.post_message(BotStatusChanged(str(state), detail))

    def on_bot_status_changed(self, message: BotStatusChanged) -> None:
        self._refresh_status()

    def _refresh_status(self) -> None:
        for line in self.screen.query(StatusLine):
            line.update_status()

    # -- navigation and quitting ----------------------------------------------------------------

    def action_show(self, name: str) -> None:
        if name in {spec.name for spec in self.specs} and name != self.current_mode:
            self.switch_mode(name)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for spec in self.specs:
            yield SystemCommand(
                f"Go to {spec.title}", spec.help, lambda name=spec.name: self.action_show(name)
            )
        commands = getattr(screen, "palette_commands", None)
        if callable(commands):
            yield from commands()
        yield SystemCommand("Quit", "Stop the bot and leave (ctrl+q)", self.action_quit)

    async def action_quit(self) -> None:
        if isinstance(self.screen, ConfirmScreen):
            self.exit(0)  # ctrl+q twice: the operator means it
            return
        services = self.context.services
        unfinished = (await services.stats.queue()).open if services is not None else 0
        if not unfinished:
            self.exit(0)
            return
        question = (
            f"{unfinished} job(s) are not finished. They resume on the next start.\n"
            "Stop the bot and quit?"
        )
        self.push_screen(ConfirmScreen(question, yes="Quit"), self._quit_answered)

    def _quit_answered(self, answer: bool | None) -> None:
        if answer:
            self.exit(0)

    def _fatal_error(self) -> None:
        # Textual would print the traceback with its local variables, and PTB objects there
        # carry the bot token (STACK-NOTES P5). The log file gets the redacted traceback; the
        # terminal gets one redacted sentence. The exit status is already 1.
        error = sys.exc_info()[1]
        log.critical("the dashboard crashed", exc_info=error)
        what = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        log_file = self.context.host.settings.paths.log_file
        self.panic(
            Text(f"trt: the dashboard crashed ({self.context.redact(what)}); details in {log_file}")
        )
