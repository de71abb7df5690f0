"""Broadcast copies name the broadcast lane, progress edits the delivery lane, for a rate limiter
that reads lanes; the admin's preview is an answer to their own action and names none."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseRateLimiter, ExtBot

from tests.e2e.harness import TOKEN
from trt_local.bot.broadcast_port import TelegramBroadcasts
from trt_local.core.broadcast import Audience, AudienceKind, BroadcastStatus
from trt_local.emulator import TelegramEmulator
from trt_local.emulator.request import BASE_URL, EmulatorRequest
from trt_local.services.broadcast_port import BroadcastMessage
from trt_local.storage.broadcasts import BroadcastRecord


class RecordingLimiter(BaseRateLimiter[dict[str, str]]):
    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str] | None]] = []

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, str] | None,
    ) -> Any:
        self.seen.append((endpoint, rate_limit_args))
        return await callback(*args, **kwargs)


async def english(_user_id: int) -> str:
    return "en"


async def test_each_call_names_its_lane(emu: TelegramEmulator) -> None:
    ann = emu.user(7001, "Ann")
    limiter = RecordingLimiter()
    bot: ExtBot[dict[str, str]] = ExtBot(
        TOKEN, base_url=BASE_URL, request=EmulatorRequest(emu), rate_limiter=limiter
    )
    await bot.initialize()
    try:
        port = TelegramBroadcasts(lambda: bot, language_of=english)
        message = BroadcastMessage("Hi <b>all</b>", button=("Open", "https://example.com"))
        await port.preview(ann.id, message)
        await port.send(ann.id, message)
        shown = await bot.send_message(ann.id, "progress")
        record = BroadcastRecord(
            id=1,
            author_id=ann.id,
            text=message.text,
            photo_file_id=None,
            button_text=None,
            button_url=None,
            audience=Audience(AudienceKind.ALL),
            status=BroadcastStatus.SENDING,
            total=2,
            sent=1,
            failed=0,
            blocked=0,
            progress_chat_id=ann.id,
            progress_message_id=shown.message_id,
            created_at=0.0,
            started_at=0.0,
            finished_at=None,
        )
        await port.progress(record)
    finally:
        await bot.shutdown()
    calls = [(endpoint, args) for endpoint, args in limiter.seen if endpoint != "getMe"]
    assert calls == [
        ("sendMessage", None),  # the preview
        ("sendMessage", {"lane": "broadcast"}),
        ("sendMessage", None),
        ("editMessageText", {"lane": "delivery"}),
    ]
    assert [m.content for m in ann.messages] == [
        "Hi all",
        "Hi all",
        "📣 Broadcast #1 — sending\nSent: 1\nFailed: 0\nBlocked the bot: 0\nLeft: 1 of 2",
    ]
