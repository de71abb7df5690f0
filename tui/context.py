"""The state every screen gets from the App: the bot host, the log buffer, the start error.

State flows down: the App builds one context and hands it to each screen it creates; screens
read the bot through it and never reach for globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from trt_local.logs import RedactingFormatter
from trt_local.services.registry import Services
from tui.host import BotHost
from tui.logsink import LogSink

if TYPE_CHECKING:
    import httpx


@dataclass(slots=True)
class DashboardContext:
    host: BotHost
    log_sink: LogSink
    redactor: RedactingFormatter
    start_error: str = ""  # why the bot could not start (redacted); empty while all is well
    reload_s: float | None = None  # overrides each screen's reload period (tests go faster)
    update_transport: httpx.AsyncBaseTransport | None = None  # the update check's (tests: a fake)

    @property
    def services(self) -> Services | None:
        return self.host.services

    def redact(self, text: str) -> str:
        return self.redactor.redact(text)
