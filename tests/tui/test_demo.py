"""``trt demo``: generate an image through the Chat screen, then find it in Jobs and Users."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from tests.e2e.harness import JumpClock
from tests.tui.helpers import dashboard, loaded, paste, text_of
from tests.tui.pictures import png
from trt_local.demo import DEMO_USER_ID, DemoWorld, chat_screens
from trt_local.kie import KieSandbox
from tui.app import Dashboard
from tui.navigation import default_screens
from tui.screens.chat import ChatScreen
from tui.screens.jobs import JobsScreen
from tui.screens.photo import PhotoScreen
from tui.screens.users import UsersScreen
from tui.widgets.chat_bubble import ChatBubble
from tui.widgets.user_detail import UserDetailPane

S = TypeVar("S")


def buttons(screen: ChatScreen) -> list[str]:
    return [str(b.label) for b in screen.query("ChatBubble Button").results(Button)]


async def tap(pilot: Pilot[int], screen: ChatScreen, clock: JumpClock, label: str) -> None:
    """Click the newest inline button whose label starts with ``label``, at a person's pace."""
    await screen.wait_synced(lambda: any(text.startswith(label) for text in buttons(screen)))
    button = [
        b
        for b in screen.query("ChatBubble Button").results(Button)
        if str(b.label).startswith(label)
    ]
    button[-1].scroll_visible(animate=False)
    await pilot.pause()
    clock.jump(1)
    assert await pilot.click(button[-1])


async def say(pilot: Pilot[int], screen: ChatScreen, clock: JumpClock, text: str) -> None:
    clock.jump(1)
    await paste(pilot, text, into=screen.query_one("#chat-input", Input))
    screen.query_one("#chat-input", Input).focus()
    await pilot.press("enter")


async def test_an_image_made_in_the_chat_shows_in_jobs_and_in_the_users_history(
    world: DemoWorld, clock: JumpClock, sandbox: KieSandbox
) -> None:
    screens = (*default_screens(), *chat_screens(world))
    async with dashboard(world, screens=screens) as (app, pilot):
        await pilot.press("f6")
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        await say(pilot, chat, clock, "/start")
        await tap(pilot, chat, clock, "🎨 Create")
        await tap(pilot, chat, clock, "Text to image")
        await tap(pilot, chat, clock, "Z-Image Turbo")
        await tap(pilot, chat, clock, "▶️ Start")
        await chat.wait_synced(
            lambda: any("prompt" in b.message.content for b in chat.query(ChatBubble))
        )
        await say(pilot, chat, clock, "a lighthouse at dawn")
        await tap(pilot, chat, clock, "1:1")
        await tap(pilot, chat, clock, "✅ Confirm")
        await world.emulator.wait_until(lambda: sandbox.created or None, timeout=10)
        clock.jump(5)
        assert world.app.services is not None
        world.app.services.engine.wake()
        await chat.wait_synced(lambda: any(b.location for b in chat.query(ChatBubble)))
        [saved] = [Path(b.location) for b in chat.query(ChatBubble) if b.location]
        assert saved.parent == world.results_dir and saved.read_bytes()[:4] == b"\x89PNG"

        jobs = await switch(pilot, app, "f2", JobsScreen)
        await loaded(
            jobs,
            lambda: (
                [(r.user_id, r.status.value) for r in jobs.rows] == [(DEMO_USER_ID, "delivered")]
            ),
        )
        users = await switch(pilot, app, "f3", UsersScreen)
        await paste(pilot, str(DEMO_USER_ID), into=users.query_one("#search", Input))
        pane = users.query_one("#user-detail", UserDetailPane)
        await loaded(users, lambda: pane.detail is not None and pane.detail.jobs_total == 1)
        assert pane.detail is not None
        [job] = pane.detail.jobs
        assert job.title == "Z-Image Turbo" and job.params["prompt"] == "a lighthouse at dawn"


async def switch(pilot: Pilot[int], app: Dashboard, key: str, kind: type[S]) -> S:
    await pilot.press(key)
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


async def test_a_photo_from_a_file_path_is_sent_into_the_chat(
    world: DemoWorld, tmp_path: Path
) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(png())
    screens = (*default_screens(), *chat_screens(world))
    async with dashboard(world, screens=screens) as (app, pilot):
        await pilot.press("f6")
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        await pilot.press("ctrl+o")
        dialog = app.screen
        assert isinstance(dialog, PhotoScreen)
        path_field = dialog.query_one("#path", Input)
        await paste(pilot, str(tmp_path / "missing.png"), into=path_field)
        await pilot.press("enter")
        assert "no file at" in text_of(dialog.query_one("#problem", Static))
        path_field.clear()
        await paste(pilot, str(picture), into=path_field)
        await pilot.press("enter")
        await world.emulator.wait_until(
            lambda: [m for m in world.user.history if m.media_kind == "photo"] or None, timeout=10
        )
        await chat.wait_synced(
            lambda: any(
                not b.message.from_bot and b.message.media_kind == "photo"
                for b in chat.query(ChatBubble)
            )
        )
