"""The Broadcast screen: compose with live checks and a preview, the audience with its size, send
with a progress bar, pause, resume, cancel, and the history with each broadcast's report."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, ProgressBar, Select, Static, TextArea

from tests.e2e.broadcasting import broadcast_row, received, seed_users
from tests.e2e.harness import JumpClock
from tests.tui.helpers import dashboard, loaded, paste, settle, text_of
from trt_local.core.broadcast import BroadcastStatus
from trt_local.demo import DemoWorld
from tui.app import Dashboard
from tui.screens.broadcast import BroadcastScreen
from tui.screens.confirm import ConfirmScreen


async def open_broadcast(pilot: Pilot[int], app: Dashboard) -> BroadcastScreen:
    await pilot.press("f7")
    screen = app.screen
    assert isinstance(screen, BroadcastScreen)
    return screen


def shown(screen: BroadcastScreen, widget_id: str) -> str:
    return text_of(screen.query_one(f"#{widget_id}", Static))


async def test_compose_check_preview_and_send_with_a_progress_bar(
    world: DemoWorld, clock: JumpClock, tmp_path: Path
) -> None:
    users = await seed_users(world.emulator, tmp_path, range(70_001, 70_021), clock())
    async with dashboard(world) as (app, pilot):
        screen = await open_broadcast(pilot, app)
        await loaded(screen, lambda: screen.audience_size == 20)
        send = screen.query_one("#send", Button)
        text = screen.query_one("#text", TextArea)
        text.insert("Hello<br>all")
        await settle(pilot, lambda: "<br> is not supported" in shown(screen, "text-problem"))
        assert send.disabled
        text.clear()
        text.insert("Hello <b>all</b> &amp; welcome")
        await settle(pilot, lambda: shown(screen, "preview") == "Hello all & welcome")
        assert shown(screen, "text-problem") == ""

        await paste(pilot, "Shop", into=screen.query_one("#button-text", Input))
        url = screen.query_one("#button-url", Input)
        await paste(pilot, "http://shop.example.com", into=url)
        assert "must start with https://" in shown(screen, "button-problem")
        assert send.disabled
        url.clear()
        await paste(pilot, "https://shop.example.com", into=url)
        await settle(pilot, lambda: not send.disabled)

        audience = screen.query_one("#audience", Select)
        audience.value = "paid"
        await loaded(screen, lambda: screen.audience_size == 0)
        await settle(pilot, lambda: "Nobody is in this audience" in shown(screen, "size"))
        assert send.disabled
        audience.value = "all"
        await loaded(screen, lambda: screen.audience_size == 20)
        await settle(pilot, lambda: shown(screen, "size") == "Reaches 20 users now")

        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert "all users: 20 users?" in text_of(app.screen.query_one("#question", Static))
        await pilot.press("y")
        bar = screen.query_one("#progress", ProgressBar)
        await loaded(screen, lambda: bool(screen.history) and screen.history[0].status.finished)
        assert screen.current is None
        record = screen.history[0]
        assert (record.status, record.sent, record.total) == (BroadcastStatus.DONE, 20, 20)
        table = screen.query_one("#history", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][:7] == [
            str(record.id),
            "done",
            "All users",
            "20",
            "0",
            "0",
            "20",
        ]
        await settle(pilot, lambda: "sent 20 · failed 0" in shown(screen, "report"))
        assert bar.total is None  # nothing being sent now
    for user_id in users:
        assert received(world.emulator, user_id, "Hello all & welcome") == 1
        [copy] = [m for m in world.emulator.chat(user_id) if m.content.startswith("Hello")]
        assert copy.buttons[0][0].url == "https://shop.example.com"


async def test_pause_resume_and_cancel_from_the_dashboard(
    world: DemoWorld, clock: JumpClock, tmp_path: Path
) -> None:
    await seed_users(world.emulator, tmp_path, range(71_001, 71_151), clock())
    database = tmp_path / "trt.db"
    async with dashboard(world) as (app, pilot):
        screen = await open_broadcast(pilot, app)
        await loaded(screen, lambda: screen.audience_size == 150)
        screen.query_one("#text", TextArea).insert("Pausable")
        await settle(pilot, lambda: not screen.query_one("#send", Button).disabled)
        await pilot.press("ctrl+s", "y")
        pause = screen.query_one("#pause", Button)
        await loaded(screen, lambda: not pause.disabled)
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.total == 150
        await pilot.click("#pause")
        await loaded(
            screen,
            lambda: screen.current is not None and screen.current.status is BroadcastStatus.PAUSED,
        )
        status, total, sent, _, _, pending = broadcast_row(database, 1)
        assert status == "paused" and 0 < sent < total and pending == total - sent
        assert pause.disabled and not screen.query_one("#resume", Button).disabled

        await pilot.click("#resume")
        await loaded(
            screen,
            lambda: screen.current is not None and screen.current.status is BroadcastStatus.SENDING,
        )
        await pilot.click("#cancel")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await loaded(screen, lambda: screen.current is None and bool(screen.history))
        status, total, sent, _, _, pending = broadcast_row(database, 1)
        assert status == "cancelled" and pending == total - sent
        assert screen.history[0].status is BroadcastStatus.CANCELLED
