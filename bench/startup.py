"""Group 2, start-up: spawn → first getUpdates, idle CPU, and the RSS of the process tree.

``python -m bench.startup [--quick] [--build] [--rows FILE]``. Each start runs ``trt run`` (from
source as ``python -m trt_local``, and the one-file binary ``build/out/trt`` if it exists) against
the Telegram emulator on 127.0.0.1 with TRT_SANDBOX=1, and times it from spawn until the emulator
sees the first getUpdates. Starts of every command alternate with ``python -c pass``, the baseline
that shows how fast this machine starts any Python at all. Every start after the first reuses its
data folder: a restart on an existing database, as a service restarts.

Then, from source: the CPU the bot burns over an idle window (30 s, 5 s with --quick), headless and
under the dashboard, read from /proc before and after; and the RSS of the process tree headless and
under the dashboard (``trt run`` on a pseudo-terminal, as a user's terminal would be).

The binary is not built here unless ``--build`` is given (``python build/build.py``, 1–2 min):
without it, its rows are left out with a note.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.procs import (
    BINARY,
    ROOT,
    TERMINAL_SIZE,
    binary,
    build_binary,
    clean_env,
    load,
    mb,
    running_bot,
    source,
    time_command,
    tree_rss_kib,
    tree_usage,
)
from bench.report import Row, at_most, group_main_with_build
from trt_local.app import POLL_TIMEOUT

GROUP = "2 start-up"
SETTLE = 1.0  # seconds after the first getUpdates before RSS is read: start-up work is done
TARGET_START = {"source": 0.6, "binary": 0.8}  # seconds
TARGET_RSS = {"headless": 70.0, "dashboard": 110.0}  # MB
TARGET_IDLE = 0.0  # % of one core: an idle bot sleeps in its long poll
TERMINAL = f"{TERMINAL_SIZE[1]}x{TERMINAL_SIZE[0]} pseudo-terminal, TERM=xterm-256color"


@dataclass(frozen=True, slots=True)
class Start:
    first_poll_s: float
    cpu_s: float
    rss_kib: int


@dataclass(frozen=True, slots=True)
class Idle:
    percent: float  # of one core
    wakeups: int
    threads: int
    window_s: float


async def one_start(
    command: Sequence[str], home: Path, pycache: Path, *, terminal: bool = False
) -> Start:
    async with running_bot(command, home, pycache, terminal=terminal) as bot:
        await asyncio.sleep(SETTLE)  # a bench, not a test: let start-up settle
        rss, _ = tree_rss_kib(bot.pid)
        return Start(bot.first_poll_s, bot.cpu_s, rss)


async def idle(
    command: Sequence[str], home: Path, pycache: Path, window: float, *, terminal: bool = False
) -> Idle:
    async with running_bot(command, home, pycache, terminal=terminal) as bot:
        await asyncio.sleep(SETTLE)
        before = tree_usage(bot.pid)
        started = time.perf_counter()
        await asyncio.sleep(window)  # the measurement itself: nobody writes to the bot
        spent = tree_usage(bot.pid) - before
        elapsed = time.perf_counter() - started
    return Idle(100 * spent.cpu_ns / 1e9 / elapsed, spent.wakeups, before.threads, elapsed)


def run(quick: bool, build: bool = False) -> list[Row]:
    if build:
        build_binary()
    headless = {"source": source("run", "--headless")}
    if BINARY.is_file():
        headless["binary"] = binary("run", "--headless")
    else:
        print(f"{BINARY.relative_to(ROOT)} is missing: binary rows left out (--build builds it)")
    starts, dashboards, window = (2, 1, 5.0) if quick else (7, 3, 30.0)
    with tempfile.TemporaryDirectory(prefix="trt-bench-startup-") as scratch:
        rows = asyncio.run(_measure(Path(scratch), headless, starts, dashboards, window))
    print(f"load average after the group: {load()}")
    return rows


async def _measure(
    scratch: Path, headless: dict[str, list[str]], starts: int, dashboards: int, window: float
) -> list[Row]:
    pycache = scratch / "pyc"
    homes = {name: scratch / name for name in headless}

    # The first start ever: no .pyc yet (the source run compiles every module), a new database.
    cold = await one_start(headless["source"], homes["source"], pycache)
    for name, command in headless.items():
        if name != "source":
            await one_start(command, homes[name], pycache)  # warm the page cache
    baseline_command = [sys.executable, "-c", "pass"]
    baseline_env = clean_env(pycache=pycache)
    time_command(baseline_command, baseline_env)

    pass_s: list[float] = []
    samples: dict[str, list[Start]] = {name: [] for name in headless}
    for _ in range(starts):
        pass_s.append(time_command(baseline_command, baseline_env))
        for name, command in headless.items():
            samples[name].append(await one_start(command, homes[name], pycache))
    baseline = statistics.median(pass_s)

    rows = []
    for name in headless:
        first_poll = statistics.median(s.first_poll_s for s in samples[name])
        rows.append(
            Row(
                GROUP,
                f"start → getUpdates, {name}",
                first_poll,
                "s",
                at_most(TARGET_START[name]),
                baseline,
                f"median of {starts} restarts, alternating with `python -c pass` (the baseline); "
                f"{first_poll / baseline:.0f}x the baseline; "
                f"CPU {statistics.median(s.cpu_s for s in samples[name]):.2f} s",
            )
        )
    rows.append(
        Row(
            GROUP,
            "first start, no .pyc, source",
            cold.first_poll_s,
            "s",
            None,
            baseline,
            f"one start: compiles every module, creates the database; CPU {cold.cpu_s:.2f} s",
        )
    )

    quiet = await idle(headless["source"], homes["source"], pycache, window)
    # The long poll returns every POLL_TIMEOUT seconds and is sent again: one wake-up each.
    polls = math.ceil(window / POLL_TIMEOUT) + 1
    rows += [
        Row(
            GROUP,
            f"idle CPU {window:g} s, headless",
            quiet.percent,
            "% core",
            at_most(TARGET_IDLE),
            None,
            f"/proc schedstat of all {quiet.threads} threads; spent on the getUpdates long poll "
            f"returning every {POLL_TIMEOUT} s",
        ),
        Row(
            GROUP,
            f"idle wake-ups {window:g} s, headless",
            quiet.wakeups,
            "",
            at_most(polls),
            None,
            f"voluntary context switches of all threads; one per {POLL_TIMEOUT} s long poll "
            "allowed, so no timer or poll loop runs",
        ),
    ]
    dashboard = [part for part in headless["source"] if part != "--headless"]
    busy = await idle(dashboard, scratch / "idle-dashboard", pycache, window, terminal=True)
    rows.append(
        Row(
            GROUP,
            f"idle CPU {window:g} s, dashboard",
            busy.percent,
            "% core",
            None,
            None,
            f"{busy.wakeups / busy.window_s:.1f} wake-ups/s: the status line's 1 s clock, the "
            "live screen's 1 s database reload and repaint, Textual's input thread (10/s); "
            f"on a {TERMINAL}",
        )
    )

    for name in headless:
        rows.append(
            Row(
                GROUP,
                f"RSS headless, {name}",
                mb(statistics.median(s.rss_kib for s in samples[name])),
                "MB",
                at_most(TARGET_RSS["headless"]),
                None,
                f"VmRSS summed over the process tree {SETTLE:g} s after the first getUpdates",
            )
        )
    for name, command in headless.items():
        shown = [part for part in command if part != "--headless"]
        home = scratch / f"{name}-dashboard"
        runs = [await one_start(shown, home, pycache, terminal=True) for _ in range(dashboards)]
        rows.append(
            Row(
                GROUP,
                f"RSS dashboard, {name}",
                mb(statistics.median(s.rss_kib for s in runs)),
                "MB",
                at_most(TARGET_RSS["dashboard"]),
                None,
                f"`trt run` on a {TERMINAL}; median of {dashboards}",
            )
        )
    return rows


if __name__ == "__main__":
    sys.exit(group_main_with_build(run))
