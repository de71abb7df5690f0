"""Telegram's flood rules, optional in the emulator: about 30 messages/s overall, 1/s per chat.

Telegram documents only the paces (Bot FAQ: "avoid sending more than one message per second" in a
chat, "short bursts" allowed; "no more than 30 messages per second or so" in bulk), not the exact
algorithm. The emulator models them as two token buckets, one token per call:

- overall: 30 calls/s, a burst of 10 above that pace;
- per chat: 1 call/s, a burst of 10 (Telegram itself puts up to 10 messages into a chat at once,
  as an album; the pace shows on longer streams).

An album (sendMediaGroup) is one call, as python-telegram-bot's AIORateLimiter counts it; Telegram
does not say otherwise. A refused call gets 429 ``Too Many Requests: retry after N`` (whole seconds,
at least 1, as Telegram gives) and starts a flood wait for the whole bot: until it ends every
message call is refused, whatever the chat, with the seconds left. That is how bot developers
report Telegram behaving ("if you hit rate limits anywhere, your bot will get 429 errors, no matter
what the message"), and it makes a client that retries early visible: it collects a second 429. An
injected ``faults.retry_after`` starts the same wait while the rules are on.

Only calls that put or change messages count (send*/edit*/copy*/forward*, stopPoll); chat actions,
deletes, callback and pre-checkout answers, getUpdates and the rest are free.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from trt_local.emulator.errors import ApiError

_MESSAGE_PREFIXES = ("send", "edit", "copy", "forward")
_FREE = frozenset({"sendChatAction"})


@dataclass(frozen=True, slots=True)
class FloodLimits:
    overall_rate: float = 30.0
    overall_burst: float = 10.0
    chat_rate: float = 1.0
    chat_burst: float = 10.0


TELEGRAM_LIMITS = FloodLimits()


def loop_time() -> float:
    """The running event loop's clock: monotonic, and virtual on a loop whose time is."""
    return asyncio.get_running_loop().time()


def is_message_method(method: str) -> bool:
    """Methods Telegram's message limits apply to (canonical Bot API names)."""
    return (method.startswith(_MESSAGE_PREFIXES) and method not in _FREE) or method == "stopPoll"


def chat_key(params: Mapping[str, str]) -> str | None:
    """The chat a call writes to (``None`` for inline messages, which have no chat)."""
    chat = params.get("chat_id")
    return chat.strip().lower() if chat else None


class _Bucket:
    """Tokens refilled at ``rate`` up to ``burst``."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, now

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = max(self.stamp, now)

    def wait(self) -> float:
        """Seconds until the bucket holds a whole token again (0 if it does)."""
        return max(0.0, (1.0 - self.tokens) / self.rate)


class FloodControl:
    """Decides, per message call, whether Telegram would refuse it; counts the refusals."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._overall: _Bucket | None = None  # made on the first call: the clock may need a loop
        self._chats: dict[str, _Bucket] = {}
        self._wait_until = 0.0
        self.refused = 0  # 429s these rules answered
        self.admitted = 0  # message calls let through

    def hold(self, seconds: float) -> None:
        """Start (or extend) a flood wait for the whole bot, as a 429 with ``seconds`` does."""
        self._wait_until = max(self._wait_until, self._clock() + seconds)

    def check(self, method: str, params: Mapping[str, str]) -> ApiError | None:
        """``None`` admits the call (and spends a token of each bucket); else the 429 to answer."""
        if not is_message_method(method):
            return None
        now = self._clock()
        if now < self._wait_until:
            return self._refuse(self._wait_until - now)
        overall = self._overall
        if overall is None:
            overall = self._overall = _Bucket(
                self.limits.overall_rate, self.limits.overall_burst, now
            )
        overall.refill(now)
        key = chat_key(params)
        chat = self._chat(key, now) if key is not None else None
        wait = max(overall.wait(), chat.wait() if chat is not None else 0.0)
        if wait > 0:
            self.hold(math.ceil(wait))
            return self._refuse(self._wait_until - now)
        overall.tokens -= 1
        if chat is not None:
            chat.tokens -= 1
        self.admitted += 1
        return None

    def _chat(self, key: str, now: float) -> _Bucket:
        bucket = self._chats.get(key)
        if bucket is None:
            if len(self._chats) >= 4096:  # forget chats whose buckets are full again
                for old in [k for k, b in self._chats.items() if _full(b, now)]:
                    del self._chats[old]
            bucket = self._chats[key] = _Bucket(self.limits.chat_rate, self.limits.chat_burst, now)
        bucket.refill(now)
        return bucket

    def _refuse(self, seconds: float) -> ApiError:
        self.refused += 1
        retry_after = max(1, math.ceil(seconds - 1e-9))
        return ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )


def _full(bucket: _Bucket, now: float) -> bool:
    bucket.refill(now)
    return bucket.tokens >= bucket.burst
