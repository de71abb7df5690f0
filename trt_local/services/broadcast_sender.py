"""The background task that sends one broadcast: pending recipients in user id order, a few at a
time, each marked right after Telegram answered for it.

Exactly once, as far as a process can promise it: the recipients were written when the broadcast
started, each copy is marked sent (or failed, or blocked) in its own transaction right after
Telegram's answer, and a run — after a pause or a restart — sends only to rows still pending. A
crash between Telegram accepting a copy and its mark may repeat that copy after the restart; at
most :attr:`SenderLimits.window` copies are in flight at once, so at most that many. A network
error is retried the same way (Telegram may have delivered the copy whose answer was lost).

``RetryAfter`` (``DeliveryError.retry_after``) makes every copy of the run wait the time Telegram
asks, then the same recipient is tried again. Progress goes to the port at most every
``progress_every_s``; the run that sends the last copy marks the broadcast done and asks the port
for the final report. Pause, cancel and stop halt a run: copies not yet sent stay pending, copies
in flight finish and are marked, and then the run tells the port what state they left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from trt_local.core.broadcast import BroadcastStatus, RecipientStatus
from trt_local.services.broadcast_port import (
    BroadcastMessage,
    BroadcastPort,
    DeliveryError,
    RecipientGone,
    SendRefused,
)
from trt_local.services.notices import notify_quietly
from trt_local.storage.broadcasts import BroadcastsRepo

log = logging.getLogger("trt.broadcasts")

Sleep = Callable[[float], Awaitable[None]]
BATCH = 200  # pending recipients read at once
ERROR_DETAIL_MAX = 300


@dataclass(frozen=True, slots=True)
class SenderLimits:
    window: int = 4  # copies in flight at once (keeps ~25/s with a real Telegram's latency)
    progress_every_s: float = 3.0  # progress message edits at most this often
    network_attempts: int = 3  # a copy failing with network errors is tried this often
    network_pause_s: float = 1.0  # times the attempt number, between such attempts
    failures_in_a_row: int = 25  # this many refused copies in a row pause the broadcast
    stop_grace_s: float = 5.0  # how long a stop lets copies in flight finish


@dataclass(slots=True)
class _Run:
    broadcast_id: int
    message: BroadcastMessage
    halt: asyncio.Event = field(default_factory=asyncio.Event)
    pause_until: float = -math.inf  # Telegram asked every copy to wait until then
    failures_in_a_row: int = 0
    trouble: str = ""  # why the run paused the broadcast itself
    last_progress: float = -math.inf
    progress_task: asyncio.Task[None] | None = None
    settling: bool = False  # past sending: a halt now changes nothing the run would report


class BroadcastSender:
    """Runs at most one broadcast at a time (the database allows one in 'sending')."""

    def __init__(
        self,
        repo: BroadcastsRepo,
        port: BroadcastPort,
        *,
        clock: Callable[[], float],
        sleep: Sleep = asyncio.sleep,
        limits: SenderLimits | None = None,
    ) -> None:
        self._repo = repo
        self._port = port
        self._clock = clock
        self._sleep = sleep
        self._limits = limits or SenderLimits()
        self._run: _Run | None = None
        self._task: asyncio.Task[None] | None = None
        self._switch = asyncio.Lock()  # launch and halt never interleave

    async def launch(self, broadcast_id: int) -> None:
        """Send the broadcast's pending recipients in the background."""
        async with self._switch:
            await self._finish_previous()
            record = await self._repo.get(broadcast_id)
            if record is None or record.status is not BroadcastStatus.SENDING:
                return
            self._run = run = _Run(broadcast_id, BroadcastMessage.of(record))
            self._task = asyncio.create_task(self._guarded(run), name=f"broadcast-{broadcast_id}")

    def halt(self, broadcast_id: int) -> bool:
        """Ask the run of ``broadcast_id`` to stop: no new copies; copies in flight finish, are
        marked, and then the run tells the port the broadcast's new status. False if it has no
        run (the caller tells the port itself)."""
        run, task = self._run, self._task
        if run is None or task is None or task.done() or run.broadcast_id != broadcast_id:
            return False
        if run.settling:
            return False
        run.halt.set()
        return True

    async def stop(self, grace_s: float) -> None:
        """Stop the run for a shutdown: copies in flight get ``grace_s`` to finish, then are
        cut off (their recipients stay pending); the broadcast stays 'sending'."""
        async with self._switch:
            run, task = self._run, self._task
            if run is None or task is None or task.done():
                return
            run.halt.set()
            await asyncio.wait({task}, timeout=grace_s)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _finish_previous(self) -> None:
        task = self._task
        if task is not None and not task.done():
            await asyncio.wait({task})

    # -- one run --------------------------------------------------------------------------------

    async def _guarded(self, run: _Run) -> None:
        try:
            await self._send_all(run)
        except asyncio.CancelledError:
            if run.progress_task is not None:
                run.progress_task.cancel()
            raise
        except Exception:
            # A failing database or a bug must not leave a broadcast 'sending' with nobody
            # sending it: it is paused, and the admin sees it and may resume.
            log.exception("broadcast %s: the sender failed; pausing it", run.broadcast_id)
            run.trouble = run.trouble or "internal error"
        await self._settle(run)

    async def _send_all(self, run: _Run) -> None:
        self._progress(run, force=True)
        slots = asyncio.Semaphore(self._limits.window)
        in_flight: set[asyncio.Task[None]] = set()

        def done(task: asyncio.Task[None]) -> None:
            in_flight.discard(task)
            slots.release()

        after = 0
        try:
            while not run.halt.is_set():
                batch = await self._repo.pending(run.broadcast_id, after, BATCH)
                if not batch:
                    if not in_flight:
                        break
                    await asyncio.wait(set(in_flight))  # then look again from the start
                    after = 0
                    continue
                for user_id in batch:
                    await slots.acquire()
                    if run.halt.is_set():
                        slots.release()
                        break
                    task = asyncio.create_task(self._one(run, user_id))
                    in_flight.add(task)
                    task.add_done_callback(done)
                    after = user_id
            if in_flight:
                await asyncio.wait(set(in_flight))
        except asyncio.CancelledError:
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)
            raise
        except Exception:
            run.halt.set()  # no new copies; those in flight finish and are marked
            if in_flight:
                await asyncio.wait(set(in_flight))
            raise

    async def _one(self, run: _Run, user_id: int) -> None:
        try:
            outcome = await self._attempt(run, user_id)
            if outcome is None:
                return  # halted before sending: stays pending
            status, error = outcome
            await self._repo.mark(run.broadcast_id, user_id, status, self._clock(), error)
        except Exception:
            log.exception(
                "broadcast %s: recipient %s could not be handled", run.broadcast_id, user_id
            )
            run.trouble = "internal error"
            run.halt.set()
            return
        if status is RecipientStatus.FAILED:
            run.failures_in_a_row += 1
            if run.failures_in_a_row >= self._limits.failures_in_a_row and not run.trouble:
                run.trouble = f"{run.failures_in_a_row} copies in a row failed (last: {error})"
                run.halt.set()
        else:
            run.failures_in_a_row = 0
        self._progress(run)

    async def _attempt(self, run: _Run, user_id: int) -> tuple[RecipientStatus, str | None] | None:
        """Send one copy; its outcome, or None when the run was halted before it was sent."""
        network_failures = 0
        while True:
            wait = run.pause_until - self._clock()
            if wait > 0 and not await self._wait(run, wait):
                return None
            if run.halt.is_set():
                return None
            try:
                await self._port.send(user_id, run.message)
                return RecipientStatus.SENT, None
            except RecipientGone as exc:
                return RecipientStatus.BLOCKED, str(exc)[:ERROR_DETAIL_MAX]
            except SendRefused as exc:
                return RecipientStatus.FAILED, exc.detail[:ERROR_DETAIL_MAX]
            except DeliveryError as exc:
                if exc.retry_after is not None:
                    until = self._clock() + exc.retry_after
                    if until > run.pause_until:
                        log.info(
                            "broadcast %s: Telegram asks to wait %.0f s",
                            run.broadcast_id,
                            exc.retry_after,
                        )
                        run.pause_until = until
                    continue
                network_failures += 1
                if network_failures >= self._limits.network_attempts:
                    return RecipientStatus.FAILED, str(exc)[:ERROR_DETAIL_MAX]
                pause = self._limits.network_pause_s * network_failures
                if not await self._wait(run, pause):
                    return None

    async def _wait(self, run: _Run, seconds: float) -> bool:
        """Sleep ``seconds``; False if the run was halted meanwhile."""
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        halted = asyncio.ensure_future(run.halt.wait())
        try:
            await asyncio.wait({sleeper, halted}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (sleeper, halted):
                waiter.cancel()
            await asyncio.gather(sleeper, halted, return_exceptions=True)
        return not run.halt.is_set()

    # -- progress and the end -------------------------------------------------------------------

    def _progress(self, run: _Run, *, force: bool = False) -> None:
        now = self._clock()
        busy = run.progress_task is not None and not run.progress_task.done()
        if busy or (not force and now - run.last_progress < self._limits.progress_every_s):
            return
        run.last_progress = now
        run.progress_task = asyncio.create_task(self._report(run.broadcast_id))

    async def _report(self, broadcast_id: int) -> None:
        record = await self._repo.get(broadcast_id)
        # Paused or cancelled meanwhile: the run tells that once its last copies are marked.
        if record is not None and record.status is BroadcastStatus.SENDING:
            await notify_quietly(self._port.progress(record), "show the broadcast's progress")

    async def _settle(self, run: _Run) -> None:
        """After the run: done when nothing is left, paused when it had trouble; a run halted
        by a pause or a cancel tells the port the state its last copies left behind."""
        halted, run.settling = run.halt.is_set(), True
        if run.progress_task is not None:
            await asyncio.gather(run.progress_task, return_exceptions=True)
        bid, now, moved = run.broadcast_id, self._clock(), False
        sending = (BroadcastStatus.SENDING,)
        if run.trouble:
            log.warning("broadcast %s paused: %s", bid, run.trouble)
            moved = await self._repo.move(bid, BroadcastStatus.PAUSED, now, expect=sending)
        elif not halted and not await self._repo.pending(bid, 0, 1):
            moved = await self._repo.move(bid, BroadcastStatus.DONE, now, expect=sending)
        if not (moved or halted):
            return
        record = await self._repo.get(bid)
        if record is None or record.status is BroadcastStatus.SENDING:
            return  # stopped for a shutdown: resumed on the next start
        if record.status.finished:
            log.info(
                "broadcast %s %s: %d sent, %d failed, %d blocked the bot, %d not sent",
                bid,
                record.status.value,
                record.sent,
                record.failed,
                record.blocked,
                record.left,
            )
            await notify_quietly(self._port.finished(record), "report the broadcast")
        else:
            await notify_quietly(self._port.progress(record), "show the broadcast's progress")
