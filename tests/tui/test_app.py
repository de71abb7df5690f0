"""The App around the screens: quitting with jobs running, bot failures shown instead of fatal."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.tui.helpers import dashboard, loaded, paste, settle, text_of
from trt_local.app import TrtApp
from trt_local.demo import DemoWorld, build_demo
from trt_local.emulator import faults
from trt_local.emulator.request import EmulatorRequest
from trt_local.kie import KieSandbox
from trt_local.logs import RedactingFormatter
from trt_local.runner import dashboard_session
from tui.navigation import ScreenSpec
from tui.screens.confirm import ConfirmScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.live import LiveScreen
from tui.screens.users import UsersScreen
from tui.widgets.status_line import StatusLine

ANN = 4001
WRONG_TOKEN = "999999:WRONG-secret-token-value"


def status(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return text_of(screen.query_one(StatusLine).query_one(Static))


async def test_quit_asks_while_jobs_are_unfinished(
    world: DemoWorld, clock: JumpClock, sandbox: KieSandbox
) -> None:
    sandbox.hang_tasks()
    async with dashboard(world) as (app, pilot):
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.free_image("a slow one")
        await world.emulator.wait_until(lambda: sandbox.created or None, timeout=10)
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = text_of(app.screen.query_one("#question", Static))
        assert "1 job(s) are not finished" in question and "resume on the next start" in question
        await pilot.press("n")
        await settle(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_quit_without_jobs_needs_no_answer(world: DemoWorld) -> None:
    async with dashboard(world) as (app, pilot):
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_a_rejected_token_is_shown_and_the_data_screens_still_work(
    world: DemoWorld, tmp_path: Path
) -> None:
    settings = dataclasses.replace(world.app.settings, telegram_token=WRONG_TOKEN)
    emulator = world.emulator
    bad = TrtApp(settings, requests=(EmulatorRequest(emulator), EmulatorRequest(emulator)))
    broken = dataclasses.replace(world, app=bad)
    async with dashboard(broken, wait_for_bot=False) as (app, pilot):
        await settle(pilot, lambda: "rejected" in status(app))
        line = status(app)
        assert "stopped: Telegram rejected TELEGRAM_BOT_TOKEN" in line
        await pilot.press("f3")
        users = app.screen
        assert isinstance(users, UsersScreen)
        await loaded(users, lambda: users.loads > 0)  # the database is open and readable
        await pilot.press("f5")
        shown = "\n".join(app.screen.query_one("#log").lines)  # type: ignore[attr-defined]
        assert "the bot is stopped: Telegram rejected" in shown
        assert app.is_running
    log_file = tmp_path / "logs" / "trt.log"
    assert not log_file.exists() or "WRONG-secret" not in log_file.read_text()
    assert "WRONG-secret" not in shown and "WRONG-secret" not in line


async def test_a_409_conflict_is_shown_in_the_status_line(world: DemoWorld) -> None:
    async with dashboard(world) as (app, pilot):
        await settle(pilot, lambda: "polling ok" in status(app))
        world.emulator.inject("getUpdates", faults.conflict(), times=50)
        await world.emulator.user(ANN, "Ann").send("/start")  # wakes the long poll
        await settle(pilot, lambda: "409 conflict" in status(app))
        world.emulator.clear_faults()


class BrokenScreen(LiveScreen):
    async def load(self, services: object) -> None:
        raise RuntimeError("a bug in a screen")


async def test_a_crashed_dashboard_exits_non_zero_and_the_bot_is_stopped(
    world: DemoWorld, caplog: pytest.LogCaptureFixture
) -> None:
    spec = ScreenSpec("broken", "Broken", "f9", "crashes on its first load", BrokenScreen)
    formatter = RedactingFormatter(world.app.settings.secrets)
    code = await dashboard_session(world.app, formatter, screens=(spec,), headless=True)
    assert code == 1  # never 0 after a crash (STACK-NOTES P5)
    assert world.app.db is None and world.app.poll_state == "stopped"
    assert "the dashboard crashed" in caplog.text and "a bug in a screen" in caplog.text


async def test_the_command_palette_lists_every_screen_and_action(world: DemoWorld) -> None:
    async with dashboard(world) as (app, pilot):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for name in ("Dashboard", "Jobs", "Users", "Settings", "Logs"):
            assert f"Go to {name}" in titles
        await pilot.press("f2")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Jobs: retry delivery", "Jobs: fail and refund", "Quit"} <= titles
        await pilot.press("ctrl+p")
        await paste(pilot, "Go to Users")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, UsersScreen))


async def test_low_kie_credits_are_flagged(tmp_path: Path, clock: JumpClock) -> None:
    poor = build_demo(tmp_path, clock=clock, sandbox=KieSandbox(speed=0, credits=Decimal("42")))
    async with dashboard(poor) as (app, pilot):
        board = app.screen
        assert isinstance(board, DashboardScreen)
        credits = board.query_one("#credits", Static)
        await settle(pilot, lambda: "42" in text_of(credits))
        assert "LOW" in text_of(credits)
