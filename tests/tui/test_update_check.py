"""The dashboard's "update available" row: only when the operator turned the check on.

GitHub is an ``httpx.MockTransport`` that counts what it is asked; nothing touches the network.
"""

from __future__ import annotations

import dataclasses

import httpx
from textual.widgets import Static

from tests.tui.helpers import dashboard, loaded, text_of
from trt_local import __version__
from trt_local.demo import DemoWorld
from trt_local.updates import RELEASES_PAGE
from tui.screens.dashboard import DashboardScreen


class FakeGitHub:
    def __init__(self, tag: str) -> None:
        self.asked = 0
        self.tag = tag
        self.transport = httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.asked += 1
        page = f"{RELEASES_PAGE}/tag/{self.tag}"
        return httpx.Response(200, json={"tag_name": self.tag, "html_url": page, "assets": []})


def turn_check_on(world: DemoWorld) -> None:
    # What `[updates] check = true` in config.toml (or TRT_UPDATE_CHECK=1) gives the bot.
    world.app.settings = dataclasses.replace(world.app.settings, update_check=True)


async def test_no_check_and_no_row_unless_the_operator_turned_it_on(world: DemoWorld) -> None:
    github = FakeGitHub("v99.0.0")
    async with dashboard(world, update_transport=github.transport) as (app, _pilot):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await loaded(screen, lambda: "waiting" in text_of(screen.query_one("#queue", Static)))
        await app.workers.wait_for_complete()
        assert not screen.query_one("#update-row").display
    assert github.asked == 0  # not one request to GitHub


async def test_a_newer_release_shows_update_available_with_its_link(world: DemoWorld) -> None:
    turn_check_on(world)
    github = FakeGitHub("v99.0.0")
    async with dashboard(world, update_transport=github.transport) as (app, _pilot):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        row = screen.query_one("#update-row")
        await loaded(screen, lambda: bool(row.display))
        shown = text_of(screen.query_one("#update", Static))
        assert f"update available: trt 99.0.0 (you have {__version__})" in shown
        assert f"{RELEASES_PAGE}/tag/v99.0.0" in shown
    assert github.asked == 1


async def test_the_latest_release_itself_shows_nothing(world: DemoWorld) -> None:
    turn_check_on(world)
    github = FakeGitHub(f"v{__version__}")
    async with dashboard(world, update_transport=github.transport) as (app, _pilot):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await loaded(screen, lambda: github.asked == 1)
        await app.workers.wait_for_complete()
        assert not screen.query_one("#update-row").display
