"""The /start path with and without the outgoing rate limiter (OutboxLimiter), side by side.

"Off" (``rate_limiter=False``) is a limiter that paces nothing but accepts the lane arguments, so
the difference is the cost of pacing. Each measurement uses fresh users, one message per chat.

Runs the real TrtApp (real Application, real SQLite in a temp folder) against the in-process
Telegram emulator and measures, for each configuration, alternating runs in one process:
  - paced: one /start every 100 ms (10/s, under Telegram's ~30 msg/s): latency per reply;
  - sequential: one user at a time sends /start and waits for the menu (as fast as it goes);
  - burst: N different users send /start at once (time until every menu arrived).
Prints medians and the ratio limiter/no-limiter. Usage: python bench/start_path.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.harness import TOKEN, make_settings
from trt_local.app import TrtApp
from trt_local.emulator import TelegramEmulator
from trt_local.emulator.request import EmulatorRequest


async def measure(
    rate_limiter: bool, paced: int, sequential: int, burst: int
) -> tuple[float, float, float]:
    emu = TelegramEmulator(TOKEN)
    with tempfile.TemporaryDirectory() as home:
        app = TrtApp(
            make_settings(Path(home)),
            requests=(EmulatorRequest(emu), EmulatorRequest(emu)),
            rate_limiter=rate_limiter,
        )
        try:
            await app.start()
            await emu.wait_polling()
            latencies = []
            for i in range(paced):
                user = emu.user(30_000 + i, f"P{i}")
                started = time.perf_counter()
                await user.send("/start")
                await user.next_message(timeout=30)
                latencies.append(time.perf_counter() - started)
                await asyncio.sleep(max(0.0, 0.1 - latencies[-1]))  # pacing, this is a bench
            started = time.perf_counter()
            for i in range(sequential):
                user = emu.user(10_000 + i, f"S{i}")
                await user.send("/start")
                await user.next_message(timeout=30)
            per_reply = (time.perf_counter() - started) / sequential
            users = [emu.user(20_000 + i, f"B{i}") for i in range(burst)]
            started = time.perf_counter()
            for user in users:
                await user.send("/start")
            for user in users:
                await user.next_message(timeout=60)
            burst_s = time.perf_counter() - started
        finally:
            await app.stop()
    return statistics.median(latencies), per_reply, burst_s


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paced", type=int, default=30)
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--burst", type=int, default=90)
    args = parser.parse_args()
    results: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
    for _ in range(args.runs):
        for limited in (True, False):  # alternate so machine noise hits both alike
            results[limited].append(await measure(limited, args.paced, args.sequential, args.burst))
    print(
        f"/start path, {args.runs} runs each, medians (emulator in-process, {os.cpu_count()} cores)"
    )
    print(f"{'':30}{'limiter on':>12}{'off':>12}{'ratio':>8}")
    rows = (
        ("paced 10/s, per reply (ms)", 1000),
        ("back to back, per reply (ms)", 1000),
        (f"burst of {args.burst} users (s)", 1),
    )
    for index, (label, scale) in enumerate(rows):
        on = statistics.median(r[index] for r in results[True]) * scale
        off = statistics.median(r[index] for r in results[False]) * scale
        print(f"{label:30}{on:>12.2f}{off:>12.2f}{on / off:>8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
