"""Process and terminal helpers for ``smoke_test.py``: start the built binary, stop it, watch a pty.

Linux and macOS: every process is started in its own session, so stopping one reaches the one-file
bootloader *and* the Python process it unpacked and started (SIGKILL on the bootloader alone
orphans the child); the clean stop is SIGTERM. Windows: every process starts in its own console
process group; the clean stop is Ctrl+Break sent to that group (SIGTERM there is TerminateProcess,
no stop at all), and the last resort is ``taskkill /T`` on the whole tree. Pseudo-terminals exist
on Linux and macOS only.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import importlib.util
import os
import signal
import struct
import subprocess
import sys
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

if sys.platform != "win32":
    import fcntl
    import pty
    import termios

WINDOWS = sys.platform == "win32"
BUILD_DIR = Path(__file__).resolve().parent
BINARY = BUILD_DIR / "out" / ("trt.exe" if WINDOWS else "trt")
EMULATOR_TOKEN = "123456:DEMO-token-for-the-binary"
# Variables that would leak the developer's or CI's configuration into the binary under test.
_STRIPPED_PREFIXES = ("TRT_", "KIE_", "TELEGRAM_", "SSL_CERT_")
_STOP_GRACE = 5.0
_POLL_INTERVAL = 0.05


def bot_env(
    root: Path, base_url: str | None = None, file_url: str | None = None, **extra: str
) -> dict[str, str]:
    """A clean environment: TRT_HOME=root/home, the temporary folder root/tmp (where the bootloader
    unpacks: TMPDIR on Linux and macOS, TEMP/TMP on Windows), the emulator's URLs if given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_STRIPPED_PREFIXES)}
    tmp = root / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env.update(TRT_HOME=str(root / "home"), TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp))
    if base_url is not None and file_url is not None:
        env.update(
            TELEGRAM_BOT_TOKEN=EMULATOR_TOKEN,
            TRT_SANDBOX="1",
            TRT_TELEGRAM_API_BASE=base_url,
            TRT_TELEGRAM_FILE_BASE=file_url,
        )
    env.update(extra)
    return env


async def spawn(binary: Path, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    if sys.platform == "win32":
        apart: dict[str, int | bool] = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    else:
        apart = {"start_new_session": True}
    return await asyncio.create_subprocess_exec(
        str(binary),
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        **apart,  # type: ignore[arg-type]
    )


def request_stop(proc: asyncio.subprocess.Process) -> None:
    """What a service manager or the console does: SIGTERM, or Ctrl+Break on Windows."""
    if sys.platform == "win32":
        proc.send_signal(signal.CTRL_BREAK_EVENT)  # to the process group spawn() created
    else:
        proc.send_signal(signal.SIGTERM)


async def finish(
    proc: asyncio.subprocess.Process,
    timeout: float = 30,  # noqa: ASYNC109 - a bound on a child process, not on our own work
) -> tuple[int, str, str]:
    """Wait for exit: (exit code, stdout, stderr). Fails the test if it takes longer than timeout."""
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        raise AssertionError(f"pid {proc.pid} still running after {timeout} s") from None
    assert proc.returncode is not None
    return proc.returncode, _text(out), _text(err)


def _text(output: bytes) -> str:
    return output.decode(errors="replace").replace("\r\n", "\n")  # Windows writes CRLF


async def stop_all(processes: Iterable[asyncio.subprocess.Process]) -> None:
    """Ask each running process to stop, kill its whole tree after a grace period, reap all."""
    for proc in processes:
        if proc.returncode is not None:
            continue
        with contextlib.suppress(ProcessLookupError):
            if WINDOWS:
                request_stop(proc)
            else:
                os.killpg(proc.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.communicate(), _STOP_GRACE)
        except TimeoutError:
            _kill_tree(proc.pid)
            await proc.communicate()


def _kill_tree(pid: int) -> None:
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True, check=False)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def parent_pid(pid: int) -> int:
    """The parent of ``pid``: /proc on Linux, ps on macOS, the CIM process table on Windows."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
        raise LookupError(f"no PPid line for pid {pid}")
    if WINDOWS:
        query = f"(Get-CimInstance Win32_Process -Filter 'ProcessId = {pid}').ParentProcessId"
        command = ["powershell", "-NoProfile", "-Command", query]
    else:
        command = ["ps", "-o", "ppid=", "-p", str(pid)]
    return int(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def cli_starts_dashboard() -> bool:
    """True once ``trt_local`` imports ``tui`` anywhere: the CLI can then start the dashboard, which
    ``trt demo`` runs in (until then ``demo`` falls through to the headless bot, without a token)."""
    spec = importlib.util.find_spec("trt_local")
    if spec is None or not spec.submodule_search_locations:
        return False
    for folder in spec.submodule_search_locations:
        for path in Path(folder).rglob("*.py"):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError):
                continue  # someone's half-written module: not evidence either way
            if any(_imports_tui(node) for node in ast.walk(tree)):
                return True
    return False


def _imports_tui(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name == "tui" or alias.name.startswith("tui.") for alias in node.names)
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return node.module == "tui" or node.module.startswith("tui.")
    return False


class TerminalSession:
    """A process on a pseudo-terminal (its controlling tty) whose screen output is collected."""

    def __init__(self, proc: asyncio.subprocess.Process, master: int) -> None:
        self.proc = proc
        self.output = bytearray()
        self._master = master
        self._changed = asyncio.Event()
        self._open = True
        asyncio.get_running_loop().add_reader(master, self._read)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # EIO: every slave end is closed, the process is gone
            chunk = b""
        if chunk:
            self.output += chunk
        else:
            self._close_reader()
        self._changed.set()

    def _close_reader(self) -> None:
        if self._open:
            self._open = False
            asyncio.get_running_loop().remove_reader(self._master)

    async def wait_for(self, marker: bytes, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until ``marker`` has appeared on the screen."""
        async with asyncio.timeout(timeout):
            while marker not in self.output:
                if not self._open:
                    screen = bytes(self.output[-3000:]).decode(errors="replace")
                    raise AssertionError(f"the terminal closed before {marker!r}:\n{screen}")
                self._changed.clear()
                await self._changed.wait()

    async def wait_for_file_text(self, path: Path, text: str, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until ``path`` contains ``text``; files give no change notification, so poll."""
        async with asyncio.timeout(timeout):
            while not _contains(path, text):  # noqa: ASYNC110 - nothing to wait on but the file
                await asyncio.sleep(_POLL_INTERVAL)

    async def wait_exit(self, timeout: float) -> int:  # noqa: ASYNC109
        return await asyncio.wait_for(self.proc.wait(), timeout)

    async def close(self) -> None:
        if self.proc.returncode is None:
            await stop_all([self.proc])
        self._close_reader()
        os.close(self._master)


def _contains(path: Path, text: str) -> bool:
    try:
        return text in path.read_text(errors="replace")
    except FileNotFoundError:
        return False


def _take_terminal() -> None:
    # Runs in the child after setsid (start_new_session): make the pty on fd 0 its controlling tty.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@contextlib.asynccontextmanager
async def terminal_session(
    binary: Path, env: dict[str, str], *args: str, rows: int = 30, columns: int = 100
) -> AsyncIterator[TerminalSession]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    try:
        proc = await asyncio.create_subprocess_exec(
            str(binary),
            *args,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    session = TerminalSession(proc, master)
    try:
        yield session
    finally:
        await session.close()
