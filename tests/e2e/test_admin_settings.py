"""Live settings from the admin panel: kept in SQLite, applied to the next quote, screen or top-up
without a restart; a refused value is said in the settings service's own words."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.admin_support import rows
from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person, new_invoice, topup
from trt_local.bot import codec
from trt_local.emulator import ChatMessage, TelegramEmulator
from trt_local.kie import KieSandbox

ADMIN = 900  # journeys.topup's admin
BEA = 6002
DETAILS = "Card 2200 1234 5678 9010, A. Petrova"


async def settings_screen(owner: Person) -> ChatMessage:
    await owner.send("/admin")
    panel = await owner.wait("Admin panel")
    await owner.press("⚙️ Settings", panel.message_id)
    return await owner.user.wait_for(
        lambda m: m.message_id == panel.message_id and "Settings" in m.content
    )


async def type_setting(owner: Person, button: str, value: str) -> ChatMessage:
    """Press a setting's button on the settings screen and send ``value``; the bot's answer."""
    shown = await owner.user.wait_for(lambda m: button in m.button_texts)
    await owner.press(button, shown.message_id)
    await owner.user.wait_for(lambda m: m.message_id == shown.message_id and "Send " in m.content)
    owner.user.mark_read()
    await owner.send(value)
    return await owner.user.next_message()


async def test_a_markup_changed_in_the_panel_prices_the_next_quote(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        bea = Person(emu.user(BEA, "Bea", language_code="en"), clock)
        await bea.send("/start")
        await topup(emu, clock, BEA, "100")
        await bea.wait("topped up by ₽100")
        first = await bea.paid_image_until_confirm("a lighthouse at dawn")
        assert "✅ Confirm · ₽5.11" in first.button_texts

        owner = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        screen = await settings_screen(owner)
        assert "Markup: ×2.0" in screen.content
        refused = await type_setting(owner, "Markup", "0.5")
        assert "Not saved: markup below 1 sells below the Kie cost" in refused.content
        assert "Send the markup" in refused.content  # asked again
        owner.user.mark_read()
        await owner.send("3")
        saved = await owner.user.next_message()
        assert "✅ Saved." in saved.content and "Markup: ×3" in saved.content

        await bea.paid_image_until_confirm("a lighthouse at dusk")
        second = await bea.wait_button("✅ Confirm · ₽7.67")  # the new quote
        assert second.message_id != first.message_id
    [(stored,)] = rows(tmp_path / "trt.db", "SELECT value FROM settings WHERE key = 'prices'")
    assert '"markup":"3"' in str(stored)


async def test_a_model_switched_off_in_the_panel_disappears_for_users(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        bea = Person(emu.user(BEA, "Bea", language_code="en"), clock)
        await bea.open_model("Text to image", "Seedream 4.5")  # on by default

        owner = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        await settings_screen(owner)
        await owner.press("🧩 Models")
        await owner.press_prefix("Text to image: ")
        await owner.press("✅ Seedream 4.5")
        done = await owner.wait("Seedream 4.5 is off.")
        assert "⛔ Seedream 4.5" in done.button_texts

        bea.user.mark_read()
        await bea.send("/start")
        menu = await bea.user.next_message()
        await bea.press("🎨 Create", menu.message_id)
        await bea.press("Text to image")
        listing = await bea.user.wait_for(
            lambda m: (
                m.message_id == menu.message_id and any("Z-Image" in b for b in m.button_texts)
            )
        )
        assert not [b for b in listing.button_texts if "Seedream 4.5" in b]


async def test_manual_payments_details_and_texts_follow_the_panel(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, payment_details=DETAILS):
        bea = Person(emu.user(BEA, "Bea", language_code="en"), clock)
        await new_invoice(bea, "💳 Top up", "₽150 · 240 ⭐")
        offer = await bea.user.wait_for(lambda m: "🏦 Bank transfer" in m.button_texts)

        owner = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        screen = await settings_screen(owner)
        assert "Manual payments: on" in screen.content and DETAILS in screen.content
        await owner.press("⛔ Turn transfers off", screen.message_id)
        await owner.user.wait_for(
            lambda m: m.message_id == screen.message_id and "Manual payments: off" in m.content
        )
        invoice = await new_invoice(bea, "💳 Top up", "₽150 · 240 ⭐")
        second = await bea.user.wait_for(
            lambda m: (
                m.message_id > offer.message_id
                and m.message_id < invoice.message_id
                and "« Back" in m.button_texts
            )
        )
        assert "🏦 Bank transfer" not in second.button_texts
        clock.jump(1)
        query = await bea.user.press_data(codec.encode("xfer", 15_000), offer.message_id)
        assert (await emu.wait_callback_answer(query)).text == (
            "Paying by bank transfer is not available right now."
        )

        # New details, transfers on again: the user is shown the new details.
        await owner.press("✅ Turn transfers on", screen.message_id)
        await owner.user.wait_for(
            lambda m: m.message_id == screen.message_id and "Manual payments: on" in m.content
        )
        saved = await type_setting(owner, "Details", "IBAN DE00 1111")
        assert "Payment details: IBAN DE00 1111" in saved.content
        clock.jump(1)
        await bea.user.press_data(codec.encode("xfer", 15_000), offer.message_id)
        await bea.user.wait_for(lambda m: "IBAN DE00 1111" in m.content)

        # Support contact and terms: live, and "default" returns the config's.
        saved = await type_setting(owner, "Support", "@help_desk")
        assert "Support: @help_desk" in saved.content
        await bea.send("/paysupport")
        await bea.wait("@help_desk")
        saved = await type_setting(owner, "Terms", "Be kind. <No> refunds of spent money.")
        bea.user.mark_read()
        await bea.send("/terms")
        assert (await bea.user.next_message()).content == "Be kind. <No> refunds of spent money."
        await type_setting(owner, "Terms", "default")
        bea.user.mark_read()
        await bea.send("/terms")
        assert "A top-up is a prepayment" in (await bea.user.next_message()).content
