"""The dashboard's screens as data: adding a screen is one more :class:`ScreenSpec`.

The App turns each spec into a mode (its own screen stack), a key binding shown in the footer
and a command palette entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from tui.context import DashboardContext

ScreenFactory = Callable[[DashboardContext], Screen[None]]


@dataclass(frozen=True, slots=True)
class ScreenSpec:
    name: str  # mode name, also used in the "show('name')" action
    title: str  # footer label and palette title
    key: str  # key binding, e.g. "f2"
    help: str  # palette help line
    factory: ScreenFactory


def default_screens() -> tuple[ScreenSpec, ...]:
    """The screens of every session (imported late: each screen is its own module)."""
    from tui.screens.broadcast import BroadcastScreen
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.jobs import JobsScreen
    from tui.screens.logs import LogsScreen
    from tui.screens.settings import SettingsScreen
    from tui.screens.users import UsersScreen

    return (
        ScreenSpec("dashboard", "Dashboard", "f1", "Bot status, queue, today", DashboardScreen),
        ScreenSpec("jobs", "Jobs", "f2", "Live jobs table, retry delivery, refund", JobsScreen),
        ScreenSpec("users", "Users", "f3", "Find users, balances, ledger, block", UsersScreen),
        ScreenSpec("settings", "Settings", "f4", "Prices, quota, job cap, models", SettingsScreen),
        ScreenSpec("logs", "Logs", "f5", "Live log tail with filters", LogsScreen),
        # f6 is the demo's Chat screen.
        ScreenSpec(
            "broadcast", "Broadcast", "f7", "Compose, send, pause, cancel; history", BroadcastScreen
        ),
    )
