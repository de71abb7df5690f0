"""The Promo codes screen (F9): create codes, refusals as their sentence, uses, switch off."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.tui.helpers import dashboard, loaded, paste, settle, text_of
from trt_local.demo import DemoWorld
from tui.app import Dashboard
from tui.screens.confirm import ConfirmScreen
from tui.screens.promo import PromoScreen

ANN = 4001


async def open_promo(pilot: Pilot[int], app: Dashboard) -> PromoScreen:
    await pilot.press("f9")
    screen = app.screen
    assert isinstance(screen, PromoScreen)
    return screen


async def fill(pilot: Pilot[int], screen: PromoScreen, **values: str) -> None:
    for name in ("code", "reward", "max-uses", "expires"):
        field = screen.query_one(f"#{name}", Input)
        field.clear()
        if values.get(name.replace("-", "_")):
            await paste(pilot, values[name.replace("-", "_")], into=field)
    await pilot.press("enter")


def rows(screen: PromoScreen) -> list[list[str]]:
    table = screen.query_one("#codes", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_create_list_with_uses_and_switch_off_a_promo_code(
    world: DemoWorld, clock: JumpClock
) -> None:
    async with dashboard(world) as (app, pilot):
        screen = await open_promo(pilot, app)
        problem = screen.query_one("#problem", Static)
        screen.query_one("#code", Input).focus()

        await fill(pilot, screen, code="spring", reward="50", max_uses="2", expires="2999-12-31")
        await loaded(screen, lambda: len(rows(screen)) == 1)
        assert rows(screen) == [["SPRING", "₽50", "0/2", "2999-12-31", "on"]]
        assert screen.query_one("#code", Input).value == ""  # the form is cleared for the next

        # Refusals are their sentence; nothing is created.
        await fill(pilot, screen, code="Spring", reward="free:3")
        await settle(pilot, lambda: "already exists" in text_of(problem))
        assert text_of(problem) == "Promo code SPRING already exists."
        await fill(pilot, screen, code="OLD", reward="10", expires="2001-01-01")
        await settle(pilot, lambda: text_of(problem) == "That date is already over.")
        await fill(pilot, screen, code="FREE5", reward="five")
        assert text_of(problem) == "The reward is an amount (150) or free:N (free:5)."
        await fill(pilot, screen, code="FREE5", reward="free:5")
        await loaded(screen, lambda: len(rows(screen)) == 2)
        assert ["FREE5", "5 free", "0", "–", "on"] in rows(screen)
        assert text_of(problem) == ""

        ann = Person(world.emulator.user(ANN, "Ann", language_code="en"), clock)
        await ann.send("/start")
        await ann.send("/promo spring")
        await ann.wait("Promo code SPRING applied")
        await loaded(screen, lambda: ["SPRING", "₽50", "1/2", "2999-12-31", "on"] in rows(screen))

        table = screen.query_one("#codes", DataTable)
        table.focus()
        spring = next(i for i, row in enumerate(rows(screen)) if row[0] == "SPRING")
        table.move_cursor(row=spring)
        await pilot.pause()
        await pilot.press("o")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await loaded(screen, lambda: ["SPRING", "₽50", "1/2", "2999-12-31", "off"] in rows(screen))

        bob = Person(world.emulator.user(ANN + 1, "Bob", language_code="en"), clock)
        await bob.send("/start")
        await bob.send("/promo SPRING")
        await bob.wait("This promo code has been switched off.")
