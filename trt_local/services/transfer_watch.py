"""The transfer desk's background task: expire old requests, and tell people what happened.

One pass: pending transfers past ``transfer_expiry_hours`` expire; then every transfer whose
status differs from ``payments.told`` is owed a message — a new proof goes to every admin (with
Approve / Reject), a decision goes to the user and replaces the buttons on each admin's copy —
and ``told`` is set once that is done. So a stop between a decision and its messages loses
nothing (the next pass sends them), and one task sends everything: no two copies race. A pass
runs when something changed (:attr:`TransferService.changed`) and at least every
:data:`CHECK_INTERVAL_S`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from trt_local.services.background import BackgroundTask
from trt_local.services.ports import DeliveryError
from trt_local.services.transfers import TransferService
from trt_local.storage.transfers import TransferRecord

log = logging.getLogger("trt.transfers")

CHECK_INTERVAL_S = 60.0
ERROR_PAUSE_S = 30.0
STOP_GRACE_S = 5.0


class TransferNotifier(Protocol):
    """What the bot implements. Each call raises :class:`DeliveryError` when it may work later;
    a recipient who cannot be reached at all is logged and skipped, not an error."""

    async def announce(self, transfer: TransferRecord, admin_id: int) -> int | None:
        """Send the proof to one admin with Approve / Reject; its message id (None: unreachable)."""

    async def update_admin(self, transfer: TransferRecord, admin_id: int, message_id: int) -> None:
        """Show the outcome on that admin's copy and take its buttons away."""

    async def tell_user(self, transfer: TransferRecord, balance_minor: int | None) -> None:
        """Tell the user the transfer was approved (with the new balance), rejected or expired."""


class TransferWatch:
    def __init__(
        self,
        transfers: TransferService,
        notifier: TransferNotifier,
        *,
        admin_ids: Callable[[], Iterable[int]],
        clock: Callable[[], float],
        interval_s: float = CHECK_INTERVAL_S,
    ) -> None:
        self._transfers = transfers
        self._repo = transfers.repo
        self._notifier = notifier
        self._admin_ids = admin_ids
        self._clock = clock
        self._interval = interval_s
        self._background = BackgroundTask("trt-transfers", self._run)
        self._lock = asyncio.Lock()  # a pass at a time: a test's run_once and the task alike

    def start(self) -> None:
        self._background.start()

    async def stop(self) -> None:
        """Let a pass in progress finish (briefly), then end the task."""
        if not self._background.running:
            return
        try:
            await asyncio.wait_for(self._lock.acquire(), timeout=STOP_GRACE_S)
            held = True
        except TimeoutError:
            held = False  # a pass hangs: cut it off; what it did not record goes out next start
        try:
            await self._background.stop()
        finally:
            if held:
                self._lock.release()

    def wake(self) -> None:
        self._transfers.changed.set()

    async def _run(self) -> None:
        changed = self._transfers.changed
        while True:
            changed.clear()
            try:
                await self.run_once()
                pause = self._interval
            except Exception:
                # The desk must outlive a failed pass (a locked disk, a bug): log it, try later.
                log.exception("transfer pass failed; retrying in %.0f s", ERROR_PAUSE_S)
                pause = ERROR_PAUSE_S
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout=pause)

    async def run_once(self) -> None:
        """Expire what is due, then send every message still owed."""
        async with self._lock:
            await self._transfers.expire_due(self._clock())
            for transfer in await self._repo.untold():
                try:
                    await self._tell(transfer)
                except DeliveryError as exc:
                    log.info("transfer %s: a message must wait (%s)", transfer.id, exc)

    async def _tell(self, transfer: TransferRecord) -> None:
        sent = await self._repo.admin_messages(transfer.id)
        if transfer.status == "pending":
            admins = [admin for admin in self._admin_ids() if admin not in sent]
            if not sent and not admins:
                log.warning("transfer %s waits for review, but no admin is configured", transfer.id)
            for admin_id in admins:
                message_id = await self._notifier.announce(transfer, admin_id)
                if message_id is not None:
                    # Recorded one by one: after a failure, only the admins left get it again.
                    await self._repo.add_admin_message(transfer.id, admin_id, message_id)
        else:
            for admin_id, message_id in sent.items():
                await self._notifier.update_admin(transfer, admin_id, message_id)
            balance = None
            if transfer.status == "approved":
                balance = await self._repo.credited_balance(transfer.id)
            await self._notifier.tell_user(transfer, balance)
        await self._repo.mark_told(transfer.id, transfer.status)
