"""The Settings screen: validated as typed, saved through RuntimeSettings, used by the next quote."""

from __future__ import annotations

from textual.widgets import Button, Input, SelectionList, Static

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.tui.helpers import dashboard, loaded, paste, settle, text_of
from trt_local.core.money import format_money
from trt_local.demo import DemoWorld
from tui.screens.settings import SettingsScreen

ANN = 4001


async def test_prices_are_checked_as_typed_and_the_next_quote_uses_them(
    world: DemoWorld, clock: JumpClock
) -> None:
    async with dashboard(world) as (app, pilot):
        services = world.app.services
        assert services is not None
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Ann")
        await services.billing.admin_topup(0, ANN, 10_000, "test money")
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        markup = screen.query_one("#markup", Input)
        await loaded(screen, lambda: markup.value == "2.0")

        markup.clear()
        await paste(pilot, "0.5", into=markup)
        assert "below the Kie cost" in text_of(screen.query_one("#markup-problem", Static))
        assert screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")  # refused: nothing is saved
        assert services.settings.prices.markup == 2

        markup.clear()
        await paste(pilot, "3", into=markup)
        free = screen.query_one("#free", Input)
        free.clear()
        await paste(pilot, "0", into=free)
        assert "after saving" in text_of(screen.query_one("#preview", Static))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: services.settings.prices.markup == 3)
        assert services.settings.prices.free_per_day == 0

        await ann.paid_image_until_confirm("a lighthouse")
        user = await services.users.get(ANN)
        assert user is not None
        quoted = await services.generation.quote(
            user, "seedream/4.5-text-to-image", {"aspect_ratio": "1:1", "quality": "basic"}
        )
        assert quoted.price_minor > 511  # dearer than at markup 2
        price = format_money(quoted.price_minor, "RUB", "en")
        await ann.wait(price)


async def test_switching_a_model_off_hides_it_from_users(
    world: DemoWorld, clock: JumpClock
) -> None:
    async with dashboard(world) as (app, pilot):
        services = world.app.services
        assert services is not None
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        models = screen.query_one("#models", SelectionList)
        await loaded(screen, lambda: "z-image" in models.selected)
        # Each model is listed with its card line, as users see it on the model card.
        labels = {
            option.value: str(option.prompt)
            for option in (models.get_option_at_index(i) for i in range(models.option_count))
        }
        assert labels["z-image"] == "Z-Image Turbo · Cheapest: quick drafts and simple pictures"
        models.focus()
        await pilot.pause()
        models.highlighted = next(
            i
            for i in range(models.option_count)
            if models.get_option_at_index(i).value == "z-image"
        )
        await pilot.press("space")
        await settle(pilot, lambda: not services.catalog().get("z-image").enabled)  # type: ignore[union-attr]
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.user.next_message()
        await ann.press("🎨 Create")
        await ann.wait_button("Text to image")
        await ann.press("Text to image")
        listing = await ann.wait_button("Seedream")
        assert not any("Z-Image" in text for text in listing.button_texts)
