"""Stop requests from the operating system, turned into one callback on the running loop.

Linux and macOS: ``loop.add_signal_handler`` (SIGINT for Ctrl+C, SIGTERM from systemd, launchd or
``kill``, SIGHUP when the terminal goes away). Windows' event loops do not implement it (they raise
NotImplementedError), so there the handler is installed with ``signal.signal`` and hands the
request to the loop thread-safely; Windows adds Ctrl+Break (SIGBREAK). Closing the console window
is not a signal on Windows: a console control handler runs on a thread of its own and Windows ends
the process as soon as it returns (or after about 5 s), so that handler asks for the stop and then
waits until the shutdown has finished. Signals a platform lacks are skipped.

    signals = StopSignals(stop.set, HEADLESS)
    signals.install()
    try:
        ...  # run until stop is set
    finally:
        ...  # stop the bot
        signals.restore()  # the previous handlers; a closing console may now let Windows end us
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

log = logging.getLogger("trt.signals")

# Headless: Ctrl+C, a service manager's stop, Ctrl+Break on Windows.
HEADLESS = ("SIGINT", "SIGTERM", "SIGBREAK")
# Under the dashboard Ctrl+C is a key (Textual reads the terminal raw, STACK-NOTES P6).
DASHBOARD = ("SIGTERM", "SIGHUP", "SIGBREAK")

# Console control events (wincon.h). Ctrl+C (0) and Ctrl+Break (1) arrive as SIGINT and SIGBREAK.
CTRL_CLOSE_EVENT = 2
CTRL_LOGOFF_EVENT = 5  # sent to services for *any* user's logoff: never a reason to stop
CTRL_SHUTDOWN_EVENT = 6
CLOSE_GRACE_S = 4.5  # Windows kills a process about 5 s after the console closes

ConsoleHandler = Callable[[int], bool]
# ctypes callbacks handed to Windows must outlive every call Windows may still make to them.
_KEPT_ALIVE: list[Any] = []


class StopSignals:
    """Call ``request_stop`` on the running loop when the OS asks the process to stop."""

    def __init__(self, request_stop: Callable[[], object], names: Sequence[str]) -> None:
        self._request_stop = request_stop
        self._names = tuple(names)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_loop: list[int] = []
        self._replaced: list[tuple[int, Any]] = []
        self._unhook: Callable[[], None] | None = None
        self._finished = threading.Event()

    def install(self) -> None:
        self._loop = loop = asyncio.get_running_loop()
        for name in self._names:
            signum = getattr(signal, name, None)
            if signum is None:
                continue  # SIGHUP on Windows, SIGBREAK elsewhere
            try:
                loop.add_signal_handler(signum, self._stop)
                self._on_loop.append(signum)
                continue
            except NotImplementedError:
                pass  # Windows: signal.signal below
            except RuntimeError:
                continue  # not the main thread: whoever runs us stops us another way
            try:
                self._replaced.append((signum, signal.signal(signum, self._from_signal)))
            except ValueError:
                continue  # not the main thread
        self._unhook = console_hook(self.console_event)

    def restore(self) -> None:
        """Hand the signals back; call it once the shutdown is complete."""
        if self._loop is None:
            return  # never installed
        for signum in self._on_loop:
            self._loop.remove_signal_handler(signum)
        for signum, previous in reversed(self._replaced):
            signal.signal(signum, previous)
        self._on_loop.clear()
        self._replaced.clear()
        self._finished.set()  # a closing console may go ahead now: the shutdown is done
        if self._unhook is not None:
            self._unhook()
            self._unhook = None

    def _stop(self) -> None:
        self._request_stop()

    def _from_signal(self, signum: int, frame: FrameType | None) -> None:
        self._ask_loop()

    def _ask_loop(self) -> None:
        assert self._loop is not None
        with contextlib.suppress(RuntimeError):  # the loop is already closed: nothing to stop
            self._loop.call_soon_threadsafe(self._stop)

    def console_event(self, event: int) -> bool:
        """Windows' console control handler (called on a thread of its own); True = handled."""
        if event not in (CTRL_CLOSE_EVENT, CTRL_SHUTDOWN_EVENT):
            return False  # Ctrl+C and Ctrl+Break reach the signal handlers; logoff is ignored
        self._ask_loop()
        self._finished.wait(CLOSE_GRACE_S)
        return True


def console_hook(handler: ConsoleHandler) -> Callable[[], None] | None:
    """Register ``handler`` with SetConsoleCtrlHandler on Windows; returns how to unregister it."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes
        from ctypes import wintypes

        routine = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.DWORD)(handler)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        if not kernel32.SetConsoleCtrlHandler(routine, True):
            raise ctypes.WinError(ctypes.get_last_error())
    except (AttributeError, OSError) as exc:
        log.warning("closing the console window will not stop the bot cleanly: %s", exc)
        return None
    _KEPT_ALIVE.append(routine)

    def unhook() -> None:
        kernel32.SetConsoleCtrlHandler(routine, False)

    return unhook
