"""``TelegramEmulator``: an in-memory Telegram Bot API for the demo mode and the end-to-end tests.

The bot side enters through ``call(token, method, params, files)``, which answers exactly like the
Bot API: ``(http_status, {"ok": true, "result": …})`` or an error envelope. Params are the form
strings both Telegram transports carry. The transports (``request.EmulatorRequest`` in-process,
``http.EmulatorServer`` on 127.0.0.1) only translate to and from this call.

The user side is ``emu.user(id)`` → ``EmulatedUser`` (send text, press buttons, pay invoices…), and
readers wait for the bot on one ``asyncio.Condition`` that every change notifies. No telegram import
here: the emulator must stay usable by anything that speaks the Bot API.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from trt_local.emulator import methods_bot, methods_media, methods_messages, methods_payments
from trt_local.emulator.errors import ApiError, EmulatedNetworkError, bad_request
from trt_local.emulator.faults import Fault, FaultPlan, Matcher, conflict
from trt_local.emulator.flood import TELEGRAM_LIMITS, FloodControl, FloodLimits, loop_time
from trt_local.emulator.params import Params
from trt_local.emulator.records import (
    ApiCall,
    CallbackAnswer,
    ChatEvent,
    ChatMessage,
    StarPayment,
    UploadedFile,
)
from trt_local.emulator.state import EmulatorState, Profile
from trt_local.emulator.users import EmulatedUser

_LOG = logging.getLogger(__name__)
T = TypeVar("T")

_HANDLERS: dict[str, methods_bot.Handler] = {
    **methods_bot.METHODS,
    **methods_messages.METHODS,
    **methods_media.METHODS,
    **methods_payments.METHODS,
}
_CANONICAL = {name.lower(): name for name in (*_HANDLERS, "getUpdates")}
CALL_LOG_SIZE = 10_000

Subscriber = Callable[[ChatEvent], object]


class TelegramEmulator:
    def __init__(
        self,
        token: str = "123456:DEMO-token",
        *,
        bot_id: int = 123456,
        bot_username: str = "trt_demo_bot",
        bot_first_name: str = "TRT Demo",
        clock: Callable[[], float] = time.time,
        file_folder: Path | None = None,
    ) -> None:
        self._token = token
        bot = Profile(bot_id, bot_first_name, is_bot=True, username=bot_username)
        self._state = EmulatorState(bot, clock, file_folder)
        self._cond = asyncio.Condition()
        self._faults = FaultPlan()
        self._calls: deque[ApiCall] = deque(maxlen=CALL_LOG_SIZE)
        self._subscribers: list[Subscriber] = []
        self._users: dict[int, EmulatedUser] = {}
        self._poll_ticket = 0
        self._polling = 0  # long polls waiting right now
        self._flood: FloodControl | None = None

    def __repr__(self) -> str:  # never show the token
        return f"<TelegramEmulator bot=@{self._state.bot.username} users={len(self._users)}>"

    def accepts_token(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self._token.encode())

    async def call(
        self,
        token: str,
        method: str,
        params: Mapping[str, str],
        files: Mapping[str, UploadedFile] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """One Bot API call → (HTTP status, envelope). Raises only ``EmulatedNetworkError``."""
        files = files or {}
        if not self.accepts_token(token):
            return 401, ApiError(401, "Unauthorized").envelope()
        name = _CANONICAL.get(method.lower())
        if name is None:
            return 404, ApiError(404, "Not Found").envelope()
        self._calls.append(ApiCall(name, dict(params), tuple(files)))
        await self._wake()  # the call log changed: ``wait_until`` may be watching it
        delay = self._faults.delay(name)
        if delay:
            await asyncio.sleep(delay)  # scripted latency, not a wait for a condition
        fault = self._faults.take(name, params)
        if fault is not None and fault.kind != "lost_answer":
            if fault.kind == "network":
                raise EmulatedNetworkError(f"emulated network error in {name}")
            if fault.kind == "retry_after" and self._flood is not None:
                self._flood.hold(fault.retry_after or 0)
            return fault.status, fault.to_api_error().envelope()
        if self._flood is not None:
            refused = self._flood.check(name, params)
            if refused is not None:
                return refused.status, refused.envelope()
        before = self._state.version
        try:
            if name == "getUpdates":
                result: Any = await self._get_updates(Params(params, files))
            else:
                result = _HANDLERS[name](self._state, Params(params, files))
            answer = 200, {"ok": True, "result": result}
        except ApiError as error:
            answer = error.status, error.envelope()
        if self._state.version != before:
            await self.commit()
        if fault is not None:  # lost_answer: done on Telegram's side, the bot never hears of it
            raise EmulatedNetworkError(f"emulated network error after {name}")
        return answer

    async def _get_updates(self, p: Params) -> list[dict[str, Any]]:
        feed = self._state.feed
        feed.confirm(p.opt_integer("offset"))
        allowed = p.decoded("allowed_updates", what="allowed_updates")
        if allowed is not None and not (
            isinstance(allowed, list) and all(isinstance(kind, str) for kind in allowed)
        ):
            raise bad_request("can't parse allowed_updates JSON object")
        feed.set_allowed(allowed)
        limit, timeout = p.integer("limit", default=100), p.number("timeout")
        self._poll_ticket += 1
        ticket = self._poll_ticket
        async with self._cond:
            waiting = timeout > 0 and not feed.has_pending()
            self._polling += waiting
            # Wakes an earlier long poll (to see it was superseded) and ``wait_polling`` callers.
            self._cond.notify_all()
            try:
                if waiting:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(timeout):
                            await self._cond.wait_for(
                                lambda: feed.has_pending() or self._poll_ticket != ticket
                            )
            finally:
                self._polling -= waiting
                self._cond.notify_all()  # held again here, even when cancelled: tell watchers
        if self._poll_ticket != ticket:
            raise conflict().to_api_error()
        return feed.take(limit)

    def file_bytes(self, file_path: str) -> bytes:
        """The bytes a ``file_path`` from getFile downloads; FileNotFoundError if none."""
        return self._state.files.read(file_path)

    @property
    def state(self) -> EmulatorState:
        """The mutable world (for the user side and for assertions; change it only via users)."""
        return self._state

    @property
    def bot_id(self) -> int:
        return self._state.bot.id

    @property
    def bot_username(self) -> str:
        return self._state.bot.username or ""

    @property
    def calls(self) -> list[ApiCall]:
        """Authorised calls in order (the last ``CALL_LOG_SIZE``)."""
        return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self._calls if call.method.lower() == method.lower()]

    @property
    def is_polling(self) -> bool:
        """A getUpdates long poll is waiting for updates right now."""
        return self._polling > 0

    async def wait_polling(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot long-polls (it is up and idle)."""
        await self.wait_until(lambda: True if self._polling else None, timeout)

    @property
    def pending_updates(self) -> int:
        return len(self._state.feed)

    @property
    def users(self) -> list[EmulatedUser]:
        return list(self._users.values())

    @property
    def payments(self) -> list[StarPayment]:
        return list(self._state.payments.values())

    def history(self, user_id: int) -> list[ChatMessage]:
        """Every message of the chat with ``user_id`` (user's and bot's), current state."""
        chat = self._state.chats.get(user_id)
        if chat is None:
            return []
        bot_id = self._state.bot.id
        return [ChatMessage.from_json(m, bot_id) for m in chat.messages.values()]

    def chat(self, user_id: int) -> list[ChatMessage]:
        """The bot's messages in the chat with ``user_id``, after edits and deletes."""
        return [m for m in self.history(user_id) if m.from_bot]

    def callback_answer(self, query_id: str) -> CallbackAnswer:
        q = self._state.callbacks[query_id]
        return CallbackAnswer(
            query_id, q.chat_id, q.message_id, q.data, q.answered, q.text, q.show_alert
        )

    def unanswered_callbacks(self) -> list[str]:
        return [qid for qid, q in self._state.callbacks.items() if not q.answered]

    async def wait_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - a bounded wait, like the user-side waits
    ) -> CallbackAnswer:
        query = self._state.callbacks[query_id]
        await self.wait_until(lambda: True if query.answered else None, timeout)
        return self.callback_answer(query_id)

    def user(
        self,
        user_id: int,
        first_name: str = "Ann",
        *,
        language_code: str | None = "en",
        username: str | None = None,
    ) -> EmulatedUser:
        """The emulated user ``user_id`` (created with a private chat on first use)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        if user_id == self._state.bot.id or user_id <= 0:
            raise ValueError("a user id must be positive and differ from the bot's id")
        profile = Profile(user_id, first_name, username=username, language_code=language_code)
        created = EmulatedUser(self, profile)
        self._users[user_id] = created
        return created

    def inject(
        self, method: str, fault: Fault, times: int = 1, *, when: Matcher | None = None
    ) -> None:
        """Make the next ``times`` calls of ``method`` (or ``"*"``) fail with ``fault``; with
        ``when``, only calls whose form parameters it accepts."""
        self._faults.add(self._canonical(method), fault, times, when)

    def delay(self, method: str, seconds: float) -> None:
        """Answer every ``method`` call (or ``"*"``) ``seconds`` late; 0 removes the delay."""
        self._faults.set_delay(self._canonical(method), seconds)

    def clear_faults(self) -> None:
        self._faults.clear()

    def enforce_flood_limits(
        self,
        limits: FloodLimits | None = TELEGRAM_LIMITS,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Answer message calls over Telegram's paces with 429 (see ``flood.py``); ``None`` = off.

        ``clock`` defaults to the event loop's (monotonic) time, so a bench running on a loop with
        virtual time gets virtual flood rules too. Off by default.
        """
        if limits is None:
            self._flood = None
            return
        self._flood = FloodControl(limits, clock or loop_time)

    @property
    def flood_refusals(self) -> int:
        """How many 429s the flood rules answered (injected faults not included)."""
        return self._flood.refused if self._flood is not None else 0

    @staticmethod
    def _canonical(method: str) -> str:
        if method == "*":
            return method
        name = _CANONICAL.get(method.lower())
        if name is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        return name

    def on_change(self, target: Subscriber | asyncio.Queue[ChatEvent]) -> Callable[[], None]:
        """Call ``target`` (or put into the queue) for every ChatEvent; returns an unsubscriber."""
        callback: Subscriber = target.put_nowait if isinstance(target, asyncio.Queue) else target
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    async def commit(self) -> None:
        """Wake every waiter and hand pending events to subscribers (after any change)."""
        await self._wake()
        events, self._state.events = self._state.events, []
        for event in events:
            for callback in list(self._subscribers):
                try:
                    callback(event)
                except Exception:
                    # A broken chat pane must not turn into a Bot API error for the bot.
                    _LOG.exception("emulator change subscriber failed")

    async def _wake(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def wait_until(self, probe: Callable[[], T | None], timeout: float) -> T:  # noqa: ASYNC109
        """Wait (on the change condition, no polling) until ``probe()`` returns non-None."""
        async with asyncio.timeout(timeout), self._cond:
            while (found := probe()) is None:
                await self._cond.wait()
        return found
