"""The Logs screen: a live tail, filtered by level and text, secrets already redacted."""

from __future__ import annotations

import logging

from textual.widgets import Input, Log, Select

from tests.tui.helpers import dashboard, paste, settle
from trt_local.demo import DemoWorld
from tui.screens.logs import LogsScreen

TOKEN_SHAPED = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def lines(screen: LogsScreen) -> list[str]:
    return list(screen.query_one("#log", Log).lines)


async def test_tail_filters_by_level_and_text(world: DemoWorld) -> None:
    log = logging.getLogger("trt.test")
    async with dashboard(world) as (app, pilot):
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, LogsScreen)
        log.info("alpha event")
        log.warning("beta problem")
        log.error("gamma failure with %s inside", TOKEN_SHAPED)
        await settle(pilot, lambda: any("gamma failure" in line for line in lines(screen)))
        shown = "\n".join(lines(screen))
        assert "alpha event" in shown and "beta problem" in shown
        assert TOKEN_SHAPED not in shown and "gamma failure with *** inside" in shown
        assert "bot @trt_demo_bot is running" in shown  # the bot's own lines are there too

        screen.query_one("#level", Select).value = logging.ERROR
        await settle(pilot, lambda: not any("beta" in line for line in lines(screen)))
        assert [line for line in lines(screen) if "trt.test" in line] == [
            line for line in lines(screen) if "gamma" in line
        ]

        screen.query_one("#level", Select).value = logging.INFO
        search = screen.query_one("#search", Input)
        await paste(pilot, "BETA", into=search)
        await settle(pilot, lambda: len(lines(screen)) == 1)
        assert "beta problem" in lines(screen)[0]
        log.warning("beta again, later")  # the tail keeps following with the filter on
        await settle(pilot, lambda: len(lines(screen)) == 2)
