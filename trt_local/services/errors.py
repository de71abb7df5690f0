"""Unexpected errors kept for the admins: what failed, where, for whom, and the traceback.

The bot's error handler and the engine's step guard log an error with a short id (the user sees
it); :meth:`ErrorLog.record` stores the same id with a redacted traceback, so an admin can read it
in Telegram (``/error <id>``) without access to the log file. Redaction is the log formatter's
(``trt_local.logs``): no bot token or Kie key reaches the table. Recording never raises: an error
about an error must not hide the first one.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import traceback
from collections.abc import Callable

from trt_local.storage.errors import ErrorRecord, ErrorsRepo

log = logging.getLogger("trt.errors")

MAX_TRACEBACK_CHARS = 20_000  # the end of a traceback says most; older frames are cut
MAX_SUMMARY_CHARS = 500


def new_error_id() -> str:
    """Six hex digits: short enough to read out, random enough to find in the log."""
    return secrets.token_hex(3).upper()


def normalize_error_id(text: str) -> str:
    return text.strip().upper()


class ErrorLog:
    def __init__(
        self,
        repo: ErrorsRepo,
        *,
        redact: Callable[[str], str],
        clock: Callable[[], float],
    ) -> None:
        self._repo = repo
        self._redact = redact
        self._clock = clock

    async def record(
        self,
        error_id: str,
        *,
        source: str,
        place: str,
        user_id: int | None,
        error: BaseException | None,
    ) -> None:
        """Store one error (``source``: 'update' or 'job'); logs and swallows storage trouble."""
        if error is None:
            summary, text = "unknown error", ""
        else:
            summary = f"{type(error).__name__}: {error}"
            text = "".join(traceback.format_exception(error))
        text = self._redact(text)
        if len(text) > MAX_TRACEBACK_CHARS:
            text = "…\n" + text[-MAX_TRACEBACK_CHARS:]
        try:
            await self._repo.add(
                error_id=error_id,
                at=self._clock(),
                source=source,
                place=self._redact(place)[:200],
                user_id=user_id,
                summary=self._redact(summary)[:MAX_SUMMARY_CHARS],
                traceback=text,
            )
        except sqlite3.Error as exc:
            log.warning("could not store error %s: %s", error_id, exc)

    def redact(self, text: str) -> str:
        """``text`` without the bot token, the Kie key or anything shaped like a token."""
        return self._redact(text)

    async def recent(self, limit: int = 20) -> list[ErrorRecord]:
        return await self._repo.recent(limit)

    async def get(self, error_id: str) -> ErrorRecord | None:
        return await self._repo.by_error_id(normalize_error_id(error_id))
