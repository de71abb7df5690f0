"""Timing the bot from the emulator's side: when an update was handed out, when its reply came.

``ReplyTap`` wraps the emulator's entry point (``TelegramEmulator.call``, the one door every Bot API
call of the bot goes through). For each watched chat it keeps the moments its updates were handed
out by getUpdates, oldest first; the chat's next accepted ``sendMessage`` is the reply to the
oldest of them, and their difference one latency sample (the bot's side only: no polling wait, no
emulator work before the hand-out). Times are the running loop's, so virtual time works too.

Counting replies per chat also lets a driver wait for "user u got k replies" on a future of its
own, instead of waking every waiting user on every change as ``EmulatedUser.wait_for`` does.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from trt_local.emulator import TelegramEmulator, UploadedFile


class ReplyTap:
    def __init__(
        self,
        emu: TelegramEmulator,
        watched: Callable[[int], bool] = lambda _chat: True,
        *,
        skip_text: str | None = None,
    ) -> None:
        """``watched(chat_id)`` picks the chats to time; a ``sendMessage`` with ``skip_text``
        (a broadcast copy) is no reply."""
        self.emu = emu
        self._watched = watched
        self._skip_text = skip_text
        self._handed_out: dict[int, deque[float]] = {}
        self.latencies: list[float] = []
        self.replies: dict[int, int] = {}
        self.last_reply = 0.0
        self._waiters: dict[int, list[tuple[int, asyncio.Future[None]]]] = {}
        self._inner = emu.call
        emu.call = self._call  # type: ignore[method-assign]

    async def replied(self, chat: int, count: int) -> None:
        """Until ``chat`` got ``count`` replies in all."""
        if self.replies.get(chat, 0) >= count:
            return
        future = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(chat, []).append((count, future))
        await future

    async def _call(
        self,
        token: str,
        method: str,
        params: Mapping[str, str],
        files: Mapping[str, UploadedFile] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        status, envelope = await self._inner(token, method, params, files)
        if status != 200:
            return status, envelope
        if method == "getUpdates":
            handed_out = loop.time()
            for update in envelope["result"]:
                chat = update.get("message", {}).get("chat", {}).get("id")
                if chat is not None and self._watched(chat):
                    self._handed_out.setdefault(chat, deque()).append(handed_out)
        elif method == "sendMessage" and params.get("text") != self._skip_text:
            self._reply(int(params["chat_id"]), arrived)
        return status, envelope

    def _reply(self, chat: int, arrived: float) -> None:
        queue = self._handed_out.get(chat)
        if not queue:
            return  # not an answer to a timed update (a second message, a progress card)
        self.latencies.append(arrived - queue.popleft())
        count = self.replies[chat] = self.replies.get(chat, 0) + 1
        self.last_reply = max(self.last_reply, arrived)
        waiters = self._waiters.get(chat)
        if waiters:
            for wanted, future in [w for w in waiters if w[0] <= count]:
                waiters.remove((wanted, future))
                if not future.done():
                    future.set_result(None)
