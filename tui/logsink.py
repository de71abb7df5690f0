"""A logging handler that keeps the last log lines in memory for the Logs screen and the errors box.

Under the dashboard nothing may reach the terminal, so the runner attaches this handler (with
the redacting formatter ``setup_logging`` returns) next to the log file. Lines get increasing
sequence numbers; screens ask for "everything after n" on their own timer, so a burst of log
lines costs one redraw, not one per line. ``emit`` may run on any thread (the handler's lock
guards the buffer).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass

DEFAULT_CAPACITY = 5000


@dataclass(frozen=True, slots=True)
class LogLine:
    seq: int
    created: float
    level: int
    logger: str
    text: str  # formatted and redacted; may span several lines (tracebacks)

    @property
    def level_name(self) -> str:
        return logging.getLevelName(self.level)


class LogSink(logging.Handler):
    def __init__(
        self,
        formatter: logging.Formatter | None = None,
        *,
        capacity: int = DEFAULT_CAPACITY,
        level: int = logging.DEBUG,
    ) -> None:
        super().__init__(level)
        self.setFormatter(formatter or logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self._lines: deque[LogLine] = deque(maxlen=capacity)
        self._seq = 0
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except (TypeError, ValueError):
            # A malformed %-format call in some library must not take the dashboard down.
            self.handleError(record)
            return
        with self._guard:
            self._seq += 1
            self._lines.append(
                LogLine(self._seq, record.created, record.levelno, record.name, text)
            )

    @property
    def last_seq(self) -> int:
        return self._seq

    def since(self, seq: int) -> list[LogLine]:
        """Lines newer than ``seq`` still in the buffer, oldest first."""
        with self._guard:
            lines = list(self._lines)
        return [line for line in lines if line.seq > seq]

    def errors(self, limit: int) -> list[LogLine]:
        """The newest ``limit`` lines at ERROR or above, newest first."""
        with self._guard:
            lines = list(self._lines)
        found = [line for line in reversed(lines) if line.level >= logging.ERROR]
        return found[:limit]
