"""The Users screen: search as you type, adjust a balance with a reason, block, make admin."""

from __future__ import annotations

import time
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.tui.helpers import dashboard, loaded, paste, settle, text_of
from tests.tui.seed import FIRST_USER_ID, migrated, seed
from trt_local.demo import DemoWorld
from tui.app import Dashboard
from tui.screens.adjust import AdjustScreen
from tui.screens.users import UsersScreen
from tui.widgets.user_detail import UserDetailPane

ANN = 4001


async def open_users(pilot: Pilot[int], app: Dashboard) -> UsersScreen:
    await pilot.press("f3")
    screen = app.screen
    assert isinstance(screen, UsersScreen)
    return screen


def ledger_rows(screen: UsersScreen) -> list[list[str]]:
    table = screen.query_one("#ledger", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_adjust_a_balance_with_a_reason_and_see_the_ledger_row(
    world: DemoWorld, clock: JumpClock
) -> None:
    async with dashboard(world) as (app, pilot):
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Ann")
        screen = await open_users(pilot, app)
        await paste(pilot, "Ann")
        await pilot.press("enter")
        pane = screen.query_one("#user-detail", UserDetailPane)
        await loaded(screen, lambda: pane.detail is not None and pane.detail.user.id == ANN)

        await pilot.press("a")
        assert isinstance(app.screen, AdjustScreen)
        modal = app.screen
        await paste(pilot, "-5")
        await pilot.press("enter")
        await paste(pilot, "oops")
        assert "cannot go below zero" in text_of(modal.query_one("#check", Static))
        assert modal.query_one("#apply", Button).disabled
        amount, reason = modal.query_one("#amount", Input), modal.query_one("#reason", Input)
        amount.clear()
        await paste(pilot, "+150.50", into=amount)
        reason.clear()
        reason.focus()
        await pilot.pause()
        assert "reason is required" in text_of(modal.query_one("#check", Static))
        await paste(pilot, "welcome bonus")
        await pilot.press("enter")
        await loaded(screen, lambda: bool(ledger_rows(screen)))
        [row] = ledger_rows(screen)
        assert row[1:] == ["+₽150.50", "admin_adjust", "welcome bonus", "dashboard", "₽150.50"]
        assert pane.detail is not None and pane.detail.user.balance_minor == 15050

        await pilot.press("a")
        await paste(pilot, "-200")
        await pilot.press("enter")
        await paste(pilot, "too much")
        await pilot.press("enter")  # refused: the form stays open
        assert isinstance(app.screen, AdjustScreen)
        await pilot.press("escape")
        await pilot.press("a")
        await paste(pilot, "-0.50")
        await pilot.press("enter")
        await paste(pilot, "rounding")
        await pilot.press("enter")
        await loaded(screen, lambda: len(ledger_rows(screen)) == 2)
    services_balance = pane.detail.user.balance_minor if pane.detail else None
    assert services_balance == 15000


async def test_block_then_make_admin_take_effect_in_the_bot(
    world: DemoWorld, clock: JumpClock
) -> None:
    async with dashboard(world) as (app, pilot):
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Ann")
        screen = await open_users(pilot, app)
        await paste(pilot, str(ANN))
        await pilot.press("enter")
        pane = screen.query_one("#user-detail", UserDetailPane)
        await loaded(screen, lambda: pane.detail is not None and pane.detail.user.id == ANN)

        await pilot.press("b", "y")
        await loaded(screen, lambda: pane.detail is not None and pane.detail.user.blocked)
        await ann.send("/start")
        await ann.wait("restricted")

        await pilot.press("b", "y", "m", "y")
        await loaded(screen, lambda: pane.detail is not None and pane.detail.user.is_admin)
        assert pane.detail is not None and not pane.detail.user.blocked
        await ann.open_model("Text to image", "Z-Image Turbo")
        await ann.send("a crown")
        await ann.wait_button("1:1")
        await ann.press("1:1")
        confirm = await ann.wait_button("✅ Confirm")
        assert "you are an admin" in confirm.content


async def test_search_as_you_type_over_many_users(world: DemoWorld, tmp_path: Path) -> None:
    await migrated(tmp_path / "trt.db")
    seed(tmp_path / "trt.db", users=3000, jobs=0, now=time.time())
    async with dashboard(world) as (app, pilot):
        screen = await open_users(pilot, app)
        await loaded(screen, lambda: len(screen.users) == 100)
        await paste(pilot, "@user")
        await pilot.press("2", "9")  # typed: the list follows every key
        await loaded(
            screen,
            lambda: (
                bool(screen.users)
                and all((u.username or "").startswith("user29") for u in screen.users)
            ),
        )
        # user29, user290…299 and user2900…2999: 111 matches, 100 per page
        assert len(screen.users) == 100
        screen.query_one("#users").focus()
        await pilot.press("n")
        await loaded(screen, lambda: len(screen.users) == 11)
        await pilot.press("slash")
        search = screen.query_one("#search", Input)
        search.clear()
        await paste(pilot, str(FIRST_USER_ID + 1234))
        await loaded(
            screen, lambda: bool(screen.users) and screen.users[0].id == FIRST_USER_ID + 1234
        )
        search.clear()
        await paste(pilot, "clara")
        await loaded(
            screen, lambda: bool(screen.users) and screen.users[0].name.startswith("Clara")
        )
        assert all("clara" in u.name.lower() for u in screen.users)
        search.clear()
        await paste(pilot, "nobody-has-this-name")
        await loaded(screen, lambda: screen.users == [])
        await settle(pilot, lambda: "0–0" in text_of(screen.query_one("#count", Static)))


async def test_the_user_detail_shows_who_invited_them_and_how_many_they_invited(
    world: DemoWorld, clock: JumpClock
) -> None:
    async with dashboard(world) as (app, pilot):
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Ann")
        services = world.app.services
        assert services is not None
        code = await services.referrals.code_for(ANN)
        bob = Person(world.emulator.user(ANN + 1, "Bob"), clock)
        await bob.send(f"/start ref_{code}")
        await bob.wait("Bob")
        screen = await open_users(pilot, app)
        pane = screen.query_one("#user-detail", UserDetailPane)
        summary = pane.query_one("#summary", Static)

        await paste(pilot, "Bob")
        await loaded(screen, lambda: f"invited by user {ANN}" in text_of(summary))
        assert "invited 0 users" in text_of(summary)
        screen.query_one("#search", Input).clear()
        await paste(pilot, "Ann")
        await loaded(screen, lambda: "invited 1 user" in text_of(summary))
        assert "invited by nobody" in text_of(summary)
