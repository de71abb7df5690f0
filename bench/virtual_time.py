"""An event loop on virtual time that skips idle waits exactly, for benchmarks of paced work.

Like ``bench/outbox.py``'s ``WarpLoop`` the clock is monotonic time plus the idle waits skipped,
so CPU time is counted as it passes and only waiting is skipped. The difference: instead of
waiting a fixed grace period for I/O before it skips, this loop *knows* whether work is out on a
thread (an aiosqlite statement, an ``asyncio.to_thread`` call). While some is, it waits for it in
real time; when none is and nothing is ready, nothing but a timer can wake it, so it jumps to
the next timer at once. A slow disk or a busy machine therefore never shifts virtual time, and an
idle wait costs no real time at all.

aiosqlite is counted by wrapping ``Connection._execute`` (every statement, fetch, commit and close
passes through it), the default executor by overriding ``run_in_executor``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import selectors
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite


class _SkippingSelector:
    """Blocks only while thread work is out; otherwise an idle wait is skipped on the clock."""

    def __init__(self, loop: VirtualLoop) -> None:
        self._inner = selectors.DefaultSelector()
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout is None or timeout <= 0 or self._loop.thread_work > 0:
            # Nothing scheduled (only I/O can wake us), or a thread's answer is due: it arrives
            # through the loop's self-pipe.
            return self._inner.select(timeout)
        events = self._inner.select(0)
        if not events:
            self._loop.skipped += timeout
        return events

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class VirtualLoop(asyncio.SelectorEventLoop):
    """Monotonic time plus every idle wait skipped (see the module docstring)."""

    def __init__(self) -> None:
        self.skipped = 0.0
        self.thread_work = 0
        super().__init__(_SkippingSelector(self))  # type: ignore[arg-type]

    def time(self) -> float:
        return time.monotonic() + self.skipped

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., Any], *args: Any
    ) -> asyncio.Future[Any]:
        future = super().run_in_executor(executor, func, *args)
        self.thread_work += 1
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _future: asyncio.Future[Any]) -> None:
        self.thread_work -= 1


@contextmanager
def counted_sqlite() -> Iterator[None]:
    """Count every aiosqlite call as thread work of the running :class:`VirtualLoop`."""
    original: Callable[..., Any] = aiosqlite.Connection._execute

    async def execute(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        if not isinstance(loop, VirtualLoop):
            return await original(self, fn, *args, **kwargs)
        loop.thread_work += 1
        try:
            return await original(self, fn, *args, **kwargs)
        finally:
            loop.thread_work -= 1

    aiosqlite.Connection._execute = execute  # type: ignore[method-assign]
    try:
        yield
    finally:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]
