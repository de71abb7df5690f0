"""Starting ``trt`` as a process and reading what it costs: start time, CPU, RSS (Linux /proc).

Shared by the start-up group (:mod:`bench.startup`) and the binary group (:mod:`bench.binary`).
The bot runs against the Telegram emulator served on 127.0.0.1 in the bench process, so the
emulator's own work never counts against the bot. Figures are summed over the whole process tree:
the one-file binary is a small bootloader whose child is the real Python process.

Bytecode: the children write and read ``.pyc`` files under one scratch folder
(``PYTHONPYCACHEPREFIX``), warmed by a first start, as an installed copy has them (pip compiles
at install time, the binary carries them). The cold first start is reported on its own row.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import resource
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from trt_local.emulator import EmulatorServer, TelegramEmulator

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "build" / "out" / "trt"
TOKEN = "123456:BENCH-token-for-the-binary"
START_TIMEOUT = 60.0  # seconds: generous, the machine may be shared with test runs
TERMINAL_SIZE = (40, 120)  # rows, columns of the pseudo-terminal the dashboard draws on


def source(*args: str) -> list[str]:
    """``trt`` from this checkout: ``python -m trt_local ...`` (run with ``cwd=ROOT``)."""
    return [sys.executable, "-m", "trt_local", *args]


def binary(*args: str, path: Path = BINARY) -> list[str]:
    return [str(path), *args]


def shown(command: Sequence[str]) -> str:
    return " ".join(
        os.path.relpath(part, ROOT) if part.startswith(str(ROOT)) else part for part in command
    )


def clean_env(
    home: Path | None = None,
    server: EmulatorServer | None = None,
    *,
    pycache: Path | None = None,
    terminal: bool = False,
) -> dict[str, str]:
    """The caller's environment minus every TRT_/KIE_/TELEGRAM_ setting, plus the bench's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRT_", "KIE_", "TELEGRAM_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    if home is not None:
        env.update(TRT_HOME=str(home), TELEGRAM_BOT_TOKEN=TOKEN, TRT_SANDBOX="1")
    if server is not None:
        env.update(
            TRT_TELEGRAM_API_BASE=server.base_url, TRT_TELEGRAM_FILE_BASE=server.base_file_url
        )
    if terminal:
        env.update(
            TERM="xterm-256color", COLUMNS=str(TERMINAL_SIZE[1]), LINES=str(TERMINAL_SIZE[0])
        )
    return env


# -- /proc -----------------------------------------------------------------------------------------
def _stat_fields(pid: int | str) -> list[str]:
    """/proc/<pid>/stat from field 3 on (after the parenthesised name, which may hold spaces)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def tree_pids(root_pid: int) -> list[int]:
    """``root_pid`` and all its descendants alive now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat_fields(entry.name)[1])  # field 4, ppid
            except (OSError, ValueError, IndexError):  # the process ended while we looked
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def tree_rss_kib(root_pid: int) -> tuple[int, int]:
    """VmRSS summed over the tree, KiB, and the number of processes."""
    total = 0
    pids = tree_pids(root_pid)
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total, len(pids)


@dataclass(frozen=True, slots=True)
class Usage:
    """CPU time and thread wake-ups of the whole tree, summed over every thread."""

    cpu_ns: int  # /proc/<pid>/task/<tid>/schedstat: nanoseconds on a CPU (utime+stime in ticks
    # of 10 ms would round a quiet 30 s to 0 or 1 tick)
    wakeups: int  # voluntary context switches: how often a thread went to sleep and woke again
    threads: int

    def __sub__(self, other: Usage) -> Usage:
        return Usage(self.cpu_ns - other.cpu_ns, self.wakeups - other.wakeups, self.threads)


# Kernels built without CONFIG_SCHED_INFO have no schedstat: fall back to the ticks in stat.
SCHEDSTAT = Path("/proc/self/schedstat").exists()
TICK_NS = 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def tree_usage(root_pid: int) -> Usage:
    cpu_ns = wakeups = threads = 0
    for pid in tree_pids(root_pid):
        with contextlib.suppress(OSError):  # the process ended while we looked
            if not SCHEDSTAT:
                cpu_ns += TICK_NS * sum(int(x) for x in _stat_fields(pid)[11:13])  # utime stime
            for task in Path(f"/proc/{pid}/task").iterdir():
                if SCHEDSTAT:
                    cpu_ns += int((task / "schedstat").read_text().split()[0])
                threads += 1
                for line in (task / "status").read_text().splitlines():
                    if line.startswith("voluntary_ctxt_switches:"):
                        wakeups += int(line.split()[1])
    return Usage(cpu_ns, wakeups, threads)


def build_binary() -> None:
    print("building the binary: python build/build.py (1–2 min)", flush=True)
    subprocess.run([sys.executable, str(ROOT / "build" / "build.py")], check=True, cwd=ROOT)


# -- short commands ------------------------------------------------------------------------------
def time_command(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds from spawn to exit (the command must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - started


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def interleaved_medians(
    commands: dict[str, list[str]], runs: int, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Median wall seconds per command; runs alternate so drift hits every command alike."""
    for command in commands.values():
        time_command(command, env)  # warm the page cache (and the .pyc files)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(time_command(command, env))
    return {name: statistics.median(values) for name, values in samples.items()}


# -- the bot -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Running:
    pid: int
    first_poll_s: float  # spawn → the emulator sees the first getUpdates
    cpu_s: float  # CPU the tree used until then: what a busy machine does not inflate much


@contextlib.asynccontextmanager
async def running_bot(
    command: Sequence[str], home: Path, pycache: Path, *, terminal: bool = False
) -> AsyncIterator[Running]:
    """Spawn ``trt`` against a fresh emulator, yield once it long-polls, stop it with SIGTERM.

    ``terminal`` runs it on a pseudo-terminal (the dashboard needs one); what it draws is read
    and dropped, so a full terminal buffer never holds it up.
    """
    emu = TelegramEmulator(TOKEN)
    async with EmulatorServer(emu) as server, _terminal(terminal) as tty:
        env = clean_env(home, server, pycache=pycache, terminal=terminal)
        streams = tty if tty is not None else asyncio.subprocess.DEVNULL
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *command,
            cwd=ROOT,
            env=env,
            stdin=streams,
            stdout=streams,
            stderr=streams,
            start_new_session=terminal,
        )
        if tty is not None:
            os.close(tty)  # the child holds it now
        try:
            await _first_poll(emu, proc, command)
            first_poll = time.perf_counter() - started
            yield Running(proc.pid, first_poll, tree_usage(proc.pid).cpu_ns / 1e9)
        finally:
            await _stop(proc, command)


async def _first_poll(
    emu: TelegramEmulator, proc: asyncio.subprocess.Process, command: Sequence[str]
) -> None:
    polling = asyncio.ensure_future(emu.wait_polling(timeout=START_TIMEOUT))
    exited = asyncio.ensure_future(proc.wait())
    await asyncio.wait({polling, exited}, return_when=asyncio.FIRST_COMPLETED)
    exited.cancel()
    if not polling.done():
        polling.cancel()
        raise RuntimeError(f"{shown(command)} exited {proc.returncode} before polling")
    polling.result()


async def _stop(proc: asyncio.subprocess.Process, command: Sequence[str]) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise RuntimeError(f"{shown(command)} did not stop on SIGTERM") from None
        if code != 0:
            raise RuntimeError(f"{shown(command)} exited {code} after SIGTERM")


@contextlib.asynccontextmanager
async def _terminal(wanted: bool) -> AsyncIterator[int | None]:
    """A pseudo-terminal's child side (or None); the parent side is drained until it closes."""
    if not wanted:
        yield None
        return
    parent, child = os.openpty()
    rows, columns = TERMINAL_SIZE
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    loop = asyncio.get_running_loop()

    def drain() -> None:
        try:
            os.read(parent, 65536)
        except OSError:  # EIO: every child side is closed, the dashboard is gone
            loop.remove_reader(parent)

    loop.add_reader(parent, drain)
    try:
        yield child
    finally:
        loop.remove_reader(parent)
        os.close(parent)


def mb(kib: float) -> float:
    """KiB (what /proc reports) → MB (10^6 bytes, as the targets are written)."""
    return kib * 1024 / 1_000_000


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
