"""Broadcasts: compose a draft, choose its audience, preview, send, pause, resume, cancel.

The Telegram admin panel and the dashboard call these same functions. A draft lives in the
``broadcasts`` table (one open draft per author), so a restart in the middle of composing loses
nothing. :meth:`BroadcastService.send` writes the recipients and hands the broadcast to the
:class:`BroadcastSender` task; the status in the database is the truth, and :meth:`start` resumes
a broadcast that was being sent when the process stopped. Pause, resume and cancel move the
status first, then halt or launch the sender, then tell the progress message.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable

from trt_local.core.broadcast import (
    Audience,
    AudienceKind,
    BroadcastInvalid,
    BroadcastProblem,
    BroadcastState,
    BroadcastStatus,
    check_button,
    check_content,
    standard_audiences,
)
from trt_local.services.broadcast_port import BroadcastMessage, BroadcastPort, SendRefused
from trt_local.services.broadcast_sender import BroadcastSender, SenderLimits, Sleep
from trt_local.services.notices import notify_quietly
from trt_local.storage.broadcasts import BroadcastRecord, BroadcastsRepo
from trt_local.storage.db import Database

log = logging.getLogger("trt.broadcasts")

_SENDING = BroadcastStatus.SENDING
_PAUSED = BroadcastStatus.PAUSED


class BroadcastService:
    def __init__(
        self,
        db: Database,
        port: BroadcastPort,
        *,
        clock: Callable[[], float],
        sleep: Sleep = asyncio.sleep,
        limits: SenderLimits | None = None,
    ) -> None:
        self._repo = BroadcastsRepo(db)
        self._port = port
        self._clock = clock
        self._sender = BroadcastSender(self._repo, port, clock=clock, sleep=sleep, limits=limits)
        self._limits = limits or SenderLimits()
        self._stopped = False

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Resume the broadcast that was being sent when the process stopped."""
        self._stopped = False
        for record in await self._repo.in_status(_SENDING):
            log.info("resuming broadcast %s: %d of %d left", record.id, record.left, record.total)
            await self._sender.launch(record.id)

    async def stop(self) -> None:
        """Halt the sender; the broadcast stays 'sending' and resumes on the next start."""
        self._stopped = True
        await self._sender.stop(self._limits.stop_grace_s)

    # -- reading --------------------------------------------------------------------------------

    async def get(self, broadcast_id: int) -> BroadcastRecord | None:
        return await self._repo.get(broadcast_id)

    async def draft_of(self, author_id: int) -> BroadcastRecord | None:
        return await self._repo.draft_of(author_id)

    async def history(self, limit: int = 20) -> list[BroadcastRecord]:
        """Started broadcasts, newest first, with their counts."""
        return await self._repo.history(max(1, limit))

    async def unfinished(self) -> list[BroadcastRecord]:
        """The broadcast being sent and the paused ones."""
        return await self._repo.in_status(_SENDING, _PAUSED)

    async def audience_size(self, audience: Audience) -> int:
        return await self._repo.audience_size(audience, self._clock())

    async def audiences(self) -> list[tuple[Audience, int]]:
        """The standard audiences with how many users each reaches now."""
        audiences = standard_audiences()
        sizes = await self._repo.audience_sizes(audiences, self._clock())
        return list(zip(audiences, sizes, strict=True))

    # -- drafts ---------------------------------------------------------------------------------

    async def compose(
        self,
        author_id: int,
        text: str,
        *,
        photo_file_id: str | None = None,
        preview_chat: int | None = None,
    ) -> BroadcastRecord:
        """Set the content of the author's draft (created if there is none).

        BroadcastInvalid if the text would be refused. With ``preview_chat`` the message, as
        recipients will see it, is first sent there: Telegram checks it, and a refusal
        (REFUSED, with Telegram's answer) leaves the draft as it was.
        """
        check_content(text, photo=photo_file_id is not None)
        draft = await self._repo.draft_of(author_id)
        button = draft.button if draft is not None else None
        await self._preview(preview_chat, BroadcastMessage(text, photo_file_id, button))
        now = self._clock()
        draft_id = draft.id if draft is not None else await self._repo.create(author_id, now)
        await self._repo.update_draft(draft_id, now, text=text, photo_file_id=photo_file_id)
        return await self._draft(draft_id)

    async def create(
        self,
        author_id: int,
        text: str,
        *,
        photo_file_id: str | None = None,
        button: tuple[str, str] | None = None,
        audience: Audience | None = None,
    ) -> BroadcastRecord:
        """A complete new draft in one call (the dashboard composes in one form)."""
        check_content(text, photo=photo_file_id is not None)
        label, url = check_button(*button) if button is not None else (None, None)
        chosen = audience or Audience(AudienceKind.ALL)
        now = self._clock()
        draft_id = await self._repo.create(author_id, now)
        await self._repo.update_draft(
            draft_id,
            now,
            text=text,
            photo_file_id=photo_file_id,
            button_text=label,
            button_url=url,
            audience=chosen.kind.value,
            audience_days=chosen.days,
        )
        return await self._draft(draft_id)

    async def set_button(
        self,
        broadcast_id: int,
        button: tuple[str, str] | None,
        *,
        preview_chat: int | None = None,
    ) -> BroadcastRecord:
        """Set or remove the URL button; previewed like :meth:`compose` with ``preview_chat``."""
        checked = check_button(*button) if button is not None else None
        draft = await self._draft(broadcast_id)
        await self._preview(
            preview_chat, BroadcastMessage(draft.text, draft.photo_file_id, checked)
        )
        label, url = checked if checked is not None else (None, None)
        await self._change(broadcast_id, button_text=label, button_url=url)
        return await self._draft(broadcast_id)

    async def set_audience(self, broadcast_id: int, audience: Audience) -> BroadcastRecord:
        await self._change(broadcast_id, audience=audience.kind.value, audience_days=audience.days)
        return await self._draft(broadcast_id)

    async def discard(self, broadcast_id: int) -> None:
        if not await self._repo.delete_draft(broadcast_id):
            raise BroadcastState(await self._status(broadcast_id))

    async def _preview(self, chat_id: int | None, message: BroadcastMessage) -> None:
        if chat_id is None:
            return
        try:
            await self._port.preview(chat_id, message)
        except SendRefused as exc:
            raise BroadcastInvalid(BroadcastProblem.REFUSED, exc.detail) from None

    async def _change(self, broadcast_id: int, **fields: object) -> None:
        if not await self._repo.update_draft(broadcast_id, self._clock(), **fields):
            raise BroadcastState(await self._status(broadcast_id))

    async def _draft(self, broadcast_id: int) -> BroadcastRecord:
        record = await self._repo.get(broadcast_id)
        if record is None or record.status is not BroadcastStatus.DRAFT:
            raise BroadcastState(record.status if record else None)
        return record

    async def _status(self, broadcast_id: int) -> BroadcastStatus | None:
        record = await self._repo.get(broadcast_id)
        return record.status if record else None

    # -- sending --------------------------------------------------------------------------------

    async def send(
        self, actor_id: int, broadcast_id: int, *, progress: tuple[int, int] | None = None
    ) -> BroadcastRecord:
        """Start sending a draft to its audience as it is now; ``progress`` is the (chat,
        message) that shows the counts. BroadcastInvalid for an unusable or empty one,
        BroadcastState when it is not a draft or another broadcast is being sent."""
        draft = await self._draft(broadcast_id)
        check_content(draft.text, photo=draft.photo_file_id is not None)
        if draft.button is not None:
            check_button(*draft.button)
        if self._stopped:
            raise BroadcastState(draft.status, busy=True)
        if await self.audience_size(draft.audience) == 0:
            raise BroadcastInvalid(BroadcastProblem.NOBODY)
        try:
            total = await self._repo.start(broadcast_id, draft.audience, self._clock(), progress)
        except sqlite3.IntegrityError:
            raise BroadcastState(draft.status, busy=True) from None
        if total is None:
            raise BroadcastState(await self._status(broadcast_id))
        if total == 0:  # everyone left the audience since the check: nothing to send
            await self._repo.move(
                broadcast_id, BroadcastStatus.DONE, self._clock(), expect=(_SENDING,)
            )
        log.info("admin %s started broadcast %s to %d users", actor_id, broadcast_id, total)
        await self._sender.launch(broadcast_id)
        return await self._require(broadcast_id)

    async def pause(self, actor_id: int, broadcast_id: int) -> BroadcastRecord:
        """No new copies; those in flight finish, then the progress message says "paused"."""
        await self._move(broadcast_id, _PAUSED, expect=(_SENDING,))
        log.info("admin %s paused broadcast %s", actor_id, broadcast_id)
        return await self._halt(broadcast_id, finished=False)

    async def resume(self, actor_id: int, broadcast_id: int) -> BroadcastRecord:
        if self._stopped:
            raise BroadcastState(_PAUSED, busy=True)
        await self._move(broadcast_id, _SENDING, expect=(_PAUSED,))
        log.info("admin %s resumed broadcast %s", actor_id, broadcast_id)
        await self._sender.launch(broadcast_id)
        return await self._require(broadcast_id)

    async def cancel(self, actor_id: int, broadcast_id: int) -> BroadcastRecord:
        """Stop for good: recipients not reached yet never get it; then the final report."""
        await self._move(broadcast_id, BroadcastStatus.CANCELLED, expect=(_SENDING, _PAUSED))
        log.info("admin %s cancelled broadcast %s", actor_id, broadcast_id)
        return await self._halt(broadcast_id, finished=True)

    async def _halt(self, broadcast_id: int, *, finished: bool) -> BroadcastRecord:
        """Halt the run; with none to tell the port when it winds down, tell it now."""
        record = await self._require(broadcast_id)
        if not self._sender.halt(broadcast_id):
            call = self._port.finished(record) if finished else self._port.progress(record)
            await notify_quietly(call, "tell the broadcast's state")
        return record

    async def _move(
        self, broadcast_id: int, to: BroadcastStatus, *, expect: tuple[BroadcastStatus, ...]
    ) -> None:
        try:
            moved = await self._repo.move(broadcast_id, to, self._clock(), expect=expect)
        except sqlite3.IntegrityError:
            raise BroadcastState(await self._status(broadcast_id), busy=True) from None
        if not moved:
            raise BroadcastState(await self._status(broadcast_id))

    async def _require(self, broadcast_id: int) -> BroadcastRecord:
        record = await self._repo.get(broadcast_id)
        if record is None:
            raise BroadcastState(None)
        return record
