"""Virtual time for benchmarks whose limits are paces (30 msg/s): ``WarpLoop`` and its wall clock.

``WarpLoop`` is an event loop whose clock skips ahead whenever the loop would otherwise sleep with
nothing to do: it waits ``grace`` seconds of real time for I/O (an aiosqlite thread finishing),
then jumps to its next timer. CPU time is counted as it passes, so only idle waiting is skipped.
Everything paced on the loop's clock follows it: the emulator's flood rules, the outgoing limiter
(via ``loop.time()``), asyncio sleeps and timeouts. A database step slower than the grace gets its
wait counted up to the next timer, so keep the grace above a commit's time.

The app's own clock must move with it (the broadcast sender computes its pauses on the app
clock and sleeps them on the loop's): :func:`warp_clock` is wall time at the start plus the loop's
time since, so it reads like ``time.time`` and skips along.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Callable
from typing import Any

DEFAULT_GRACE_S = 0.002


class _SkippingSelector:
    """Waits for real I/O at most ``grace`` seconds; a longer idle wait is skipped on the clock."""

    def __init__(self, loop_offset: Callable[[float], None], grace: float) -> None:
        self._inner = selectors.DefaultSelector()
        self._skip = loop_offset
        self._grace = grace

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout is None or timeout <= self._grace:
            return self._inner.select(timeout)  # nothing scheduled: only I/O can wake us
        events = self._inner.select(self._grace)
        if not events:
            self._skip(timeout - self._grace)
        return events

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class WarpLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock is monotonic time plus the idle waits it skipped."""

    def __init__(self, grace: float = DEFAULT_GRACE_S) -> None:
        self.skipped = 0.0
        super().__init__(_SkippingSelector(self._add_skip, grace))  # type: ignore[arg-type]

    def _add_skip(self, seconds: float) -> None:
        self.skipped += seconds

    def time(self) -> float:
        return time.monotonic() + self.skipped


def warp_clock() -> Callable[[], float]:
    """A ``time.time``-like app clock that moves with the running loop's (possibly virtual) time."""
    loop = asyncio.get_running_loop()
    origin, wall = loop.time(), time.time()
    return lambda: wall + (loop.time() - origin)


def run_warped(main: Callable[[], Any], grace: float = DEFAULT_GRACE_S) -> Any:
    """``asyncio.run(main())`` on a fresh ``WarpLoop``."""
    with asyncio.Runner(loop_factory=lambda: WarpLoop(grace)) as runner:
        return runner.run(main())


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: with 20 values p99 is the largest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]
