"""The panel's Payments section: transfers to review (oldest first) and Stars payments to refund,
on the same calls as the transfer card's buttons and /refund_stars."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.admin_support import rows
from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person, new_invoice
from tests.e2e.test_generation import png
from trt_local.bot import codec
from trt_local.emulator import ChatMessage, TelegramEmulator

OWNER, ANN, BOB = 9100, 1001, 1002
DETAILS = "Card 2200 1234 5678 9010"


async def pay_stars(person: Person) -> None:
    invoice = await new_invoice(person, "💳 Top up", "₽100 · 160 ⭐")
    assert (await person.user.pay(invoice.message_id)).ok
    await person.wait("Payment received")


async def screen_of(owner: Person, message_id: int, text: str) -> ChatMessage:
    return await owner.user.wait_for(lambda m: m.message_id == message_id and text in m.content)


async def test_approve_a_transfer_and_refund_stars_from_the_panel(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    database = tmp_path / "trt.db"
    async with running_bot(
        emu, tmp_path, admin_ids=[OWNER], clock=clock, payment_details=DETAILS
    ) as app:
        assert app.services is not None
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        bob = Person(emu.user(BOB, "Bob", language_code="en"), clock)
        await ann.send("/start")
        menu = await ann.wait("Hi, Ann")
        await pay_stars(ann)  # payment #1
        clock.jump(1)
        await ann.user.press_data(codec.encode("xfer", 15_000), menu.message_id)
        await ann.wait("Card 2200")
        await ann.user.send_photo(png(), caption="paid")
        await ann.wait("Request #2 for ₽150 is under review")
        await bob.send("/start")
        await bob.wait("Hi, Bob")
        await pay_stars(bob)  # payment #3, then half of it is gone
        await app.services.billing.adjust(OWNER, BOB, -5_000, "spent", ref="spent")
        clock.jump(2 * 3600)

        owner = Person(emu.user(OWNER, "Boss", language_code="en"), clock)
        await owner.send("/admin")
        panel = await owner.wait("Admin panel")
        await owner.press("💰 Payments", panel.message_id)
        listing = await screen_of(owner, panel.message_id, "Transfers to review")
        assert "#2 · Ann (1001) · ₽150 · 2 h ago" in listing.content
        assert "#3 · user 1002 · ₽100 (160 ⭐)" in listing.content
        assert {"✅ Approve #2", "❌ Reject #2", "↩️ Refund #1", "↩️ Refund #3"} <= set(
            listing.button_texts
        )

        query = await owner.press("✅ Approve #2", panel.message_id)
        assert (await emu.wait_callback_answer(query)).text == (
            "Approved: ₽150 credited, balance ₽250."
        )
        await screen_of(owner, panel.message_id, "No transfers to review.")

        # Bob's balance no longer covers his payment: one line, nothing changed.
        await owner.press("↩️ Refund #3", panel.message_id)
        await screen_of(owner, panel.message_id, "Refund payment #3?")
        await owner.press("↩️ Yes, refund", panel.message_id)
        refused = await screen_of(owner, panel.message_id, "cannot be refunded")
        assert refused.content.splitlines()[0] == (
            "Payment #3 cannot be refunded: the user's balance is ₽50 and ₽100 would have to "
            "be taken. Nothing changed."
        )

        await owner.press("↩️ Refund #1", panel.message_id)
        await screen_of(owner, panel.message_id, "Refund payment #1?")
        await owner.press("↩️ Yes, refund", panel.message_id)
        done = await screen_of(owner, panel.message_id, "Payment #1 refunded")
        assert "The user was told" in done.content and "↩️ Refund #1" not in done.button_texts
        await ann.wait("Payment #1 was refunded")
        await owner.press("« Back", panel.message_id)
        await screen_of(owner, panel.message_id, "Admin panel")
    assert [p.refunded for p in emu.payments] == [True, False]
    assert rows(database, "SELECT id, status FROM payments ORDER BY id") == [
        (1, "refunded"),
        (2, "approved"),
        (3, "paid"),
    ]
    assert rows(
        database, "SELECT balance_minor FROM users WHERE id IN (?, ?) ORDER BY id", (ANN, BOB)
    ) == [
        (15_000,),
        (5_000,),
    ]
