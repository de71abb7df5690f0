"""Wiring the durable inbox (``storage.inbox``) into python-telegram-bot.

* :class:`InboxRequest` wraps the request object that carries getUpdates: a fetched batch is written to
  SQLite *before* the response reaches PTB, i.e. before PTB can confirm it with the next offset.
* :class:`InboxApplication` marks an update done once its handlers ran and skips ids already done or in
  flight, so a re-fetched or replayed update is handled exactly once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from trt_local.storage.inbox import InboxRepo

log = logging.getLogger("trt.bot.inbox")

PollStatusCallback = Callable[[int, str], None]


class InboxRequest(BaseRequest):
    """Delegates to ``inner``; stores every getUpdates result before returning it."""

    def __init__(
        self,
        inner: BaseRequest,
        inbox: InboxRepo,
        clock: Callable[[], float],
        on_status: PollStatusCallback | None = None,
    ) -> None:
        self._inner = inner
        self._inbox = inbox
        self._clock = clock
        self._on_status = on_status

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self._inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if not url.rstrip("/").lower().endswith("/getupdates"):
            return code, payload
        if self._on_status is not None:
            self._on_status(code, _description(payload))
        if code == 200:
            try:
                updates = json.loads(payload).get("result") or []
            except (ValueError, AttributeError):
                return code, payload  # PTB reports the malformed body itself
            if updates:
                try:
                    await self._inbox.store(updates, self._clock())
                except Exception as exc:
                    # Not stored → must not be confirmed: make PTB retry the same batch.
                    log.exception("could not store a fetched batch; it will be fetched again")
                    raise NetworkError(f"inbox write failed: {type(exc).__name__}") from None
        return code, payload


def _description(payload: bytes) -> str:
    try:
        return str(json.loads(payload).get("description", ""))
    except (ValueError, AttributeError):
        return ""


class InboxApplication(Application):  # type: ignore[type-arg]
    """An Application that handles each update id once and records completion in the inbox."""

    def __init__(self, *, inbox: InboxRepo, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inbox = inbox
        self._clock = clock
        self._in_flight: set[int] = set()

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        update_id = update.update_id
        # Claimed before the first await: a second copy (a replay and a re-fetch of the same
        # update, both queued at start) must see the claim, not race past an awaited check.
        if update_id in self._in_flight:
            log.debug("update %s already in flight; skipped", update_id)
            return
        self._in_flight.add(update_id)
        try:
            if await self.inbox.is_done(update_id):
                log.debug("update %s already handled; skipped", update_id)
                return
            await super().process_update(update)
            await self.inbox.mark_done(update_id, self._clock())
        finally:
            self._in_flight.discard(update_id)

    async def replay_pending(self) -> int:
        """Queue the updates a previous run fetched but never finished; returns how many."""
        pending = await self.inbox.pending()
        for payload in pending:
            update = Update.de_json(payload, self.bot)
            await self.update_queue.put(update)
        if pending:
            log.info("replaying %d update(s) left unfinished by the previous run", len(pending))
        return len(pending)
