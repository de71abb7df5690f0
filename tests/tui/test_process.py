"""``trt demo`` as a real process: in a pseudo-terminal (the dashboard) and piped (headless).

In the terminal the dashboard must draw, stop cleanly on SIGTERM with exit status 0, and leave
no warning, log line or traceback on the console (everything goes to the log file).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import signal
import struct
import sys
import termios
from pathlib import Path

WAIT_S = 30.0


def demo_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRT_", "KIE_", "TELEGRAM_"))}
    env.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
    return env


class Screen:
    """Everything the process wrote to its terminal, with a wait for some text to appear."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.output = b""
        self._changed = asyncio.Event()
        asyncio.get_running_loop().add_reader(fd, self._read)

    def _read(self) -> None:
        try:
            chunk = os.read(self._fd, 65536)
        except OSError:  # the other side closed: the process has exited
            chunk = b""
        if not chunk:
            asyncio.get_running_loop().remove_reader(self._fd)
        self.output += chunk
        self._changed.set()

    async def wait_for(self, text: bytes) -> None:
        async with asyncio.timeout(WAIT_S):
            while text not in self.output:
                self._changed.clear()
                await self._changed.wait()

    def close(self) -> None:
        asyncio.get_running_loop().remove_reader(self._fd)
        os.close(self._fd)


async def test_demo_dashboard_in_a_terminal_stops_on_sigterm(tmp_path: Path) -> None:
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trt_local", "demo", "--home", str(tmp_path),
        stdin=child, stdout=child, stderr=child, env=demo_env(), start_new_session=True,
    )  # fmt: skip
    os.close(child)
    screen = Screen(main)
    try:
        await screen.wait_for(b"trt_demo_bot")  # the status line: the bot started inside
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), WAIT_S)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        screen.close()
    assert code == 0
    console = screen.output.decode(errors="replace")
    for noise in ("Traceback", "Warning", "WARNING", "INFO", "telegram.ext"):
        assert noise not in console
    log = (tmp_path / "logs" / "trt.log").read_text()
    assert "bot @trt_demo_bot is running" in log and "stopped" in log
    assert (tmp_path / "trt.db").exists()


async def test_demo_without_a_terminal_runs_headless_until_sigterm(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trt_local", "demo", "--home", str(tmp_path),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=demo_env(),
    )  # fmt: skip
    assert proc.stderr is not None
    try:
        async with asyncio.timeout(WAIT_S):
            while b"running headless" not in await proc.stderr.readline():
                pass
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), WAIT_S)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    assert b"Traceback" not in err
