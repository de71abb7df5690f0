"""Group 1, the update path: our /start against a bare python-telegram-bot bot, and under flood rules.

Both bots run in this process against the in-process Telegram emulator (``EmulatorRequest``, no
sockets), with the same ``concurrent_updates`` and no outgoing limiter, so the difference is our
code: the durable inbox (every fetched batch written to SQLite, every update marked done), the
gate (the user recorded, anti-flood, the wizard reset), the menu. The bare bot answers /start
with a fixed text; a second bare bot answers with our menu (HTML, ten buttons), which shows how
much of the gap is our code and how much the richer answer. Real time except the flood part.

- updates/s: U users each send /start, wait for the answer, and send again, P times (U·P updates,
  U in flight). Rate = U·P / (first send → last reply). Runs alternate ours/bare; medians. The
  app clock moves 10 ms per /start sent, as if they arrived at 100/s, so the anti-flood gate
  (1.5 messages/s per user) lets every one through, as it would for people at that pace.
- latency: L updates sent open-loop at 30/s, round robin over the U users: the most /starts a
  bot can answer for long, since Telegram lets it send about 30 messages/s (a load the machine
  cannot keep up with would measure its queue, not the path). Bot-side: from the getUpdates
  answer that hands the update out to the reply's sendMessage reaching the emulator
  (``bench.tap``). p50/p99 for ours; the bare bot's p99 is the baseline.
- flood: the limiter on and the emulator enforcing Telegram's paces (30 msg/s, 1/s per chat): N
  users send /start at once. Time from the sends to the last reply against the bound (N − 30)/30 s
  (the first second's 30 at once, then 30/s); 429s answered must be 0. Virtual time
  (``bench.warp``), so it costs CPU time only.

Usage: python -m bench.update_path [--quick] [--rows FILE]
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from bench.report import Row, at_least, at_most, group_main, percentile
from bench.tap import ReplyTap
from bench.warp import run_warped, warp_clock
from tests.e2e.harness import TOKEN, JumpClock, make_settings
from trt_local.app import POLL_TIMEOUT, TrtApp
from trt_local.bot.application import CONCURRENT_UPDATES
from trt_local.bot.keyboards import main_menu
from trt_local.bot.texts import t
from trt_local.emulator import TelegramEmulator
from trt_local.emulator.flood import TELEGRAM_LIMITS
from trt_local.emulator.request import BASE_FILE_URL, BASE_URL, EmulatorRequest

GROUP = "1 update path"
BARE_TEXT = "Hello! This is the menu."
ALLOWED = ["message", "callback_query", "pre_checkout_query"]
USER_BASE = 10_000
TELEGRAM_RATE = 30.0  # messages/s Telegram lets a bot send; the first second's worth at once
APP_STEP_S = 0.01  # the app clock's move per /start in the throughput run (100/s)


@dataclass(frozen=True, slots=True)
class Sizes:
    users: int
    per_user: int
    runs: int
    paced: int
    flood_users: int


FULL = Sizes(users=200, per_user=10, runs=3, paced=600, flood_users=200)
QUICK = Sizes(users=50, per_user=4, runs=1, paced=150, flood_users=200)


async def _bare_start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(BARE_TEXT)


async def _menu_start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """The reply our bot gives (the menu: HTML, ten buttons), with none of our code before it."""
    assert update.effective_message is not None and update.effective_user is not None
    text = t("en", "menu.title", name=escape(update.effective_user.first_name))
    await update.effective_message.reply_text(
        text, reply_markup=main_menu("en"), parse_mode=ParseMode.HTML
    )


@contextlib.asynccontextmanager
async def running(
    kind: str, emu: TelegramEmulator, clock: Callable[[], float], *, limiter: bool = False
) -> AsyncIterator[None]:
    """Our bot (real TrtApp, SQLite in a temp folder) or a bare one ("bare": a fixed text,
    "menu": our menu), polling the emulator."""
    requests = (EmulatorRequest(emu), EmulatorRequest(emu))
    if kind in ("bare", "menu"):
        bare: Application = (  # type: ignore[type-arg]
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(BASE_URL)
            .base_file_url(BASE_FILE_URL)
            .request(requests[0])
            .get_updates_request(requests[1])
            .concurrent_updates(CONCURRENT_UPDATES)
            .build()
        )
        bare.add_handler(CommandHandler("start", _bare_start if kind == "bare" else _menu_start))
        await bare.initialize()
        await bare.start()
        assert bare.updater is not None
        await bare.updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED)
        try:
            await emu.wait_polling()
            yield
        finally:
            await bare.updater.stop()
            await bare.stop()
            await bare.shutdown()
        return
    with tempfile.TemporaryDirectory(prefix="trt-bench-") as home:
        app = TrtApp(
            make_settings(Path(home)), requests=requests, rate_limiter=limiter, clock=clock
        )
        try:
            await app.start()
            await emu.wait_polling()
            yield
        finally:
            await app.stop()


async def throughput(kind: str, sizes: Sizes) -> float:
    """Updates/s with ``sizes.users`` users in flight, each waiting for its answer."""
    loop = asyncio.get_running_loop()
    emu = TelegramEmulator(TOKEN)
    tap = ReplyTap(emu)
    clock = JumpClock()
    users = [emu.user(USER_BASE + i, f"U{i}") for i in range(sizes.users)]
    async with running(kind, emu, clock):
        started = loop.time()

        async def person(index: int) -> None:
            user = users[index]
            for sent in range(1, sizes.per_user + 1):
                clock.jump(APP_STEP_S)
                await user.send("/start")
                await tap.replied(user.id, sent)

        async with asyncio.timeout(300):  # a /start left unanswered fails the run, not hangs it
            await asyncio.gather(*(person(i) for i in range(sizes.users)))
        elapsed = tap.last_reply - started
    return sizes.users * sizes.per_user / elapsed


async def latency(kind: str, sizes: Sizes) -> list[float]:
    """Bot-side latency of each /start sent open-loop at Telegram's 30/s."""
    loop = asyncio.get_running_loop()
    emu = TelegramEmulator(TOKEN)
    tap = ReplyTap(emu)
    users = [emu.user(USER_BASE + i, f"U{i}") for i in range(sizes.users)]
    async with running(kind, emu, JumpClock()):
        started = loop.time()
        for n in range(sizes.paced):
            # Pacing the load is the point here (a bench, not a test).
            await asyncio.sleep(max(0.0, started + n / TELEGRAM_RATE - loop.time()))
            await users[n % sizes.users].send("/start")
        sent = [len(range(i, sizes.paced, sizes.users)) for i in range(sizes.users)]
        async with asyncio.timeout(60):
            await asyncio.gather(*(tap.replied(u.id, k) for u, k in zip(users, sent, strict=True)))
    return tap.latencies


@dataclass(frozen=True, slots=True)
class Flood:
    last_reply_s: float
    refusals: int
    bound_s: float


async def flood(users: int) -> Flood:
    """``users`` /starts at once, limiter on, Telegram's paces enforced (run on a WarpLoop)."""
    loop = asyncio.get_running_loop()
    emu = TelegramEmulator(TOKEN)
    emu.enforce_flood_limits()
    tap = ReplyTap(emu)
    people = [emu.user(USER_BASE + i, f"U{i}") for i in range(users)]
    async with running("ours", emu, warp_clock(), limiter=True):
        started = loop.time()
        for person in people:
            await person.send("/start")
        async with asyncio.timeout(120):
            await asyncio.gather(*(tap.replied(p.id, 1) for p in people))
        last = tap.last_reply - started
    return Flood(last, emu.flood_refusals, (users - TELEGRAM_RATE) / TELEGRAM_RATE)


def run(quick: bool) -> list[Row]:
    logging.disable(logging.WARNING)  # the bot's log (a low-credit alert…) is not the table
    sizes = QUICK if quick else FULL
    n = sizes.users * sizes.per_user
    rates: dict[str, list[float]] = {"ours": [], "bare": [], "menu": []}
    for _ in range(sizes.runs):
        for kind in rates:  # alternate so machine noise hits all alike
            rates[kind].append(asyncio.run(throughput(kind, sizes)))
    ours, bare, menu = (statistics.median(rates[kind]) for kind in rates)
    ours_ms = [s * 1000 for s in asyncio.run(latency("ours", sizes))]
    bare_ms = [s * 1000 for s in asyncio.run(latency("bare", sizes))]
    storm: Flood = run_warped(lambda: flood(sizes.flood_users))
    limits = TELEGRAM_LIMITS
    floor = (sizes.flood_users - limits.overall_burst) / limits.overall_rate
    users = f"{sizes.users} users"
    paced = f"{sizes.paced} /start at {TELEGRAM_RATE:.0f}/s, {users}; getUpdates → reply sent"
    return [
        Row(GROUP, "ours, updates/s", ours, "/s", detail=f"{n} /start, {users} in flight"),
        Row(GROUP, "bare PTB, updates/s", bare, "/s", detail=f"median of {sizes.runs}"),
        Row(
            GROUP,
            "ours / bare PTB",
            ours / bare,
            "",
            at_least(0.8),
            detail="same emulator, no limiter",
        ),
        Row(
            GROUP,
            "ours / bare PTB + our menu",
            ours / menu,
            "",
            baseline=menu,
            detail="bare PTB answering with our menu: what our code costs",
        ),
        Row(GROUP, "latency p50", percentile(ours_ms, 50), "ms", detail=paced),
        Row(
            GROUP,
            "latency p99",
            percentile(ours_ms, 99),
            "ms",
            at_most(50),
            baseline=percentile(bare_ms, 99),
            detail="baseline: bare PTB's p99",
        ),
        Row(
            GROUP,
            f"{sizes.flood_users} /start at once, last reply",
            storm.last_reply_s,
            "s",
            at_most(round(1.1 * storm.bound_s, 2)),
            baseline=storm.bound_s,
            detail=(
                "limiter on, 30 msg/s enforced; bound (N−30)/30; the emulator's floor "
                f"without 429s (N−{limits.overall_burst:g})/30 = {floor:.2f} s"
            ),
        ),
        Row(
            GROUP,
            "429s in the flood",
            storm.refusals,
            "",
            at_most(0),
            detail="virtual time",
        ),
    ]


if __name__ == "__main__":
    sys.exit(group_main(run))
