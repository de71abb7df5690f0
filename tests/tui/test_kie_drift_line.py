"""The Kie catalog line on the Settings screen: it shows the newest drift check with its
differences, leaves the models alone, and the app asks Kie again only after an hour."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import SelectionList, Static

from tests.e2e.harness import JumpClock
from tests.tui.helpers import dashboard, loaded, text_of
from trt_local.core.catalog import default_catalog
from trt_local.demo import DemoWorld
from trt_local.kie import KieSandbox
from trt_local.services.kie_drift import credits_text, our_credits
from tui.screens.settings import SettingsScreen


def _catalog_requests(sandbox: KieSandbox) -> int:
    return sum(r.url.endswith("/api/v1/models") for r in sandbox.requests)


async def test_the_settings_screen_lists_the_drift_refreshed_at_most_hourly(
    world: DemoWorld, clock: JumpClock, sandbox: KieSandbox
) -> None:
    async with dashboard(world) as (app, pilot):
        services = world.app.services
        assert services is not None
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        drift = screen.query_one("#drift", Static)
        await loaded(screen, lambda: text_of(drift).startswith("Kie catalog: not checked yet"))

        sandbox.catalog.drop("z-image")
        report = await services.kie_drift.refresh()
        when = datetime.fromtimestamp(report.checked_at).strftime("%H:%M")
        await loaded(
            screen, lambda: text_of(drift).startswith(f"Kie catalog: checked {when}, 1 difference")
        )
        assert "model z-image: Kie no longer lists it" in text_of(drift)
        models = screen.query_one("#models", SelectionList)
        assert "z-image" in models.selected  # reported, not switched off
        assert services.catalog().get("z-image").enabled  # type: ignore[union-attr]
        assert _catalog_requests(sandbox) == 1

        sandbox.catalog.reprice("grok-imagine/text-to-video", 25)
        clock.jump(50 * 60)
        assert await services.kie_drift.refresh() == report  # within the hour: Kie not asked
        assert _catalog_requests(sandbox) == 1

        clock.jump(11 * 60)
        await services.kie_drift.refresh()
        assert _catalog_requests(sandbox) == 2
        await loaded(screen, lambda: "2 differences" in text_of(drift))
        ours = credits_text(our_credits(default_catalog().get("grok-imagine/text-to-video")))  # type: ignore[arg-type]
        assert (
            f"model grok-imagine/text-to-video: price {ours} → 25 credits (Kie), ours {ours}"
            in text_of(drift)
        )
