"""Snapshot tests: the main screens over seeded data, with a frozen clock and UTC times.

Update them on purpose with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at
the SVGs (``tests/tui/__snapshots__``) before committing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.tui.helpers import dashboard, loaded, paste, settle, text_of
from tests.tui.seed import migrated, seed
from trt_local.demo import DemoWorld, build_demo
from trt_local.kie import KieSandbox
from tui.app import Dashboard
from tui.screens.dashboard import DashboardScreen
from tui.screens.jobs import JobsScreen
from tui.screens.users import UsersScreen
from tui.widgets.job_detail import JobDetail
from tui.widgets.status_line import StatusLine
from tui.widgets.user_detail import UserDetailPane

FROZEN = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC
SIZE = (130, 34)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Timestamps on screen are local time: make local time UTC for these tests."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
async def frozen_world(tmp_path: Path) -> DemoWorld:
    await migrated(tmp_path / "trt.db")
    seed(tmp_path / "trt.db", users=40, jobs=300, now=FROZEN - 60, span_s=2 * 86400)
    return build_demo(tmp_path, clock=lambda: FROZEN, sandbox=KieSandbox(speed=0))


@pytest.fixture
def svg(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SVGImageExtension)


def status_text(app: Dashboard) -> str:
    return text_of(app.screen.query_one(StatusLine).query_one(Static))


def screenshot(app: Dashboard) -> str:
    return app.export_screenshot(title="TRT Local")


async def show(pilot: Pilot[int], app: Dashboard, key: str) -> None:
    await pilot.press(key)
    await pilot.pause()


async def test_dashboard(frozen_world: DemoWorld, svg: SnapshotAssertion) -> None:
    async with dashboard(frozen_world, size=SIZE) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await loaded(screen, lambda: screen.credits is not None and screen.loads >= 2)
        await settle(pilot, lambda: "polling ok" in status_text(app))
        assert svg == screenshot(app)


async def test_jobs_with_a_job_selected(frozen_world: DemoWorld, svg: SnapshotAssertion) -> None:
    async with dashboard(frozen_world, size=SIZE) as (app, pilot):
        await show(pilot, app, "f2")
        screen = app.screen
        assert isinstance(screen, JobsScreen)
        await loaded(screen, lambda: len(screen.rows) == 100)
        await pilot.press("down", "down")
        detail = screen.query_one("#detail", JobDetail)
        await settle(pilot, lambda: detail.job is not None and detail.job.id == 298)
        await loaded(screen, lambda: True)
        assert svg == screenshot(app)


async def test_users_search_and_ledger(frozen_world: DemoWorld, svg: SnapshotAssertion) -> None:
    async with dashboard(frozen_world, size=SIZE) as (app, pilot):
        await show(pilot, app, "f3")
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        search = screen.query_one("#search", Input)
        await paste(pilot, "Clara2", into=search)
        pane = screen.query_one("#user-detail", UserDetailPane)
        await loaded(
            screen, lambda: pane.detail is not None and pane.detail.user.name.startswith("Clara2")
        )
        screen.query_one("#users", DataTable).focus()
        search.cursor_blink = False
        await loaded(screen, lambda: True)
        assert svg == screenshot(app)
