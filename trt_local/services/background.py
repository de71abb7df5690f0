"""A service's one background task, and the loop of a check that runs now and then.

:class:`BackgroundTask` starts a coroutine once and stops it by cancelling it and waiting for it
to end (the watches: credit_watch, kie_drift, transfer_watch). :func:`run_every` is the timer loop
of the watches that check something periodically: a first pause (the bot first gets on with its
users), then a check, then the pause that check asks for. A failed check is logged and tried
again after ``retry_after_s``: it never ends the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any


class BackgroundTask:
    """``run`` as one named task: :meth:`start` is a no-op while it runs; :meth:`stop` cancels."""

    def __init__(self, name: str, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._name = name
        self._run = run
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Started and not yet stopped."""
        return self._task is not None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def run_every(
    check: Callable[[], Awaitable[float]],
    *,
    first_after_s: float,
    retry_after_s: float,
    sleep: Callable[[float], Awaitable[None]],
    log: logging.Logger,
    failed: str,
) -> None:
    """Wait ``first_after_s``, then forever: ``check()`` and sleep the seconds it returns."""
    await sleep(first_after_s)
    while True:
        try:
            pause = await check()
        except Exception:
            # A failed check (a locked database, a bug) must not end the watch.
            log.exception(failed)
            pause = retry_after_s
        await sleep(pause)
