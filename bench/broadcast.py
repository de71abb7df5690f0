"""Group 5, broadcast: N users reached through the emulator enforcing Telegram's 30 msg/s, with
/starts from other users in the middle.

The real TrtApp (real Application, SQLite in a temp folder, the shipped OutboxLimiter) runs
against the in-process emulator with Telegram's flood rules on (30 msg/s overall with a burst of
10, 1/s per chat; a 429 starts a flood wait for the whole bot). N users are in the database as if
they had written before; the admin starts the broadcast as in Telegram (/broadcast → the text →
Send… → confirm), so the real BroadcastSender sends it: recipients in the database, a few copies in
flight, each marked as Telegram answers, progress edits in the delivery lane, the final report.
Meanwhile U other users send /start, spread over the broadcast's expected span (plus a seeded
random second, so each meets the limiter at a different phase of its ticks).

Measured:
  - msg/s: copies Telegram accepted / (first copy sent → last accepted);
  - 429s the emulator answered during the whole run, and copies not sent (the report's counts);
  - /start latency: from the getUpdates answer that hands the update out to the reply's
    sendMessage reaching the emulator (``bench.tap``); with 20 users p99 is the slowest.

Virtual time (``bench.warp``): 10 000 copies at 30/s are 5.5 minutes of Telegram's time but cost
only the CPU time they take. ``bench/outbox.py`` keeps the side-by-side with PTB's AIORateLimiter.

Usage: python -m bench.broadcast [--quick] [--rows FILE]
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

from bench.report import Row, at_least, at_most, group_main, percentile
from bench.tap import ReplyTap
from bench.warp import patient, run_warped, warp_clock
from tests.e2e.broadcasting import seed_users, send_draft
from tests.e2e.harness import TOKEN, JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.bot.outbox_limiter import OVERALL_RATE
from trt_local.emulator import ChatMessage, TelegramEmulator, UploadedFile

GROUP = "5 broadcast"
NEWS = "Big <b>news</b>: new models are in!"
ADMIN = 9_100
READER_BASE, ASKER_BASE = 100_000, 900_000


class WarpJumpClock(JumpClock):
    """The app clock on virtual time, which a Person can still jump (one second per action)."""

    def __init__(self) -> None:
        super().__init__()
        self._base = warp_clock()

    def __call__(self) -> float:
        return self._base() + self.offset


@dataclass
class CopyCount:
    """Wraps the emulator's entry point (over the ReplyTap) to time the broadcast's copies."""

    emu: TelegramEmulator
    counting: bool = False  # off while the admin composes (the preview has the same text)
    accepted: int = 0
    first_sent: float | None = None
    last_accepted: float = 0.0
    progress_edits: int = 0
    _inner: Callable[..., Any] = field(init=False)

    def __post_init__(self) -> None:
        self._inner = self.emu.call
        self.emu.call = self._call  # type: ignore[method-assign]

    async def _call(
        self,
        token: str,
        method: str,
        params: Mapping[str, str],
        files: Mapping[str, UploadedFile] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        arrived = asyncio.get_running_loop().time()
        status, envelope = await self._inner(token, method, params, files)
        if not self.counting:
            return status, envelope
        if method == "sendMessage" and params.get("text") == NEWS:
            self.first_sent = arrived if self.first_sent is None else self.first_sent
            if status == 200:
                self.accepted += 1
                self.last_accepted = arrived
        elif method == "editMessageText" and status == 200:
            self.progress_edits += 1
        return status, envelope


async def compose(boss: Person) -> ChatMessage:
    """/broadcast → the text → the draft card (an admin alert may come in between)."""
    await boss.send("/broadcast")
    asked = await boss.wait("Send the text of the broadcast")
    await boss.send(NEWS)
    return await boss.user.wait_for(
        lambda m: m.message_id > asked.message_id and "Broadcast draft #" in m.content
    )


@dataclass(frozen=True, slots=True)
class Result:
    rate: float
    refusals: int
    not_sent: int
    latencies: list[float]
    span: float  # Telegram (virtual) seconds from the first copy to the last
    progress_edits: int
    wall: float  # real seconds of the run


async def measure(sends: int, users: int) -> Result:
    wall = time.perf_counter()
    loop = asyncio.get_running_loop()
    emu = TelegramEmulator(TOKEN)
    emu.enforce_flood_limits()
    askers = [emu.user(ASKER_BASE + i, f"A{i}") for i in range(users)]
    asker_ids = frozenset(a.id for a in askers)
    tap = ReplyTap(emu, lambda chat: chat in asker_ids)
    copies = CopyCount(emu)
    clock = WarpJumpClock()
    expected_s = (sends + 1) / OVERALL_RATE  # the admin is in the audience too
    with tempfile.TemporaryDirectory(prefix="trt-bench-") as folder:
        home = Path(folder)
        await seed_users(emu, home, range(READER_BASE, READER_BASE + sends), clock())
        async with running_bot(emu, home, admin_ids=[ADMIN], clock=clock):
            boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
            with patient():  # writing 10 000 recipients must not look like 5 s of idling
                card = await compose(boss)
                copies.counting = True
                await send_draft(boss, card)
            started = loop.time()
            jitter = random.Random(7)  # the same moments in every run
            for i, asker in enumerate(askers):  # spread over the broadcast's expected span
                at = started + expected_s * (i + 0.5) / users + jitter.uniform(0, 1)
                await asyncio.sleep(max(0.0, at - loop.time()))  # pacing: this is a bench
                await asker.send("/start")
            report = await boss.wait("Broadcast #1 finished", timeout=expected_s * 2 + 60)
            async with asyncio.timeout(60):
                await asyncio.gather(*(tap.replied(a.id, 1) for a in askers))
    sent = re.search(r"Sent: (\d+)", report.content)
    span = copies.last_accepted - (copies.first_sent or started)
    return Result(
        rate=copies.accepted / span if span > 0 else 0.0,
        refusals=emu.flood_refusals,
        not_sent=sends + 1 - (int(sent.group(1)) if sent else 0),
        latencies=tap.latencies,
        span=span,
        progress_edits=copies.progress_edits,
        wall=time.perf_counter() - wall,
    )


def run(quick: bool) -> list[Row]:
    logging.disable(logging.WARNING)  # the bot's log (a low-credit alert…) is not the table
    sends, users = (1_000, 10) if quick else (10_000, 20)
    result: Result = run_warped(lambda: measure(sends, users))
    ms = [s * 1000 for s in result.latencies]
    how = f"{sends:,} users, 30 msg/s enforced, virtual time"
    starts = f"{users} users' /start during it; getUpdates → reply sent"
    return [
        Row(GROUP, "msg/s", result.rate, "/s", at_least(25), detail=how),
        Row(
            GROUP,
            "429s",
            result.refusals,
            "",
            at_most(0),
            detail=f"{result.span:.0f} s of Telegram time, {result.wall:.0f} s real",
        ),
        Row(
            GROUP,
            "copies not sent",
            result.not_sent,
            "",
            at_most(0),
            detail=f"the final report's count; {result.progress_edits} progress edits",
        ),
        Row(GROUP, "/start p50", statistics.median(ms), "ms", detail=starts),
        Row(GROUP, "/start p99", percentile(ms, 99), "ms", at_most(1000), detail="the slowest"),
    ]


if __name__ == "__main__":
    sys.exit(group_main(run))
