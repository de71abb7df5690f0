"""User journeys shared by the generation tests, at a person's pace.

A person takes about a second per tap; the bot's anti-flood (2 presses/s, burst 6) is built for
that. Each step jumps the test clock one second instead of sleeping.
"""

from __future__ import annotations

from tests.e2e.harness import JumpClock
from trt_local.emulator import ChatMessage, EmulatedUser


def button_starting(message: ChatMessage, prefix: str) -> str:
    for text in message.button_texts:
        if text.startswith(prefix):
            return text
    raise AssertionError(f"no button starting with {prefix!r} in {message.button_texts}")


class Person:
    """An emulated user who acts at a human pace and waits for the bot's answers."""

    def __init__(self, user: EmulatedUser, clock: JumpClock) -> None:
        self.user = user
        self.clock = clock

    async def send(self, text: str) -> None:
        self.clock.jump(1)
        await self.user.send(text)

    async def press(self, text: str, message_id: int | None = None) -> str:
        """Press a button, first waiting (like a person) until the bot shows it."""
        if message_id is None:
            shown = await self.user.wait_for(lambda m: text in m.button_texts)
            message_id = shown.message_id
        self.clock.jump(1)
        return await self.user.press(text, message_id=message_id)

    async def press_prefix(self, prefix: str) -> str:
        message = await self.user.wait_for(
            lambda m: any(b.startswith(prefix) for b in m.button_texts)
        )
        return await self.press(button_starting(message, prefix), message.message_id)

    async def wait(self, text: str, timeout: float = 10) -> ChatMessage:  # noqa: ASYNC109
        return await self.user.wait_for(lambda m: text in m.content, timeout=timeout)

    async def wait_button(self, prefix: str) -> ChatMessage:
        return await self.user.wait_for(lambda m: any(b.startswith(prefix) for b in m.button_texts))

    async def open_model(self, category: str, model_title: str) -> ChatMessage:
        """/start → Create → category → model card → Start; returns the first question."""
        self.user.mark_read()
        await self.send("/start")
        menu = await self.user.next_message()
        await self.press("🎨 Create")
        await self.user.wait_for(
            lambda m: m.message_id == menu.message_id and category in m.button_texts
        )
        await self.press(category)
        await self.press_prefix(model_title)
        await self.user.wait_for(lambda m: "▶️ Start" in m.button_texts)
        await self.press("▶️ Start")
        return await self.user.wait_for(
            lambda m: (
                m.message_id == menu.message_id
                and "▶️ Start" not in m.button_texts
                and "« Back" in m.button_texts
            )
        )

    async def confirm(self) -> None:
        await self.press_prefix("✅ Confirm")

    async def paid_image_until_confirm(self, prompt: str) -> ChatMessage:
        """Seedream 4.5, 1:1, basic (₽5.11 at the default prices): the confirm screen."""
        await self.open_model("Text to image", "Seedream 4.5")
        await self.send(prompt)
        await self.press("1:1")
        await self.press("basic")
        return await self.wait_button("✅ Confirm")

    async def paid_image(self, prompt: str) -> None:
        await self.paid_image_until_confirm(prompt)
        await self.confirm()

    async def free_image(self, prompt: str) -> None:
        """Z-Image Turbo (free), 1:1, confirmed."""
        await self.open_model("Text to image", "Z-Image Turbo")
        await self.send(prompt)
        await self.press("1:1")
        await self.confirm()


async def new_invoice(person: Person, top_up: str, preset: str) -> ChatMessage:
    """/balance → Top up → a preset; returns the invoice the bot sent for it."""
    before = max((m.message_id for m in person.user.messages), default=0)
    await person.send("/balance")
    screen = await person.user.wait_for(
        lambda m: m.message_id > before and top_up in m.button_texts
    )
    await person.press(top_up, screen.message_id)
    await person.press(preset)
    return await person.user.wait_for(lambda m: m.media_kind == "invoice" and m.message_id > before)
