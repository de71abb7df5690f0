"""Stopping on Windows, simulated here: the real bot on an event loop without signal handlers.

Windows' event loops raise NotImplementedError from ``add_signal_handler``; Ctrl+Break is SIGBREAK
(played here by SIGUSR1, which Windows lacks); closing the console calls a console control handler
on a thread of its own, and Windows ends the process as soon as that handler returns. Each way must
end in the same clean stop as SIGTERM on Linux: polling stopped, the last batch confirmed, exit 0.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.e2e.harness import TOKEN
from tests.e2e.processes import bot_env
from trt_local import platform_signals
from trt_local.app import PollState
from trt_local.config import load_settings
from trt_local.demo import build_demo
from trt_local.emulator import EmulatorServer, TelegramEmulator
from trt_local.logs import RedactingFormatter
from trt_local.paths import resolve_paths
from trt_local.platform_signals import CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT
from trt_local.runner import dashboard_session, run_headless

T = TypeVar("T")
CTRL_C_EVENT, CTRL_BREAK_EVENT = 0, 1


class WindowsLikeLoop(asyncio.SelectorEventLoop):
    """Like both of Windows' event loops: no ``add_signal_handler``."""

    def add_signal_handler(self, sig: int, callback: Callable[..., object], *args: Any) -> None:
        raise NotImplementedError


def on_windows_like_loop(scenario: Callable[[], Awaitable[T]]) -> T:
    with asyncio.Runner(loop_factory=WindowsLikeLoop) as runner:
        return runner.run(scenario())  # type: ignore[arg-type]


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[int], bool]]:
    """The console control handlers the bot registers (SetConsoleCtrlHandler's seam)."""
    handlers: list[Callable[[int], bool]] = []

    def hook(handler: Callable[[int], bool]) -> Callable[[], None]:
        handlers.append(handler)
        return lambda: handlers.remove(handler)

    monkeypatch.setattr(platform_signals, "console_hook", hook)
    return handlers


async def start_headless(
    tmp_path: Path, emu: TelegramEmulator, server: EmulatorServer
) -> asyncio.Task[int]:
    settings = load_settings(resolve_paths({}, home=tmp_path), bot_env(tmp_path, server))
    bot = asyncio.create_task(run_headless(settings))
    await emu.wait_polling(timeout=30)
    return bot


def test_ctrl_c_stops_the_headless_bot_where_the_loop_has_no_signal_handlers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="trt.runner")

    async def scenario() -> tuple[int, int]:
        emu = TelegramEmulator(TOKEN)
        async with EmulatorServer(emu) as server:
            bot = await start_headless(tmp_path, emu, server)
            user = emu.user(3201, "Ivy", language_code="en")
            await user.send("/start")
            assert "Hi, Ivy" in (await user.next_message(timeout=10)).content
            assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
            signal.raise_signal(signal.SIGINT)  # Ctrl+C in the console
            code = await asyncio.wait_for(bot, 5)
            return code, emu.pending_updates

    assert on_windows_like_loop(scenario) == (0, 0)  # exit 0, the last batch confirmed
    assert "stopped" in caplog.messages
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handed back


def test_ctrl_break_and_closing_the_console_stop_the_bot_like_sigterm(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    console: list[Callable[[int], bool]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="trt.runner")
    monkeypatch.setattr(signal, "SIGBREAK", signal.SIGUSR1, raising=False)

    async def ctrl_break() -> int:
        emu = TelegramEmulator(TOKEN)
        async with EmulatorServer(emu) as server:
            bot = await start_headless(tmp_path, emu, server)
            os.kill(os.getpid(), signal.SIGUSR1)  # Ctrl+Break
            return await asyncio.wait_for(bot, 5)

    assert on_windows_like_loop(ctrl_break) == 0
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL
    assert console == []  # unregistered on the way out

    seen_on_return: list[tuple[bool, bool]] = []

    def close_console() -> None:
        # Windows' own thread: the process ends when this returns, so by then all must be done.
        handled = console[0](CTRL_CLOSE_EVENT)
        seen_on_return.append((handled, "stopped" in caplog.messages))

    async def close() -> tuple[int, int]:
        emu = TelegramEmulator(TOKEN)
        async with EmulatorServer(emu) as server:
            bot = await start_headless(tmp_path, emu, server)
            handler = console[0]
            # Ctrl+C and Ctrl+Break are left to the signal handlers; a logoff (services get
            # every user's) is no reason to stop.
            assert [handler(e) for e in (CTRL_C_EVENT, CTRL_BREAK_EVENT, CTRL_LOGOFF_EVENT)] == [
                False,
                False,
                False,
            ]
            user = emu.user(3202, "Jon", language_code="en")
            await user.send("/start")
            assert "Hi, Jon" in (await user.next_message(timeout=10)).content
            assert not bot.done()
            closing = asyncio.create_task(asyncio.to_thread(close_console))
            code = await asyncio.wait_for(bot, 5)
            await asyncio.wait_for(closing, 5)
            return code, emu.pending_updates

    caplog.clear()
    assert on_windows_like_loop(close) == (0, 0)
    assert seen_on_return == [(True, True)]  # handled, and only after the bot had stopped


def test_the_dashboard_stops_on_sigterm_where_the_loop_has_no_signal_handlers(
    tmp_path: Path, console: list[Callable[[int], bool]]
) -> None:
    world = build_demo(tmp_path)

    async def scenario() -> int:
        session = asyncio.create_task(
            dashboard_session(world.app, RedactingFormatter(), headless=True)
        )
        await world.emulator.wait_polling(timeout=30)
        assert len(console) == 1  # closing the console would stop it too
        os.kill(os.getpid(), signal.SIGTERM)
        return await asyncio.wait_for(session, 10)

    assert on_windows_like_loop(scenario) == 0
    assert world.app.poll_state == PollState.STOPPED
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert world.emulator.pending_updates == 0
