"""Logging, configured once at the entry point.

Every handler formats through :class:`RedactingFormatter`, so the bot token and the Kie key are removed
from messages *and* tracebacks (PTB's InvalidToken message and httpx URLs carry the token). Under the
dashboard nothing goes to the terminal: a rotating file, plus whatever handler the Logs screen adds.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from collections.abc import Iterable
from pathlib import Path

_TG_TOKEN_IN_TEXT = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{20,}")
_BEARER = re.compile(r"(Bearer\s+)[^\s'\"]+", re.IGNORECASE)
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter that scrubs known secrets and anything shaped like a bot token."""

    def __init__(self, secrets: Iterable[str] = (), fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self._secrets: set[str] = set()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        self._secrets.update(s for s in secrets if s and len(s) >= 4)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            # Any case: Telegram's error descriptions reach us lower-cased, URL and all.
            text = re.sub(re.escape(secret), "***", text, flags=re.IGNORECASE)
        text = _TG_TOKEN_IN_TEXT.sub("***", text)
        return _BEARER.sub(r"\1***", text)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def setup_logging(
    log_file: Path, *, secrets: Iterable[str] = (), to_stderr: bool, level: int = logging.INFO
) -> RedactingFormatter:
    """Route all logging (and warnings) to a rotating file and, in headless mode, to stderr."""
    formatter = RedactingFormatter(secrets)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(formatter)
    root.addHandler(file_handler)
    if to_stderr:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        root.addHandler(stream)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Telegram URLs contain the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return formatter


def close_logging() -> None:
    """Remove and close the root handlers: Windows cannot delete a folder (the demo's temporary
    one) while the log file in it is still open."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
