"""What a Telegram user does in these tests, at a person's pace (the clock jumps a second a tap)."""

from __future__ import annotations

from tests.tui.helpers import JumpClock
from trt_local.emulator import ChatMessage, EmulatedUser


class Person:
    def __init__(self, user: EmulatedUser, clock: JumpClock) -> None:
        self.user = user
        self.clock = clock

    async def send(self, text: str) -> None:
        self.clock.jump(1)
        await self.user.send(text)

    async def press(self, text: str, message_id: int | None = None) -> str:
        self.clock.jump(1)
        return await self.user.press(text, message_id=message_id)

    async def wait(self, text: str, timeout: float = 10) -> ChatMessage:  # noqa: ASYNC109
        return await self.user.wait_for(lambda m: text in m.content, timeout=timeout)

    async def wait_button(self, prefix: str) -> ChatMessage:
        return await self.user.wait_for(lambda m: any(b.startswith(prefix) for b in m.button_texts))

    async def press_prefix(self, prefix: str) -> None:
        message = await self.wait_button(prefix)
        button = next(b for b in message.button_texts if b.startswith(prefix))
        await self.press(button, message.message_id)

    async def open_model(self, category: str, model_title: str) -> None:
        """/start → Create → category → model → Start: the wizard's first question."""
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
        await self.user.wait_for(
            lambda m: (
                m.message_id == menu.message_id
                and "« Back" in m.button_texts
                and "▶️ Start" not in m.button_texts
            )
        )

    async def paid_image_until_confirm(self, prompt: str) -> ChatMessage:
        """Seedream 4.5, 1:1, basic (₽5.11 at the default prices): the confirm screen."""
        await self.open_model("Text to image", "Seedream 4.5")
        await self.send(prompt)
        await self.wait_button("1:1")
        await self.press("1:1")
        await self.wait_button("basic")
        await self.press("basic")
        return await self.wait_button("✅ Confirm")

    async def paid_image(self, prompt: str) -> None:
        await self.paid_image_until_confirm(prompt)
        await self.press_prefix("✅ Confirm")

    async def free_image(self, prompt: str) -> None:
        """Z-Image Turbo (free), 1:1, confirmed."""
        await self.open_model("Text to image", "Z-Image Turbo")
        await self.send(prompt)
        await self.wait_button("1:1")
        await self.press("1:1")
        await self.press_prefix("✅ Confirm")
