"""The Jobs screen: a live table, filters, retry delivery and fail-and-refund."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.tui.helpers import dashboard, loaded, paste, settle
from trt_local.core.jobs import JobStatus
from trt_local.demo import DemoWorld
from trt_local.emulator import TelegramEmulator, faults
from trt_local.kie import KieSandbox
from trt_local.services.delivery import MAX_DELIVERY_ATTEMPTS, RETRY_CAP_S
from tui.app import Dashboard
from tui.screens.jobs import JobsScreen
from tui.widgets.job_detail import JobDetail

ANN, BOB = 4001, 4002


def sends_reached(emulator: TelegramEmulator, count: int) -> Callable[[], bool | None]:
    return lambda: len(emulator.calls_to("sendPhoto")) >= count or None


def statuses(screen: JobsScreen) -> dict[int, str]:
    return {row.id: row.status.value for row in screen.rows}


def ledger(home: Path, user_id: int) -> list[tuple[str, int]]:
    with sqlite3.connect(home / "trt.db") as conn:
        return conn.execute(
            "SELECT kind, amount_minor FROM ledger WHERE user_id = ? ORDER BY id", (user_id,)
        ).fetchall()


async def open_jobs(pilot: Pilot[int], app: Dashboard) -> JobsScreen:
    await pilot.press("f2")
    screen = app.screen
    assert isinstance(screen, JobsScreen)
    return screen


async def test_retry_delivery_sends_a_parked_result(
    world: DemoWorld, clock: JumpClock, sandbox: KieSandbox
) -> None:
    emulator = world.emulator
    emulator.inject("sendPhoto", faults.network_error(), times=MAX_DELIVERY_ATTEMPTS)
    async with dashboard(world) as (app, pilot):
        services = world.app.services
        assert services is not None
        ann = Person(emulator.user(ANN, "Ann"), clock)
        await ann.free_image("a paper boat")
        await emulator.wait_until(lambda: sandbox.created or None, 10)
        for attempt in range(1, MAX_DELIVERY_ATTEMPTS + 1):
            clock.jump(RETRY_CAP_S)
            services.engine.wake()
            await emulator.wait_until(sends_reached(emulator, attempt), 10)
            await services.engine.drain()
        # Parked after the last failure: nothing sends it again but the operator.
        screen = await open_jobs(pilot, app)
        await loaded(screen, lambda: statuses(screen) == {1: "succeeded"})
        detail = screen.query_one("#detail", JobDetail)
        await settle(pilot, lambda: detail.job is not None and detail.job.id == 1)
        assert not any(m.media_kind == "photo" for m in ann.user.messages)
        await pilot.press("r")
        await ann.user.wait_for(lambda m: m.media_kind == "photo", timeout=10)
        await loaded(screen, lambda: statuses(screen) == {1: "delivered"})


async def test_fail_and_refund_a_stuck_job_after_confirming(
    world: DemoWorld, clock: JumpClock, sandbox: KieSandbox, tmp_path: Path
) -> None:
    sandbox.hang_tasks()
    async with dashboard(world) as (app, pilot):
        services = world.app.services
        assert services is not None
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Ann")
        await services.billing.admin_topup(0, ANN, 1000, "test money")
        await ann.paid_image("a lighthouse")
        await world.emulator.wait_until(lambda: sandbox.created or None, timeout=10)
        screen = await open_jobs(pilot, app)
        await loaded(screen, lambda: statuses(screen) == {1: "running"})
        await pilot.press("x")
        clock.jump(3)  # the user's status message may be edited again (one edit per 3 s)
        await pilot.press("y")
        failed = await ann.wait("took too long")
        assert "Refunded: ₽5.11" in failed.content
        await loaded(screen, lambda: statuses(screen) == {1: "failed"})
        await pilot.press("x")  # a finished job: nothing is asked, nothing happens
        assert isinstance(app.screen, JobsScreen)
    assert ledger(tmp_path, ANN) == [("topup", 1000), ("charge", -511), ("refund", 511)]


async def test_filters_by_user_and_status_and_the_table_follows_new_jobs(
    world: DemoWorld, clock: JumpClock, sandbox: KieSandbox
) -> None:
    async with dashboard(world) as (app, pilot):
        services = world.app.services
        assert services is not None
        screen = await open_jobs(pilot, app)
        await loaded(screen, lambda: screen.loads > 0)
        assert statuses(screen) == {}
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        bob = Person(world.emulator.user(BOB, "Bob"), clock)
        await ann.free_image("one")
        await loaded(screen, lambda: len(screen.rows) == 1)  # appears without any key press
        await bob.free_image("two")
        await world.emulator.wait_until(lambda: len(sandbox.created) == 2 or None, 10)
        clock.jump(5)
        services.engine.wake()
        await bob.user.wait_for(lambda m: m.media_kind == "photo", timeout=10)
        await ann.user.wait_for(lambda m: m.media_kind == "photo", timeout=10)
        await loaded(screen, lambda: statuses(screen) == {2: "delivered", 1: "delivered"})

        user_filter = screen.query_one("#user", Input)
        user_filter.focus()
        await paste(pilot, str(BOB))
        await loaded(screen, lambda: [row.user_id for row in screen.rows] == [BOB])
        user_filter.clear()
        await loaded(screen, lambda: len(screen.rows) == 2)

        model_filter = screen.query_one("#model", Select)
        model_filter.value = "seedream/4.5-text-to-image"
        await loaded(screen, lambda: screen.rows == [])
        model_filter.value = "z-image"
        await loaded(screen, lambda: len(screen.rows) == 2)
        model_filter.clear()

        screen.filter_status(JobStatus.FAILED)
        await loaded(screen, lambda: screen.rows == [])
        screen.filter_status(JobStatus.DELIVERED)
        await loaded(screen, lambda: len(screen.rows) == 2)
        table = screen.query_one("#jobs", DataTable)
        assert table.row_count == 2
