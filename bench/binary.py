"""Measure the single executable against the same code run from source, side by side in one run.

``python bench/binary.py [--binary build/out/trt] [--runs 21] [--starts 5]`` (build it first with
``python build/build.py``). Prints, with the commands used: the binary's size; the time to
``--version`` (median of interleaved runs, binary vs ``python -m trt_local``, and their ratio); the
time from spawn until the Telegram emulator on 127.0.0.1 sees the first getUpdates; the idle RSS of
the whole process tree (the one-file bootloader is the parent of the real Python process) a second
after that. Targets: ≤ 25 MB, ≤ 0.3 s, ≤ 1.5 s, ≤ 80 MB. Linux only (RSS comes from /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trt_local.emulator import EmulatorServer, TelegramEmulator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token-for-the-binary"
IDLE_SETTLE = 1.0  # seconds after the first getUpdates before RSS is read: start-up work is done
TARGETS = {"size_mb": 25.0, "version_s": 0.3, "first_poll_s": 1.5, "rss_mib": 80.0}


@dataclass(frozen=True, slots=True)
class StartSample:
    first_poll_s: float
    rss_kib: int
    processes: int


def clean_env(home: Path, server: EmulatorServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRT_", "KIE_", "TELEGRAM_"))}
    env.update(
        TRT_HOME=str(home),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TRT_SANDBOX="1",
        TRT_TELEGRAM_API_BASE=server.base_url,
        TRT_TELEGRAM_FILE_BASE=server.base_file_url,
    )
    return env


def shown(command: Sequence[str]) -> str:
    return " ".join(
        os.path.relpath(part, ROOT) if part.startswith(str(ROOT)) else part for part in command
    )


def tree_rss_kib(root_pid: int) -> tuple[int, int]:
    """Sum of VmRSS over ``root_pid`` and all its descendants: (KiB, number of processes)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            lines = (entry / "status").read_text().splitlines()
        except OSError:  # the process ended while we looked
            continue
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        parents[int(entry.name)] = int(fields["PPid"])
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree = {root_pid}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree), len(tree)


@dataclass(frozen=True, slots=True)
class Timing:
    wall_s: float
    cpu_s: float  # user + system of the whole process tree: less sensitive to a busy machine


def time_command(command: Sequence[str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def measure_version(commands: dict[str, list[str]], runs: int) -> dict[str, Timing]:
    """Medians per command; runs are interleaved so drift hits every command alike."""
    for command in commands.values():
        time_command(command)  # warm the page cache
    samples: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(time_command(command))
    return {
        name: Timing(
            statistics.median(t.wall_s for t in values), statistics.median(t.cpu_s for t in values)
        )
        for name, values in samples.items()
    }


async def measure_start(command: Sequence[str], home: Path) -> StartSample:
    """Spawn the bot against a fresh emulator; time the first getUpdates; read the idle RSS."""
    emu = TelegramEmulator(TOKEN)
    async with EmulatorServer(emu) as server:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *command,
            env=clean_env(home, server),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await emu.wait_polling(timeout=30)
            first_poll = time.perf_counter() - started
            await asyncio.sleep(IDLE_SETTLE)  # a bench, not a test: let start-up settle
            rss, processes = tree_rss_kib(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 10)
        if code != 0:
            raise RuntimeError(f"{shown(command)} exited {code} after SIGTERM")
    return StartSample(first_poll, rss, processes)


async def measure_starts(
    commands: dict[str, list[str]], starts: int
) -> dict[str, list[StartSample]]:
    samples: dict[str, list[StartSample]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="trt-bench-") as scratch:
        for run in range(starts):
            for name, command in commands.items():
                home = Path(scratch) / f"{name}-{run}"  # a fresh database each start
                samples[name].append(await measure_start(command, home))
    return samples


def verdict(value: float, target: float) -> str:
    return f"target ≤ {target:g}: {'ok' if value <= target else 'MISSED'}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--binary", type=Path, default=ROOT / "build" / "out" / "trt")
    parser.add_argument("--runs", type=int, default=21, help="--version runs per command")
    parser.add_argument("--starts", type=int, default=5, help="bot starts per command")
    args = parser.parse_args(argv)
    binary = args.binary.resolve()
    if not binary.is_file():
        print(f"{binary} is missing: run `python build/build.py` first", file=sys.stderr)
        return 1

    size_mb = binary.stat().st_size / 1_000_000
    print(f"size: $ stat -c %s {shown([str(binary)])}")
    print(f"  {size_mb:.1f} MB   {verdict(size_mb, TARGETS['size_mb'])}\n")

    version = {
        "binary": [str(binary), "--version"],
        "source": [sys.executable, "-m", "trt_local", "--version"],
    }
    print(f"--version: median of {args.runs} interleaved runs (after one warm-up each)")
    medians = measure_version(version, args.runs)
    for name, command in version.items():
        wall, cpu = medians[name].wall_s * 1000, medians[name].cpu_s * 1000
        print(f"  {name:<6} wall {wall:5.0f} ms  cpu {cpu:5.0f} ms   $ {shown(command)}")
    ratio = medians["binary"].wall_s / medians["source"].wall_s
    print(
        f"  ratio binary/source {ratio:.1f}x (wall)   "
        f"{verdict(medians['binary'].wall_s, TARGETS['version_s'])}"
    )
    print(f"  load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")

    run = {
        "binary": [str(binary), "run", "--headless"],
        "source": [sys.executable, "-m", "trt_local", "run", "--headless"],
    }
    print(
        f"start → first getUpdates, and idle RSS {IDLE_SETTLE:g} s later ({args.starts} starts each,"
    )
    print(
        "  emulator on 127.0.0.1, fresh TRT_HOME, TRT_SANDBOX=1; RSS = VmRSS summed over the tree)"
    )
    starts = asyncio.run(measure_starts(run, args.starts))
    summary: dict[str, tuple[float, float]] = {}
    for name, command in run.items():
        poll = statistics.median(s.first_poll_s for s in starts[name])
        rss = statistics.median(s.rss_kib for s in starts[name]) / 1024
        processes = max(s.processes for s in starts[name])
        summary[name] = (poll, rss)
        print(
            f"  {name:<6} first getUpdates {poll:5.2f} s   idle RSS {rss:5.1f} MiB "
            f"({processes} processes)   $ {shown(command)}"
        )
    poll_ratio = summary["binary"][0] / summary["source"][0]
    rss_ratio = summary["binary"][1] / summary["source"][1]
    print(f"  ratio binary/source: first getUpdates {poll_ratio:.2f}x, RSS {rss_ratio:.2f}x")
    print(f"  binary first getUpdates {verdict(summary['binary'][0], TARGETS['first_poll_s'])}")
    print(f"  binary idle RSS {verdict(summary['binary'][1], TARGETS['rss_mib'])}")
    print(f"  load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
