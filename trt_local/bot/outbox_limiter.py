"""One outgoing budget for Telegram's limits, three lanes in strict priority (DESIGN §6).

``OutboxLimiter`` is a python-telegram-bot ``BaseRateLimiter``. Every message call the bot makes
(send*/edit*/copy*/forward*, stopPoll) waits here for a slot:

- one overall bucket, 28 messages/s with a burst of 5 (Telegram allows about 30/s; the headroom
  absorbs jitter between our clock and Telegram's);
- one bucket per chat, 1 message/s with a burst of 8, shared by all lanes (Telegram: "avoid more
  than one message per second" in a chat, "short bursts" allowed). The burst covers what a person
  can set off at once within the anti-flood gate (a /start and a few quick taps, each answered), so
  nobody waits for their own answers; longer streams (a resend of many files, an admin's burst of
  commands, progress edits) go at 1/s;
- three lanes: ``interactive`` (the default: a handler answering the user's own action),
  ``delivery`` (results and status edits; the notifier passes ``rate_limit_args={"lane":
  "delivery"}``) and ``broadcast`` (bulk sends). Each free overall slot goes to the first lane in
  that order with a call whose chat has a token, oldest call first; a chat still pacing never
  blocks the other chats behind it.

Within one chat and lane calls go out in the order they were made, one at a time: the next waits
until the previous one is answered (a 429 retried meanwhile keeps its place).

A 429 (``RetryAfter``) pauses every lane and chat for the time Telegram asks, then the call is
retried in its place (at most ``max_retries`` times, like ``AIORateLimiter``). The 429 does not say
whether a chat's limit or the bot's was hit, and bot developers report that after hitting a limit
anywhere every message gets 429 until the wait ends; continuing to other chats would only collect
more 429s and longer waits.

Not limited, as in ``AIORateLimiter`` (which limits only calls with a ``chat_id``; PTB never passes
getUpdates to a rate limiter): calls that create no message — answerCallbackQuery,
answerPreCheckoutQuery, sendChatAction, deleteMessage, getFile, getMe, setMyCommands… They go at
once, even during a pause; one that gets a 429 itself waits just for its own retry.

Buckets refill with ``PaceClock``: each step is the larger of the event loop's step and the app
clock's. So pacing never stalls when the app clock stands still or steps back (wall time, a frozen
test clock), and a test that jumps the app clock to act at a person's pace refills the buckets as a
person's pace would (as ``AntiFlood`` does). A single dispatcher task grants slots; it sleeps on an
event or until the next token, so an idle limiter costs no CPU, and ``shutdown`` cancels it and
fails the calls still waiting with ``OutboxClosed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger("trt.bot.outbox")

Lane = Literal["interactive", "delivery", "broadcast"]
LANES: tuple[Lane, ...] = ("interactive", "delivery", "broadcast")
LaneArgs: TypeAlias = Mapping[str, str]
Result: TypeAlias = bool | dict[str, Any] | list[dict[str, Any]]
Callback: TypeAlias = Callable[..., Coroutine[Any, Any, Result]]

OVERALL_RATE = 28.0
OVERALL_BURST = 5.0
CHAT_RATE = 1.0
CHAT_BURST = 8.0
MAX_RETRIES = 2
RETRY_MARGIN_S = 0.1  # past Telegram's whole seconds, as AIORateLimiter adds
_MIN_SLEEP_S = 0.001  # a frozen test clock must not make the dispatcher spin
_EPSILON = 1e-9

_MESSAGE_PREFIXES = ("send", "edit", "copy", "forward")
_FREE = frozenset({"sendChatAction"})


class OutboxClosed(NetworkError):
    """The limiter shut down while the call waited for its slot: it was never sent."""


def is_message_call(endpoint: str) -> bool:
    return (endpoint.startswith(_MESSAGE_PREFIXES) and endpoint not in _FREE) or (
        endpoint == "stopPoll"
    )


def chat_of(data: Mapping[str, Any]) -> int | str | None:
    chat = data.get("chat_id")
    if chat is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat)
    return str(chat).lower()


def lane_of(rate_limit_args: LaneArgs | None) -> Lane:
    lane = (rate_limit_args or {}).get("lane", "interactive")
    for known in LANES:
        if lane == known:
            return known
    raise ValueError(f"unknown outbox lane {lane!r}; one of {', '.join(LANES)}")


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB's settings."""
    value: Any = exc.retry_after
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)


class PaceClock:
    """Seconds that only move forward: by the larger step of the loop's clock and the app's."""

    def __init__(self, app_clock: Callable[[], float] | None = None) -> None:
        self._app_clock = app_clock
        self._now = 0.0
        self._loop_last: float | None = None
        self._app_last = 0.0

    def __call__(self) -> float:
        loop_now = asyncio.get_running_loop().time()
        app_now = self._app_clock() if self._app_clock is not None else 0.0
        if self._loop_last is not None:
            self._now += max(0.0, loop_now - self._loop_last, app_now - self._app_last)
        self._loop_last, self._app_last = loop_now, app_now
        return self._now


class _Bucket:
    """Tokens refilled at ``rate`` up to ``burst``; one per call (an album is one call)."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, now

    def refill(self, now: float) -> None:
        # A clock that steps back (wall time) only pauses the refill.
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = max(self.stamp, now)

    def ready_at(self, now: float) -> float:
        """When the bucket holds a whole token (``now`` or earlier if it does)."""
        self.refill(now)
        missing = 1.0 - self.tokens
        return now if missing <= _EPSILON else now + missing / self.rate

    def full(self, now: float) -> bool:
        self.refill(now)
        return self.tokens >= self.burst - _EPSILON


@dataclass(eq=False, slots=True)
class _Ticket:
    seq: int
    lane: Lane
    chat: int | str | None
    future: asyncio.Future[None]


@dataclass(eq=False, slots=True)
class _Queue:
    """The calls of one chat in one lane, oldest first."""

    lane: Lane
    chat: int | str | None
    tickets: deque[_Ticket] = field(default_factory=deque)
    busy: bool = False  # a granted call is not answered yet
    scheduled: bool = False  # in its lane's ready or waiting heap

    def head(self) -> _Ticket | None:
        while self.tickets and self.tickets[0].future.done():
            self.tickets.popleft()  # withdrawn: its caller was cancelled
        return self.tickets[0] if self.tickets else None


class _LaneState:
    """Queues with a call waiting: ready (their chat has a token) by age, else by ready time."""

    def __init__(self) -> None:
        self.ready: list[tuple[int, int, _Queue]] = []
        self.waiting: list[tuple[float, int, _Queue]] = []
        self.tie = itertools.count()

    def __bool__(self) -> bool:
        return bool(self.ready or self.waiting)


class OutboxLimiter(BaseRateLimiter[LaneArgs]):
    def __init__(
        self,
        *,
        overall_rate: float = OVERALL_RATE,
        overall_burst: float = OVERALL_BURST,
        chat_rate: float = CHAT_RATE,
        chat_burst: float = CHAT_BURST,
        max_retries: int = MAX_RETRIES,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """``clock`` is the app clock (see ``PaceClock``); without one the loop's alone paces."""
        self._clock = PaceClock(clock)
        self._chat_rate, self._chat_burst = chat_rate, chat_burst
        self._overall = _Bucket(overall_rate, overall_burst, 0.0)
        self._chats: dict[int | str | None, _Bucket] = {}
        self._queues: dict[tuple[Lane, int | str | None], _Queue] = {}
        self._lanes = {lane: _LaneState() for lane in LANES}
        self._max_retries = max_retries
        self._paused_until = 0.0
        self._seq = itertools.count()
        self._wakeup = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self._closed = False
        self._prune_at = 1024

    async def initialize(self) -> None:
        self._closed = False

    async def shutdown(self) -> None:
        self._closed = True
        task, self._dispatcher = self._dispatcher, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for queue in self._queues.values():
            for ticket in queue.tickets:
                if not ticket.future.done():
                    ticket.future.set_exception(OutboxClosed("the bot is shutting down"))
            queue.tickets.clear()
        for lane in self._lanes.values():
            lane.ready.clear()
            lane.waiting.clear()

    # -- the call path --------------------------------------------------------------------------
    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: LaneArgs | None,
    ) -> Result:
        lane = lane_of(rate_limit_args)
        if not is_message_call(endpoint):
            return await self._free_call(callback, args, kwargs, endpoint)
        if self._closed:
            raise OutboxClosed("the bot is shutting down")
        loop = asyncio.get_running_loop()
        ticket = _Ticket(next(self._seq), lane, chat_of(data), loop.create_future())
        for attempt in range(self._max_retries + 1):
            await self._take_turn(ticket, retry=attempt > 0)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if attempt == self._max_retries:
                    log.warning("%s still refused after %d retries (429)", endpoint, attempt)
                    raise
                log.info("429 on %s: every lane waits %.1f s", endpoint, seconds)
                self._pause(seconds)
                ticket.future = loop.create_future()
            finally:
                self._release(ticket)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _free_call(
        self, callback: Callback, args: Any, kwargs: dict[str, Any], endpoint: str
    ) -> Result:
        for attempt in range(self._max_retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self._max_retries:
                    raise
                log.info("429 on %s: retrying it alone", endpoint)
                await asyncio.sleep(retry_seconds(exc) + RETRY_MARGIN_S)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _take_turn(self, ticket: _Ticket, *, retry: bool) -> None:
        queue = self._queues.get((ticket.lane, ticket.chat))
        if queue is None:
            queue = self._queues[(ticket.lane, ticket.chat)] = _Queue(ticket.lane, ticket.chat)
        if retry:
            queue.tickets.appendleft(ticket)  # keeps its place before later calls of its queue
        else:
            queue.tickets.append(ticket)
        if not self._grant_at_once(queue):
            self._schedule(queue)
            self._wake()
        try:
            await ticket.future
        except asyncio.CancelledError:
            if ticket.future.done() and not ticket.future.cancelled():
                self._release(ticket)  # granted, but its caller will not send it
            ticket.future.cancel()
            raise

    def _release(self, ticket: _Ticket) -> None:
        """The granted call was answered (or never made): its queue may go on."""
        queue = self._queues.get((ticket.lane, ticket.chat))
        if queue is None or not queue.busy:
            return
        queue.busy = False
        if queue.head() is not None:
            self._schedule(queue)
            self._wake()
        elif not queue.scheduled:
            del self._queues[(queue.lane, queue.chat)]

    def _pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds + RETRY_MARGIN_S)
        self._wake()

    # -- granting -------------------------------------------------------------------------------
    def _chat(self, chat: int | str | None, now: float) -> _Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            # An inline message has no chat to pace: only the overall budget applies to it.
            rate, burst = (
                (math.inf, math.inf) if chat is None else (self._chat_rate, self._chat_burst)
            )
            bucket = self._chats[chat] = _Bucket(rate, burst, now)
        return bucket

    def _grant_at_once(self, queue: _Queue) -> bool:
        """The fast path: nothing of this lane or a higher one waits and both buckets have room."""
        if queue.busy or queue.scheduled or len(queue.tickets) != 1:
            return False
        for lane in LANES:
            if self._lanes[lane]:
                return False
            if lane == queue.lane:
                break
        now = self._clock()
        if now < self._paused_until or self._overall.ready_at(now) > now:
            return False
        if self._chat(queue.chat, now).ready_at(now) > now:
            return False
        self._grant(queue, now)
        return True

    def _grant(self, queue: _Queue, now: float) -> None:
        ticket = queue.tickets.popleft()
        self._overall.tokens -= 1
        self._chat(queue.chat, now).tokens -= 1
        queue.busy = True
        ticket.future.set_result(None)

    def _schedule(self, queue: _Queue) -> None:
        head = queue.head()
        if queue.busy or queue.scheduled or head is None:
            return
        now = self._clock()
        lane = self._lanes[queue.lane]
        ready_at = self._chat(queue.chat, now).ready_at(now)
        if ready_at <= now:
            heapq.heappush(lane.ready, (head.seq, next(lane.tie), queue))
        else:
            heapq.heappush(lane.waiting, (ready_at, next(lane.tie), queue))
        queue.scheduled = True

    def _next_ready(self, lane: _LaneState, now: float) -> _Queue | None:
        """The oldest queue of ``lane`` whose chat has a token now (taken out of the heaps)."""
        while lane.waiting and lane.waiting[0][0] <= now:
            queue = heapq.heappop(lane.waiting)[2]
            head = queue.head()
            if head is None:
                self._unschedule(queue)
            else:
                heapq.heappush(lane.ready, (head.seq, next(lane.tie), queue))
        while lane.ready:
            queue = heapq.heappop(lane.ready)[2]
            queue.scheduled = False
            if queue.head() is None:
                self._unschedule(queue)
                continue
            ready_at = self._chat(queue.chat, now).ready_at(now)
            if ready_at <= now:
                return queue
            # Another lane spent this chat's token meanwhile: back to waiting.
            heapq.heappush(lane.waiting, (ready_at, next(lane.tie), queue))
            queue.scheduled = True
        return None

    def _unschedule(self, queue: _Queue) -> None:
        queue.scheduled = False
        if not queue.busy and not queue.tickets:
            self._queues.pop((queue.lane, queue.chat), None)

    def _dispatch(self, now: float) -> float | None:
        """Grant every slot due now; returns when to look again (``None``: when woken)."""
        if now < self._paused_until:
            return self._paused_until if any(self._lanes.values()) else None
        while any(self._lanes.values()):
            overall_at = self._overall.ready_at(now)
            if overall_at > now:
                return overall_at
            for lane in self._lanes.values():
                queue = self._next_ready(lane, now)
                if queue is not None:
                    self._grant(queue, now)
                    break
            else:  # every waiting call's chat is still pacing
                times = [lane.waiting[0][0] for lane in self._lanes.values() if lane.waiting]
                return min(times) if times else None
        self._prune(now)
        return None

    def _prune(self, now: float) -> None:
        """Forget idle chats whose buckets are full again (a broadcast touches thousands)."""
        if len(self._chats) < self._prune_at:
            return
        active = {queue.chat for queue in self._queues.values()}
        for chat in [c for c, b in self._chats.items() if c not in active and b.full(now)]:
            del self._chats[chat]
        self._prune_at = max(1024, 2 * len(self._chats))

    def _wake(self) -> None:
        if self._dispatcher is None or self._dispatcher.done():
            if self._closed:
                return
            self._dispatcher = asyncio.get_running_loop().create_task(
                self._run(), name="outbox-limiter"
            )
        self._wakeup.set()

    async def _run(self) -> None:
        while True:
            self._wakeup.clear()
            now = self._clock()
            wake_at = self._dispatch(now)
            if wake_at is None:
                await self._wakeup.wait()
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(_MIN_SLEEP_S, wake_at - now)):
                    await self._wakeup.wait()


class Unpaced(BaseRateLimiter[LaneArgs]):
    """No pacing at all, but accepts the lane arguments (benchmarks measure the bare path)."""

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to stop."""

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: LaneArgs | None,
    ) -> Result:
        lane_of(rate_limit_args)  # a wrong lane is a bug whether or not we pace
        return await callback(*args, **kwargs)


__all__ = ["LANES", "Lane", "OutboxClosed", "OutboxLimiter", "Unpaced"]
