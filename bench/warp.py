"""Virtual time for benchmarks whose limits are paces (30 msg/s): ``WarpLoop`` and its wall clock.

``WarpLoop`` is an event loop whose clock skips ahead whenever the loop would otherwise sleep with
nothing to do: it waits ``grace`` seconds of real time for I/O (an aiosqlite thread finishing),
then jumps to its next timer. CPU time is counted as it passes, so only idle waiting is skipped.
Everything paced on the loop's clock follows it: the emulator's flood rules, the outgoing limiter
(via ``loop.time()``), asyncio sleeps and timeouts.

Waiting for a thread is not idling: while an aiosqlite call is out (its worker thread runs the
statement) or an ``asyncio.to_thread``/``run_in_executor`` call runs, the loop waits in real time
and skips nothing. Without that, a commit slower than the grace on a busy machine let the clock
jump to the next timer — often a 10 s long-poll timeout — and a broadcast of 10 000 seemed to
crawl at 11 msg/s. Other threads are not tracked: the grace covers them; with ``grace=0`` (when
every thread the code uses is one of those) an idle wait is skipped at once and costs no real time.

The app's own clock must move with it (the broadcast sender computes its pauses on the app
clock and sleeps them on the loop's): :func:`warp_clock` is wall time at the start plus the loop's
time since, so it reads like ``time.time`` and skips along.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import selectors
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import aiosqlite

DEFAULT_GRACE_S = 0.002


class _SkippingSelector:
    """Waits for real I/O at most ``grace`` seconds; a longer idle wait is skipped on the clock."""

    def __init__(
        self, loop_offset: Callable[[float], None], busy: Callable[[], bool], grace: float
    ) -> None:
        self._inner = selectors.DefaultSelector()
        self._skip = loop_offset
        self._busy = busy
        self.grace = grace

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout is None or timeout <= 0 or timeout <= self.grace or self._busy():
            return self._inner.select(timeout)  # nothing scheduled: only I/O can wake us
        events = self._inner.select(self.grace)
        if not events:
            self._skip(timeout - self.grace)
        return events

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class WarpLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock is monotonic time plus the idle waits it skipped."""

    def __init__(self, grace: float = DEFAULT_GRACE_S) -> None:
        self.skipped = 0.0
        self.threads_out = 0  # aiosqlite calls whose worker thread has not answered yet
        self._selector_ = _SkippingSelector(self._add_skip, lambda: self.threads_out > 0, grace)
        super().__init__(self._selector_)  # type: ignore[arg-type]
        _count_aiosqlite_calls()

    def _add_skip(self, seconds: float) -> None:
        self.skipped += seconds

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., Any], *args: Any
    ) -> asyncio.Future[Any]:
        future = super().run_in_executor(executor, func, *args)
        self.threads_out += 1
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _future: asyncio.Future[Any]) -> None:
        self.threads_out -= 1

    def time(self) -> float:
        return time.monotonic() + self.skipped

    @contextlib.contextmanager
    def patient(self, grace: float = 1.0) -> Iterator[None]:
        """Wait up to ``grace`` of real time for I/O meanwhile: for set-up steps whose database
        work (thousands of rows at once) would otherwise be skipped past to a timeout."""
        before, self._selector_.grace = self._selector_.grace, grace
        try:
            yield
        finally:
            self._selector_.grace = before


def patient(grace: float = 1.0) -> contextlib.AbstractContextManager[None]:
    """``WarpLoop.patient`` on the running loop; nothing on a real-time loop."""
    loop = asyncio.get_running_loop()
    return loop.patient(grace) if isinstance(loop, WarpLoop) else contextlib.nullcontext()


_original_execute: Callable[..., Awaitable[Any]] = aiosqlite.Connection._execute


async def _counted_execute(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
    loop = asyncio.get_running_loop()
    if not isinstance(loop, WarpLoop):
        return await _original_execute(self, fn, *args, **kwargs)
    loop.threads_out += 1
    try:
        return await _original_execute(self, fn, *args, **kwargs)
    finally:
        loop.threads_out -= 1


def _count_aiosqlite_calls() -> None:
    """Every aiosqlite call (connection and cursor methods) goes through ``_execute``."""
    aiosqlite.Connection._execute = _counted_execute  # type: ignore[method-assign]


def warp_clock() -> Callable[[], float]:
    """A ``time.time``-like app clock that moves with the running loop's (possibly virtual) time."""
    loop = asyncio.get_running_loop()
    origin, wall = loop.time(), time.time()
    return lambda: wall + (loop.time() - origin)


def run_warped(main: Callable[[], Any], grace: float = DEFAULT_GRACE_S) -> Any:
    """``asyncio.run(main())`` on a fresh ``WarpLoop``."""
    with asyncio.Runner(loop_factory=lambda: WarpLoop(grace)) as runner:
        return runner.run(main())
