"""Running the real dashboard (Textual ``run_test``) on the real bot, emulator and Kie sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar

import httpx
from textual import events
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from trt_local.demo import DemoWorld
from trt_local.logs import RedactingFormatter
from tui.app import Dashboard
from tui.logsink import LogSink
from tui.navigation import ScreenSpec
from tui.screens.live import LiveScreen

T = TypeVar("T")
WAIT_S = 15.0  # generous bound for a condition that normally holds within milliseconds


@contextlib.asynccontextmanager
async def dashboard(
    world: DemoWorld,
    *,
    screens: Sequence[ScreenSpec] | None = None,
    size: tuple[int, int] = (120, 40),
    wait_for_bot: bool = True,
    reload_s: float = 0.25,
    update_transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[tuple[Dashboard, Pilot[int]]]:
    """The dashboard over ``world``'s bot; the bot is started by the dashboard, stopped here."""
    sink = LogSink(RedactingFormatter(world.app.settings.secrets))
    root = logging.getLogger()
    root.addHandler(sink)
    level = root.level
    root.setLevel(logging.INFO)  # as setup_logging leaves it
    app = Dashboard(
        world.app,
        log_sink=sink,
        screens=screens,
        reload_s=reload_s,
        update_transport=update_transport,
    )
    try:
        async with app.run_test(size=size) as pilot:
            if wait_for_bot:
                await world.emulator.wait_polling(timeout=WAIT_S)
            yield app, pilot
    finally:
        await world.app.stop()
        root.removeHandler(sink)
        root.setLevel(level)


async def paste(pilot: Pilot[Any], text: str, into: Widget | None = None) -> None:
    """Paste ``text`` into ``into`` or the focused widget (one event; typing costs one per key)."""
    target = into or pilot.app.focused
    assert target is not None, "nothing has the focus"
    target.post_message(events.Paste(text))
    await pilot.pause()


def text_of(widget: Static) -> str:
    visual = widget.visual
    return visual.plain if isinstance(visual, Content) else str(visual)


async def loaded(screen: LiveScreen, predicate: Callable[[], bool]) -> None:
    """Wait (bounded) until one of the screen's own reloads makes ``predicate`` true."""
    if predicate():
        return
    await asyncio.wait_for(screen.wait_loaded(predicate), WAIT_S)


async def settle(pilot: Pilot[Any], predicate: Callable[[], bool]) -> None:
    """Let the app process messages until ``predicate`` holds (bounded number of rounds)."""
    for _ in range(200):
        if predicate():
            return
        await pilot.pause()
    raise AssertionError("the dashboard did not reach the expected state")
