"""The Dashboard screen follows the bot: queue, today's money, failures, the bot's state."""

from __future__ import annotations

from textual.widgets import Static

from tests.e2e.harness import JumpClock
from tests.e2e.journeys import Person
from tests.tui.helpers import dashboard, loaded, text_of
from trt_local.demo import DemoWorld
from trt_local.kie import KieSandbox
from tui.screens.dashboard import DashboardScreen

ANN = 4001


async def test_numbers_follow_a_job_from_charge_to_refund(
    world: DemoWorld, clock: JumpClock, sandbox: KieSandbox
) -> None:
    sandbox.hang_tasks()  # Kie never finishes: the job stays "generating" until its deadline
    async with dashboard(world) as (app, _pilot):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)

        def shown(widget_id: str) -> str:
            return text_of(screen.query_one(widget_id, Static))

        await loaded(screen, lambda: "0 generating" in shown("#queue"))
        assert "0 generations" in shown("#today") and "revenue ₽0" in shown("#today")
        ann = Person(world.emulator.user(ANN, "Ann"), clock)
        await ann.send("/start")
        await ann.wait("Ann")
        services = world.app.services
        assert services is not None
        await services.billing.admin_topup(0, ANN, 10_000, "test money")
        await ann.paid_image("a lighthouse at dawn")
        await ann.wait("queued")
        await world.emulator.wait_until(lambda: sandbox.created or None, timeout=10)

        await loaded(screen, lambda: "1 generating" in shown("#queue"))
        await loaded(screen, lambda: "revenue ₽5.11" in shown("#today"))
        assert "1 generation ·" in shown("#today") and "top-ups ₽100" in shown("#today")

        clock.jump(11 * 60)  # past the image deadline: failed and refunded
        services.engine.wake()
        await loaded(screen, lambda: "job #1 failed: timeout" in shown("#errors"))
        await loaded(screen, lambda: "refunded ₽5.11" in shown("#today"))
        assert "0 generating" in shown("#queue") and "revenue ₽0" in shown("#today")
        assert "credits" not in shown("#credits") or "unavailable" not in shown("#credits")
