"""A broadcast to N users with /starts in the middle: OutboxLimiter against PTB's AIORateLimiter.

The real TrtApp (real Application, SQLite in a temp folder) runs against the in-process emulator
with Telegram's flood rules on (30 msg/s overall with a burst of 10, 1/s per chat; a 429 starts a
flood wait for the whole bot). A broadcast helper starts every send at once (the broadcast lane
for OutboxLimiter; no lane exists in the baseline) and U users send /start spread over it (evenly,
plus a seeded random second so each meets the limiter at a different phase of its ticks).
Measured per configuration:
  - /start reply latency: from the getUpdates answer that hands the update out to the arrival of
    the reply's sendMessage at the emulator (p50, p99; with 20 users p99 is the slowest);
  - broadcast msg/s: news delivered / (last delivery - first send);
  - 429s the emulator answered, and news not delivered (a call still refused after its retries).

Virtual time (the default): 10 000 sends at 30/s take 5.5 minutes of Telegram time. The bench runs
the event loop on ``bench.warp.WarpLoop`` (idle waits skipped, ``--grace`` ms of real time left
for I/O); ``--real`` runs the same on real time to check a smaller run against it.

Runs alternate between the two (``--runs``); the table shows medians, and each run's 429s below it:
the baseline swings between runs (a 429 cascade starts or not).

``--window 4`` keeps at most 4 sends in flight, as the broadcast sender does (SenderLimits.window).

Usage: python bench/outbox.py [--sends 10000] [--users 20] [--runs 1] [--window 0] [--real]
       [--only outbox|aio]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.ext import AIORateLimiter

from bench.report import percentile
from bench.warp import WarpLoop
from tests.e2e.harness import TOKEN, make_settings
from trt_local.app import TrtApp
from trt_local.emulator import TelegramEmulator, UploadedFile
from trt_local.emulator.request import EmulatorRequest

NEWS = "Big news: new models are in!"
READER_BASE, ASKER_BASE = 100_000, 900_000


@dataclass
class Probe:
    """Wraps the emulator's entry point to time the /start updates and their replies."""

    emu: TelegramEmulator
    askers: frozenset[int]
    handed_out: dict[int, float] = field(default_factory=dict)
    replied: dict[int, float] = field(default_factory=dict)
    news_times: list[float] = field(default_factory=list)
    first_send: float | None = None

    def install(self) -> None:
        inner = self.emu.call

        async def call(
            token: str,
            method: str,
            params: Mapping[str, str],
            files: Mapping[str, UploadedFile] | None = None,
        ) -> tuple[int, dict[str, Any]]:
            loop = asyncio.get_running_loop()
            arrived = loop.time()
            status, envelope = await inner(token, method, params, files)
            if method == "getUpdates" and status == 200:
                for update in envelope["result"]:
                    sender = update.get("message", {}).get("from", {}).get("id")
                    if sender in self.askers:
                        self.handed_out.setdefault(sender, loop.time())
            elif method == "sendMessage":
                chat = int(params["chat_id"])
                if self.first_send is None and params.get("text") == NEWS:
                    self.first_send = arrived
                if status == 200 and chat in self.askers:
                    self.replied.setdefault(chat, arrived)
                elif status == 200 and params.get("text") == NEWS:
                    self.news_times.append(arrived)
            return status, envelope

        self.emu.call = call  # type: ignore[method-assign]


@dataclass(frozen=True)
class Result:
    latencies: list[float]
    rate: float
    refusals: int
    undelivered: int
    span: float  # Telegram (loop) seconds of the broadcast
    wall: float  # real seconds of the run


async def broadcast(
    bot: Any, chat_ids: list[int], lane: Mapping[str, str] | None, window: int
) -> list[object]:
    """Every send at once (``window`` 0), or at most ``window`` in flight like the real sender."""
    slots = asyncio.Semaphore(window or len(chat_ids))

    async def send(chat: int) -> object:
        async with slots:
            return await bot.send_message(chat, NEWS, rate_limit_args=lane)

    return await asyncio.gather(*(send(chat) for chat in chat_ids), return_exceptions=True)


async def measure(kind: str, sends: int, users: int, window: int) -> Result:
    wall = time.perf_counter()
    loop = asyncio.get_running_loop()
    emu = TelegramEmulator(TOKEN)
    emu.enforce_flood_limits()
    readers = [emu.user(READER_BASE + i, f"R{i}").id for i in range(sends)]
    askers = [emu.user(ASKER_BASE + i, f"A{i}") for i in range(users)]
    probe = Probe(emu, frozenset(a.id for a in askers))
    probe.install()
    limiter: Any = True if kind == "outbox" else AIORateLimiter(max_retries=2)  # as shipped before
    lane = {"lane": "broadcast"} if kind == "outbox" else None
    expected_s = sends / 28
    with tempfile.TemporaryDirectory() as home:
        app = TrtApp(
            make_settings(Path(home)),
            requests=(EmulatorRequest(emu), EmulatorRequest(emu)),
            rate_limiter=limiter,
        )
        try:
            await app.start()
            await emu.wait_polling()
            assert app.application is not None
            started = loop.time()
            sending = asyncio.create_task(broadcast(app.application.bot, readers, lane, window))
            jitter = random.Random(7)  # the same moments for both limiters
            for i, asker in enumerate(askers):  # spread over the broadcast's expected span
                # A random phase against the limiters' token ticks (virtual time is exact).
                at = started + expected_s * (i + 0.5) / users + jitter.uniform(0, 1)
                await asyncio.sleep(max(0.0, at - loop.time()))
                await asker.send("/start")
            results = await sending
            await emu.wait_until(
                lambda: True if len(probe.replied) == users else None, timeout=expected_s + 60
            )
        finally:
            await app.stop()
    latencies = sorted(probe.replied[a.id] - probe.handed_out[a.id] for a in askers)
    span = max(probe.news_times) - (probe.first_send or started) if probe.news_times else 0.0
    return Result(
        latencies=latencies,
        rate=len(probe.news_times) / span if span else 0.0,
        refusals=emu.flood_refusals,
        undelivered=sum(isinstance(r, Exception) for r in results),
        span=span,
        wall=time.perf_counter() - wall,
    )


def report(runs: dict[str, list[Result]], args: argparse.Namespace) -> None:
    clock = "real time" if args.real else f"virtual time, grace {args.grace} ms"
    window = f"{args.window} in flight" if args.window else "all sends at once"
    print(
        f"broadcast of {args.sends} ({window}) + {args.users} /starts, emulator at 30 msg/s, {clock}, "
        f"{os.cpu_count()} cores, median of {args.runs} run(s)"
    )
    rows: list[tuple[str, Callable[[Result], float], str]] = [
        ("/start reply p50 (ms)", lambda r: statistics.median(r.latencies) * 1000, ".0f"),
        ("/start reply p99 (ms)", lambda r: percentile(r.latencies, 99) * 1000, ".0f"),
        ("broadcast msg/s", lambda r: r.rate, ".1f"),
        ("429s answered", lambda r: r.refusals, ".0f"),
        ("news not delivered", lambda r: r.undelivered, ".0f"),
        ("broadcast span (s)", lambda r: r.span, ".1f"),
        ("real run time (s)", lambda r: r.wall, ".1f"),
    ]
    names = list(runs)
    head = "".join(f"{n:>16}" for n in names)
    ratio = "  outbox/aio" if len(names) == 2 else ""
    print(f"{'':24}{head}{ratio}")
    for label, value, fmt in rows:
        values = [statistics.median(value(r) for r in runs[n]) for n in names]
        line = f"{label:24}" + "".join(f"{v:>16{fmt}}" for v in values)
        if len(values) == 2:
            line += f"{values[0] / values[1]:>13.3g}" if values[1] else f"{'—':>13}"
        print(line)
    for name in names:
        print(f"{name}: 429s per run {[r.refusals for r in runs[name]]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--grace", type=float, default=2.0, help="ms of real I/O wait")
    parser.add_argument("--real", action="store_true", help="run on real time (slow)")
    parser.add_argument("--only", choices=("outbox", "aio"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--window", type=int, default=0, help="sends in flight at once; 0: all at once"
    )
    args = parser.parse_args()
    names = {"outbox": "OutboxLimiter", "aio": "AIORateLimiter"}
    kinds = [args.only] if args.only else ["outbox", "aio"]
    runs: dict[str, list[Result]] = {names[kind]: [] for kind in kinds}
    for _ in range(args.runs):
        for kind in kinds:  # alternate so machine noise hits both alike
            factory = None if args.real else (lambda: WarpLoop(args.grace / 1000))
            with asyncio.Runner(loop_factory=factory) as runner:
                runs[names[kind]].append(
                    runner.run(measure(kind, args.sends, args.users, args.window))
                )
    report(runs, args)


if __name__ == "__main__":
    main()
