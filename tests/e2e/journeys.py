"""User journeys shared by the generation tests, at a person's pace.

A person takes about a second per tap; the bot's anti-flood (2 presses/s, burst 6) is built for
that. Each step jumps the test clock one second instead of sleeping.
"""

from __future__ import annotations

from tests.e2e.harness import JumpClock
from trt_local.app import TrtApp
from trt_local.emulator import ChatMessage, EmulatedUser, TelegramEmulator
from trt_local.kie import KieSandbox

ADMIN = 900  # the admin id the generation tests run the bot with
PRICE = 511  # Seedream 4.5, 1:1, basic at the default prices (₽5.11)
REFUNDED = "Refunded: ₽5.11"


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


async def topup(emu: TelegramEmulator, clock: JumpClock, user_id: int, amount: str) -> None:
    """The admin tops the user up with /topup and sees it done."""
    admin = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
    await admin.send(f"/topup {user_id} {amount} test money")
    await admin.wait(f"to user {user_id}")


async def photos(user: EmulatedUser, count: int) -> None:
    """Wait until the bot has sent the user ``count`` photos in all."""
    await user.wait_for(
        lambda m: sum(x.media_kind == "photo" for x in user.messages) >= count, timeout=20
    )


async def paid_job(
    emu: TelegramEmulator, clock: JumpClock, user_id: int, prompt: str = "a lighthouse at dawn"
) -> Person:
    """A user with ₽10 who confirms one paid image."""
    person = Person(emu.user(user_id, f"U{user_id}", language_code="en"), clock)
    await person.send("/start")
    await topup(emu, clock, user_id, "10")
    await person.paid_image(prompt)
    return person


async def creates_sent(emu: TelegramEmulator, sandbox: KieSandbox, count: int) -> None:
    """Wait until the bot has sent ``count`` createTask requests (and told the user about it)."""

    def probe() -> bool | None:
        sent = sum(r.url.endswith("/createTask") for r in sandbox.requests)
        return True if sent >= count else None

    await emu.wait_until(probe, timeout=10)


def next_step(app: TrtApp, clock: JumpClock, seconds: float = 6) -> None:
    """Skip ahead to the engine's next due step (a retry, the first poll) instead of waiting."""
    clock.jump(seconds)
    assert app.services is not None
    app.services.engine.wake()


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
